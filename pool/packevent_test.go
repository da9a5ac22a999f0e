package pool

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"testing"
)

// The rules of a batch of pack events, without a database: what package db
// loads goes in as states, what it writes comes out.

var (
	mine    = PackState{Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackActive}
	unknown = PackState{Product: true} // a valid product, no such serial
)

func ev(serial string, e PackEventType, r *Reason) PackEventInput {
	return PackEventInput{ProductCode: "P", Serial: serial, Event: e, Reason: r}
}

func key(serial string) PackKey { return PackKey{"P", serial} }

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
	w, bad := ApplyPackEvents(states, []PackEventInput{
		ev("A", Commission, nil), ev("A", Decommission, &sampled), ev("A", Reactivate, nil),
		ev("B", Commission, nil), ev("B", Decommission, &destroyed),
		ev("NEW", Commission, nil), ev("NEW", Decommission, &sampled), // taken in as external, then seen as commissioned
	})
	if bad != nil {
		t.Fatalf("refused: %v", codes(bad))
	}
	want := []PackWrite{{0, PackCommissioned}, {1, PackDecommissioned}, {2, PackCommissioned},
		{3, PackCommissioned}, {4, PackDecommissioned}, {5, PackCommissioned}, {6, PackDecommissioned}}
	if !reflect.DeepEqual(w.Events, want) || !reflect.DeepEqual(w.External, []PackKey{key("NEW")}) {
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
		w, bad := ApplyPackEvents(states, []PackEventInput{ev("FIRST", Commission, nil), tc.e})
		if w != nil || bad == nil || bad.Code != EINVALID || bad.Total != 1 || bad.Rows[0].Row != 2 ||
			bad.Rows[0].Code != tc.code || bad.Rows[0].Value != tc.e.Serial || bad.Rows[0].Reason == "" {
			t.Errorf("%s: writes %+v, refusals %+v; want only row 2 refused as %s", tc.name, w, bad, tc.code)
		}
	}
}

func TestApplyPackEventsRefusedChangeNothing(t *testing.T) {
	sampled := Sampled
	states := map[PackKey]PackState{key("A"): mine, key("NEW"): unknown}
	_, bad := ApplyPackEvents(states, []PackEventInput{
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
	_, bad := ApplyPackEvents(map[PackKey]PackState{}, events)
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
