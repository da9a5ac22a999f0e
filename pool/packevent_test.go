package pool

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The rules of a batch of pack events, without a database: what package db
// loads goes in as states, what it writes comes out.

var (
	mine    = PackState{Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackActive}
	unknown = PackState{Product: true} // a valid product, no such serial
)

// ev is an event on pack serial of product P; a commissioning records a lot
// and an expiry, as it must.
func ev(serial string, e PackEventType, r *Reason) PackEventInput {
	in := PackEventInput{ProductCode: "P", Serial: serial, Event: e, Reason: r}
	if e == Commission {
		in.Lot, in.Expiry = "L1", time.Date(2029, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return in
}

func key(serial string) PackKey { return PackKey{"P", serial} }

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// apply applies events as the line "line" records them at now.
func apply(states map[PackKey]PackState, events []PackEventInput) (*PackWrites, *BatchError) {
	return ApplyPackEvents(PackBatch{States: states, Now: now, Skew: DefaultClockSkew, Actor: "line"}, events)
}

// statuses are the writes' events and the statuses they leave.
func statuses(w *PackWrites) []PackWrite {
	out := []PackWrite{}
	for _, e := range w.Events {
		out = append(out, PackWrite{Event: e.Event, Status: e.Status})
	}
	return out
}

// codes lists the refused rows as "row:code".
func codes(bad *BatchError) []string {
	var out []string
	for _, r := range bad.Rows {
		out = append(out, strconv.FormatInt(r.Row, 10)+":"+r.Code)
	}
	return out
}

func TestApplyPackEventsInOrder(t *testing.T) {
	sampled, destroyed := Sampled, Destroyed
	states := map[PackKey]PackState{key("A"): mine, key("B"): mine, key("NEW"): unknown}
	before := maps.Clone(states)
	w, bad := apply(states, []PackEventInput{
		ev("A", Commission, nil), ev("A", Decommission, &sampled), ev("A", Reactivate, nil),
		ev("B", Commission, nil), ev("B", Decommission, &destroyed),
		ev("NEW", Commission, nil), ev("NEW", Decommission, &sampled), // taken in as external, then seen as commissioned
	})
	if bad != nil {
		t.Fatalf("refused: %v", codes(bad))
	}
	want := []PackWrite{{Event: 0, Status: PackCommissioned}, {Event: 1, Status: PackDecommissioned}, {Event: 2, Status: PackCommissioned},
		{Event: 3, Status: PackCommissioned}, {Event: 4, Status: PackDecommissioned}, {Event: 5, Status: PackCommissioned}, {Event: 6, Status: PackDecommissioned}}
	if !reflect.DeepEqual(statuses(w), want) || !reflect.DeepEqual(w.External, []PackKey{key("NEW")}) {
		t.Errorf("writes = %+v", w)
	}
	if !maps.Equal(states, before) {
		t.Errorf("the states given were changed: %+v", states)
	}
}

func TestApplyPackEventsRefusals(t *testing.T) {
	sampled, destroyed := Sampled, Destroyed
	available := mine
	available.Status = Available
	partnerUnknown := unknown
	partnerUnknown.AsPartner = true
	others := PackState{Product: true, Stored: true} // in the product's pool, not in the caller's part
	gone := mine
	gone.Pack, gone.Reason = PackDecommissioned, &destroyed
	states := map[PackKey]PackState{key("A"): mine, key("AV"): available, key("NEW"): unknown, key("BAD SERIAL"): unknown,
		key("CMO-NEW"): partnerUnknown, key("OTHERS"): others, key("GONE"): gone, key("FIRST"): mine}
	for _, tc := range []struct {
		name string
		e    PackEventInput
		code string
	}{
		{"unknown product", PackEventInput{ProductCode: "Q", Serial: "A", Event: Commission}, "product_not_found"},
		{"commission without lot and expiry", PackEventInput{ProductCode: "P", Serial: "A", Event: Commission}, CodeLotRequired},
		{"commission without expiry", PackEventInput{ProductCode: "P", Serial: "A", Event: Commission, Lot: "L1"}, CodeLotRequired},
		{"adopt an unknown serial without lot", PackEventInput{ProductCode: "P", Serial: "NEW", Event: Commission}, CodeLotRequired},
		{"commission an Available serial", ev("AV", Commission, nil), "not_assigned"},
		{"unknown serial decommissioned", ev("NEW", Decommission, &sampled), "not_found"},
		{"unknown serial of a partner's product", ev("CMO-NEW", Commission, nil), "not_found"},
		{"another tenant's serial", ev("OTHERS", Commission, nil), "not_found"},
		{"invalid unknown serial", ev("BAD SERIAL", Commission, nil), "serial_charset"},
		{"decommission an active pack", ev("A", Decommission, &sampled), "illegal_transition"},
		{"reason on commission", ev("A", Commission, &sampled), "reason_not_allowed"},
		{"reactivate a destroyed pack", ev("GONE", Reactivate, nil), "final_decommission"},
	} {
		// All or nothing: a good event first, the refused one second.
		w, bad := apply(states, []PackEventInput{ev("FIRST", Commission, nil), tc.e})
		if w != nil || bad == nil || bad.Code != EINVALID || bad.Total != 1 || bad.Rows[0].Row != 2 ||
			bad.Rows[0].Code != tc.code || bad.Rows[0].Value != tc.e.Serial || bad.Rows[0].Reason == "" {
			t.Errorf("%s: writes %+v, refusals %+v; want only row 2 refused as %s", tc.name, w, bad, tc.code)
		}
	}
}

func TestApplyPackEventsRefusedChangeNothing(t *testing.T) {
	sampled := Sampled
	states := map[PackKey]PackState{key("A"): mine, key("NEW"): unknown}
	_, bad := apply(states, []PackEventInput{
		ev("A", Decommission, &sampled), // refused: A is ACTIVE ...
		ev("A", Commission, nil),        // ... so this still commissions it
		ev("A", Decommission, &sampled),
		ev("NEW", Commission, &sampled),   // refused: not taken in ...
		ev("NEW", Decommission, &sampled), // ... so still unknown
		ev("NEW", Commission, nil),        // taken in now
		ev("NEW", Commission, nil),        // commissioned already
	})
	if got, want := codes(bad), []string{"1:illegal_transition", "4:reason_not_allowed", "5:not_found", "7:illegal_transition"}; !slices.Equal(got, want) {
		t.Errorf("refused %v, want %v", got, want)
	}
}

func TestApplyPackEventsCountsAllRefusals(t *testing.T) {
	events := make([]PackEventInput, MaxReportedRows+50)
	for i := range events {
		events[i] = ev("NOPE"+strconv.Itoa(i), Reactivate, nil)
	}
	_, bad := apply(map[PackKey]PackState{}, events)
	if bad == nil || bad.Total != int64(len(events)) || len(bad.Rows) != MaxReportedRows || bad.Rows[MaxReportedRows-1].Row != MaxReportedRows {
		t.Errorf("refusals: total %d, %d rows", bad.Total, len(bad.Rows))
	}
}

func TestReleaseRefusal(t *testing.T) {
	releasable := ReleaseCandidate{InPool: true, Status: Assigned, Source: SourceSAPATTP}
	with := func(f func(*ReleaseCandidate)) ReleaseCandidate { c := releasable; f(&c); return c }
	if r := releasable.ReleaseRefusal(); r != nil {
		t.Fatalf("an Assigned serial without pack events is refused: %+v", r)
	}
	for _, tc := range []struct {
		c    ReleaseCandidate
		code string
	}{
		{with(func(c *ReleaseCandidate) { c.ListedEarlier, c.InPool = true, false }), "duplicate_in_batch"},
		{ReleaseCandidate{}, "not_found"},
		{with(func(c *ReleaseCandidate) { c.Status, c.Source = Available, SourceExternal }), "not_assigned"},
		{with(func(c *ReleaseCandidate) { c.Source, c.HasPackEvents = SourceExternal, true }), "external"},
		{with(func(c *ReleaseCandidate) { c.AtPartner, c.HasPackEvents = true, true }), "assigned_to_partner"},
		{with(func(c *ReleaseCandidate) { c.HasPackEvents = true }), "has_pack_events"},
	} {
		if r := tc.c.ReleaseRefusal(); r == nil || r.Code != tc.code || r.Reason == "" {
			t.Errorf("%+v: refused %+v, want %s", tc.c, r, tc.code)
		}
	}
}

func TestApplyPackEventsTimeRules(t *testing.T) {
	sampled := Sampled
	old := mine
	old.Intake, old.Latest, old.Pack = now.Add(-48*time.Hour), now.Add(-time.Hour), PackCommissioned
	fresh := mine
	fresh.Intake = now.Add(-time.Hour)
	states := map[PackKey]PackState{key("OLD"): old, key("FRESH"): fresh, key("NEW"): unknown}
	at := func(e PackEventInput, t time.Time) PackEventInput { e.At = t; return e }
	for _, tc := range []struct {
		name string
		e    PackEventInput
		code string
	}{
		{"beyond the clock skew", at(ev("FRESH", Commission, nil), now.Add(DefaultClockSkew+time.Second)), CodeEventInFuture},
		{"dated 2030", at(ev("OLD", Decommission, &sampled), time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), CodeEventInFuture},
		{"before intake", at(ev("FRESH", Commission, nil), now.Add(-2*time.Hour)), CodeEventBeforeIntake},
		{"before the latest event", at(ev("OLD", Decommission, &sampled), now.Add(-2*time.Hour)), CodeEventOutOfOrder},
	} {
		if w, bad := apply(states, []PackEventInput{tc.e}); w != nil || bad == nil || bad.Rows[0].Code != tc.code || bad.Rows[0].Reason == "" {
			t.Errorf("%s: writes %+v, refusals %+v; want %s", tc.name, w, bad, tc.code)
		}
	}
	// Within the skew, at the latest event's time, and an unknown serial
	// (used outside the pool, it enters with the event) dated a week ago pass;
	// a later event of the batch may not go back before an earlier one.
	w, bad := apply(states, []PackEventInput{
		at(ev("FRESH", Commission, nil), now.Add(DefaultClockSkew)),
		at(ev("OLD", Decommission, &sampled), now.Add(-time.Hour)),
		at(ev("NEW", Commission, nil), now.Add(-7*24*time.Hour)),
	})
	if bad != nil || w.Events[0].At != now.Add(DefaultClockSkew) || w.Events[2].At != now.Add(-7*24*time.Hour) {
		t.Fatalf("refused %v, writes %+v", codes(bad), w)
	}
	_, bad = apply(states, []PackEventInput{ev("FRESH", Commission, nil), at(ev("FRESH", Decommission, &sampled), now.Add(-time.Minute))})
	if got := codes(bad); !slices.Equal(got, []string{"2:" + CodeEventOutOfOrder}) {
		t.Errorf("an event before the batch's earlier one: refused %v", got)
	}
	// No event time: now, and the write says so.
	if w, bad := apply(states, []PackEventInput{ev("FRESH", Commission, nil)}); bad != nil || !w.Events[0].At.Equal(now) {
		t.Errorf("an event without a time: %+v %v", w, bad)
	}
}

func TestApplyPackEventsUndo(t *testing.T) {
	sampled, locked := Sampled, Locked
	gone := func(ago time.Duration, by string) PackState {
		s := mine
		s.Pack, s.Reason, s.DecommissionedAt, s.DecommissionedBy, s.Latest = PackDecommissioned, &sampled, now.Add(-ago), by, now.Add(-ago)
		return s
	}
	states := map[PackKey]PackState{key("RECENT"): gone(9*24*time.Hour, "line"), key("LATE"): gone(10*24*time.Hour+time.Minute, "line"),
		key("OTHERS"): gone(time.Hour, "another line"), key("A"): mine}
	for _, tc := range []struct {
		serial, code string
	}{{"LATE", CodeUndoTooLate}, {"OTHERS", CodeUndoOtherActor}} {
		if _, bad := apply(states, []PackEventInput{ev(tc.serial, Reactivate, nil)}); bad == nil || bad.Rows[0].Code != tc.code {
			t.Errorf("%s reactivated: refusals %+v, want %s", tc.serial, bad, tc.code)
		}
	}
	// Within 10 days by the same actor; and a decommissioning in the batch
	// is undone by the batch's actor.
	if _, bad := apply(states, []PackEventInput{ev("RECENT", Reactivate, nil),
		ev("A", Commission, nil), ev("A", Decommission, &locked), ev("A", Reactivate, nil)}); bad != nil {
		t.Errorf("refused %v", codes(bad))
	}
}

func TestApplyPackEventsIdentifiers(t *testing.T) {
	sampled := Sampled
	states := map[PackKey]PackState{key("A"): mine}
	expiry := time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)
	with := func(e PackEventInput, f func(*PackEventInput)) PackEventInput { f(&e); return e }
	commission := with(ev("A", Commission, nil), func(e *PackEventInput) {
		e.Lot, e.Expiry, e.NHRN, e.TZOffset = "LOT-2028/A", expiry, "4150123", "+01:00"
	})
	w, bad := apply(states, []PackEventInput{commission, ev("A", Decommission, &sampled)})
	if bad != nil {
		t.Fatalf("refused %v", codes(bad))
	}
	// The decommissioning carries what the commissioning recorded.
	for _, e := range w.Events {
		if e.Lot != "LOT-2028/A" || !e.Expiry.Equal(expiry) || e.NHRN != "4150123" {
			t.Errorf("write %+v", e)
		}
	}
	for _, tc := range []struct {
		name string
		e    PackEventInput
		code string
	}{
		{"lot too long", with(commission, func(e *PackEventInput) { e.Lot = strings.Repeat("L", 21) }), "lot_length"},
		{"lot outside set 82", with(commission, func(e *PackEventInput) { e.Lot = "LOT 1" }), "lot_charset"},
		{"NHRN outside set 82", with(commission, func(e *PackEventInput) { e.NHRN = "41#5" }), "nhrn_charset"},
		{"expiry with a time", with(commission, func(e *PackEventInput) { e.Expiry = expiry.Add(time.Hour) }), CodeExpiryNotDate},
		{"time zone", with(commission, func(e *PackEventInput) { e.TZOffset = "+15:00" }), CodeTZOffset},
		{"time zone unlike +01:00", with(commission, func(e *PackEventInput) { e.TZOffset = "CET" }), CodeTZOffset},
		{"lot on a decommissioning", with(ev("A", Decommission, &sampled), func(e *PackEventInput) { e.Lot = "L1" }), CodeLotNotAllowed},
		{"container on a commissioning", with(commission, func(e *PackEventInput) { e.Container = "340123450000000017" }), CodeContainerNotAllowed},
	} {
		if _, bad := apply(states, []PackEventInput{tc.e}); bad == nil || bad.Rows[0].Code != tc.code {
			t.Errorf("%s: refusals %+v, want %s", tc.name, bad, tc.code)
		}
	}
}

func TestParseExpiry(t *testing.T) {
	for in, want := range map[string]string{"280229": "2028-02-29", "280200": "2028-02-29", "270200": "2027-02-28",
		"991231": "1999-12-31", "2028-02-29": "2028-02-29"} {
		if d, err := ParseExpiry(in, now); err != nil || d.Format(time.DateOnly) != want {
			t.Errorf("ParseExpiry(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"281301", "270229", "2027-02-29", "28022", "28-02-29", ""} {
		if _, err := ParseExpiry(in, now); ErrorCode(err) != EINVALID {
			t.Errorf("ParseExpiry(%q): %v, want %s", in, err, EINVALID)
		}
	}
}

func TestApplyPackEventsAggregation(t *testing.T) {
	pallet, kase, other := PackKey{"SSCC", "340123450000000017"}, PackKey{"SSCC", "340123450000000024"}, PackKey{"SSCC", "340123450000000031"}
	box := PackState{Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackActive, SSCC: true}
	unused := box
	unused.Status = Available
	commissioned := mine
	commissioned.Pack = PackCommissioned
	theirs := commissioned
	theirs.Container = "340999990000000015" // in a partner's case
	states := map[PackKey]PackState{pallet: box, kase: box, other: unused, key("A"): commissioned, key("B"): commissioned, key("ACTIVE"): mine,
		key("IN-THEIRS"): theirs}
	containers := map[string]PackKey{pallet.Serial: pallet, kase.Serial: kase, other.Serial: other}
	b := PackBatch{States: states, Containers: containers, Now: now, Skew: DefaultClockSkew, Actor: "line"}
	pack := func(k PackKey, into string) PackEventInput {
		return PackEventInput{ProductCode: k.ProductCode, Serial: k.Serial, Event: Pack, Container: into}
	}
	unpack := func(k PackKey, from string) PackEventInput { e := pack(k, from); e.Event = Unpack; return e }
	w, bad := ApplyPackEvents(b, []PackEventInput{pack(key("A"), kase.Serial), pack(key("B"), kase.Serial), pack(kase, pallet.Serial),
		unpack(key("B"), kase.Serial)})
	if bad != nil {
		t.Fatalf("refused %v", codes(bad))
	}
	if got := []string{w.Events[0].Container, w.Events[2].Container, w.Events[3].Container}; !slices.Equal(got, []string{kase.Serial, pallet.Serial, ""}) ||
		w.Events[0].Status != PackCommissioned {
		t.Errorf("writes %+v", w.Events)
	}
	for _, tc := range []struct {
		name   string
		events []PackEventInput
		code   string
	}{
		{"no container", []PackEventInput{pack(key("A"), "")}, CodeContainerRequired},
		{"unknown SSCC", []PackEventInput{pack(key("A"), "340123450000000048")}, CodeContainerNotFound},
		{"an SSCC not requested", []PackEventInput{pack(key("A"), other.Serial)}, CodeContainerNotFound},
		{"an active pack", []PackEventInput{pack(key("ACTIVE"), kase.Serial)}, CodeNotPackable},
		{"packed twice", []PackEventInput{pack(key("A"), kase.Serial), pack(key("A"), pallet.Serial)}, CodeAlreadyPacked},
		{"unpacked from another", []PackEventInput{pack(key("A"), kase.Serial), unpack(key("A"), pallet.Serial)}, CodeNotPacked},
		{"unpacked from someone else's", []PackEventInput{unpack(PackKey{"P", "IN-THEIRS"}, "340999990000000015")}, CodeContainerNotFound},
		{"into itself", []PackEventInput{pack(kase, kase.Serial)}, CodeContainerCycle},
		{"into what it holds", []PackEventInput{pack(kase, pallet.Serial), pack(pallet, kase.Serial)}, CodeContainerCycle},
	} {
		if _, bad := ApplyPackEvents(b, tc.events); bad == nil || bad.Rows[len(bad.Rows)-1].Code != tc.code || int(bad.Rows[0].Row) != len(tc.events) {
			t.Errorf("%s: refusals %+v, want the last refused as %s", tc.name, bad, tc.code)
		}
	}
}
