package pool

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serialpool/serialpool/gs1"
)

// Fuzz targets for what reads untrusted input: the bulk row readers, serial
// validation and pack transitions. Seed corpora are in testdata/fuzz/<Target>;
// plain `go test` runs them, `make fuzz` explores further.

// bounded fails the test when a reader returns more rows than its body could
// hold: every row consumes at least one byte, so more means a reader loops.
type bounded struct {
	Rows
	t    *testing.T
	left int
}

func (b *bounded) Next() (SerialInput, error) {
	if b.left--; b.left < 0 {
		b.t.Fatal("the reader returns more rows than its body has bytes")
	}
	return b.Rows.Next()
}

// readBody reads every row of body and checks how a malformed one is refused:
// BAD_USER_INPUT on the body, with a message.
func readBody(t *testing.T, newRows func(io.Reader) Rows, body []byte) ([]SerialInput, *Error) {
	t.Helper()
	rows, err := readAll(t, &bounded{Rows: newRows(bytes.NewReader(body)), t: t, left: len(body) + 1})
	if err == nil {
		return rows, nil
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Code != EINVALID || pe.Field != "body" || pe.Message == "" {
		t.Fatalf("a malformed body is refused with %#v, want BAD_USER_INPUT on the body", err)
	}
	return rows, pe
}

func FuzzCSVRows(f *testing.F) {
	for _, s := range []string{"A1\nB2\n", "serial,91,92\nA1,K001,c\nB2,,\n", "value\n\"A,1\"\n", "serial\n", "A1\n\"B2\n",
		"A1\nB2,x\n", "SERIAL , 91\r\nX,Y\r\n", "\n\n\nA\n", "a\"b\n", "serial,serial\nA,B\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := readBody(t, NewCSVRows, body)
		if err != nil {
			return
		}
		header, extras := csvHeader(body)
		for _, r := range rows {
			for ai, v := range r.Extra {
				if v == "" || !slices.Contains(extras, ai) {
					t.Fatalf("row %+v: extra %q=%q is not from the header %q", r, ai, v, extras)
				}
			}
		}
		// Without quotes, commas or carriage returns, and without a header,
		// every non-empty line is one serial, as it stands.
		if bytes.ContainsAny(body, "\",\r") || header {
			return
		}
		var want []string
		for _, line := range strings.Split(string(body), "\n") {
			if line != "" {
				want = append(want, line)
			}
		}
		if len(rows) != len(want) {
			t.Fatalf("%d rows from %d non-empty lines", len(rows), len(want))
		}
		for i, r := range rows {
			if r.Value != want[i] || r.Extra != nil {
				t.Fatalf("row %d = %+v, want %q", i+1, r, want[i])
			}
		}
	})
}

// csvHeader reports whether body's first record names the serial column, and
// the AIs its other columns name.
func csvHeader(body []byte) (bool, []string) {
	c := csv.NewReader(bytes.NewReader(body))
	c.FieldsPerRecord = -1
	first, err := c.Read()
	if err != nil {
		return false, nil
	}
	if h := strings.ToLower(strings.TrimSpace(first[0])); h != "serial" && h != "value" {
		return false, nil
	}
	var extras []string
	for _, ai := range first[1:] {
		extras = append(extras, strings.TrimSpace(ai))
	}
	return true, extras
}

func FuzzNDJSONRows(f *testing.F) {
	for _, s := range []string{"{\"value\":\"A1\"}\n\n {\"value\":\"B2\",\"extra\":{\"91\":\"K001\"}}\n", "{\"value\":\"A1\"}\n[1]\n",
		"{\"serial\":\"A1\"}\n", "{\"value\":\"A\"} {\"value\":\"B\"}\n", "{\"value\":\"A\"}]\n", "{\"value\":\"A\"}}", "{\"value\":\"A\"}\r\n{\"value\":\"B\"}", "null\n", "{\"value\":\"\\u00e9\"}\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := readBody(t, NewNDJSONRows, body)
		if len(body) >= 1<<20 {
			return // longer lines than the reader's limit fail by design
		}
		// The reference: each non-blank line on its own is one strict JSON object.
		var want []SerialInput
		var wantErr error
		for _, line := range bytes.Split(body, []byte("\n")) {
			if line = bytes.TrimSpace(line); len(line) == 0 {
				continue
			}
			var s SerialInput
			if wantErr = strictUnmarshal(line, &s); wantErr != nil {
				break
			}
			want = append(want, s)
		}
		if (err == nil) != (wantErr == nil) || (err == nil && !sameRows(rows, want)) {
			t.Fatalf("read %+v, %v; each line alone gives %+v, %v", rows, err, want, wantErr)
		}
		for _, line := range bytes.Split(body, []byte("\n")) {
			if line = bytes.TrimSpace(line); err == nil && len(line) > 0 && !json.Valid(line) {
				t.Fatalf("accepted line %q, which is not one JSON value", line)
			}
		}
	})
}

func FuzzJSONRows(f *testing.F) {
	for _, s := range []string{`[{"value":"A1"}, {"value":"B2"}]`, `[]`, `{"value":"A1"}`, `[{"value":"A1"},{"val`, `[{"value":"A1"}`,
		`[{"value":5}]`, `[{"value":"A","extra":{"91":"K001"}}]`, `[{"value":"A"}][{"value":"B"}]`, `[{"value":"A"}] x`, `[]]`, `null`, ` [ ] `, `[{"Value":"A"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rows, err := readBody(t, NewJSONRows, body)
		// The reference: the whole body decoded at once, strictly.
		var want []SerialInput
		wantErr := strictUnmarshal(body, &want)
		if bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
			wantErr = errors.New("null is not an array") // a nil slice to Unmarshal; not a batch
		}
		if (err == nil) != (wantErr == nil) || (err == nil && !sameRows(rows, want)) {
			t.Fatalf("streamed %+v, %v; decoded at once %+v, %v", rows, err, want, wantErr)
		}
	})
}

func sameRows(a, b []SerialInput) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

var validateCodes = map[string]bool{"extra_not_allowed": true, "extra_unknown": true, "extra_length": true, "extra_charset": true,
	"serial_" + gs1.RuleLength: true, "serial_" + gs1.RuleCharset: true}

func FuzzSerialInputValidate(f *testing.F) {
	code := strings.Repeat("c", 44)
	f.Add("A1", "TRACELINK", "91", "K001", "92", code)
	f.Add("A1", "SAP_ATTP", "91", "K001", "", "")
	f.Add("A B", "TRACELINK", "", "", "", "")
	f.Add("A1", "TRACELINK", "93", "x", "91", "K0#1")
	f.Add("A1", "TRACELINK", "91", "K01", "92", "é")
	f.Add(strings.Repeat("9", 21), "EXTERNAL", "", "", "", "")
	f.Fuzz(func(t *testing.T, value, source, ai1, v1, ai2, v2 string) {
		s := SerialInput{Value: value}
		for _, kv := range [][2]string{{ai1, v1}, {ai2, v2}} {
			if kv[0] != "" {
				if s.Extra == nil {
					s.Extra = map[string]string{}
				}
				s.Extra[kv[0]] = kv[1]
			}
		}
		e := s.Validate(Source(source))
		if e == nil {
			if gs1.ValidSerial(value) != nil {
				t.Fatalf("accepted serial %q", value)
			}
			if len(s.Extra) > 0 && Source(source) != SourceTraceLink {
				t.Fatalf("accepted extras %v from %s", s.Extra, source)
			}
			for ai, v := range s.Extra {
				if n, ok := extraRules[ai]; !ok || len(v) != n || !inCharset82(v) {
					t.Fatalf("accepted extra %s=%q", ai, v)
				}
			}
			return
		}
		if !validateCodes[e.Code] || e.Reason == "" || e.Value != value {
			t.Fatalf("rejected with %+v: want a known code, a reason and the value", e)
		}
		// The same serial is always refused for the same rule, whatever the map order.
		for i := 0; i < 8; i++ {
			if again := s.Validate(Source(source)); again == nil || *again != *e {
				t.Fatalf("Validate(%+v) = %+v, then %+v", s, e, again)
			}
		}
	})
}

var transitionCodes = map[string]bool{"reason_not_allowed": true, "illegal_transition": true, "reason_required": true,
	"final_decommission": true, "unknown_event": true}

// FuzzTransition walks a pack from ACTIVE through a fuzzed sequence of events
// (each byte picks an event and a reason, some of them invalid), then one event
// and reason of any text, and checks the rules of DOMAIN.md at every step.
func FuzzTransition(f *testing.F) {
	// Each byte is an event (byte % 4: COMMISSION, DECOMMISSION, REACTIVATE, an
	// unknown one) with a reason (byte / 4 % 11: none, the eight, an unknown one, none).
	f.Add([]byte{0, 9, 2}, "DECOMMISSION", "SUPPLIED") // commission, sample, reactivate, supply
	f.Add([]byte{0, 5}, "REACTIVATE", "")              // destroyed, then reactivated
	f.Add([]byte{8}, "COMMISSION", "")                 // a reason on the wrong event
	f.Add([]byte{3, 0, 0}, "NOPE", "")                 // unknown events
	f.Add([]byte{0, 1, 37}, "REACTIVATE", "SAMPLED")   // no reason, an unknown reason, a reason on REACTIVATE
	events := []PackEventType{Commission, Decommission, Reactivate, "BOGUS"}
	picks := []Reason{"", Destroyed, Sampled, Supplied, Stolen, Exported, FreeSample, Locked, CheckedOut, "MISLAID", ""}
	f.Fuzz(func(t *testing.T, steps []byte, event, reason string) {
		status, last := PackActive, (*Reason)(nil)
		step := func(e PackEventType, r *Reason) {
			next, rerr := Transition(status, last, e, r)
			if rerr != nil {
				if next != "" || !transitionCodes[rerr.Code] || rerr.Reason == "" {
					t.Fatalf("%s %s %v: %q with %+v", status, e, r, next, rerr)
				}
				if r != nil && e != Decommission && rerr.Code != "reason_not_allowed" {
					t.Fatalf("a reason on %s refused for %s", e, rerr.Code)
				}
				return
			}
			switch {
			case r != nil && e != Decommission:
				t.Fatalf("%s took a reason", e)
			case e == Commission && (status != PackActive && status != PackUnknown || next != PackCommissioned),
				e == Decommission && (status != PackCommissioned || next != PackDecommissioned || r == nil || !reasons[*r]),
				e == Reactivate && (status != PackDecommissioned || next != PackCommissioned || last != nil && final[*last]):
				t.Fatalf("%s (%v) --%s %v--> %s breaks the rules", status, last, e, r, next)
			case e != Commission && e != Decommission && e != Reactivate:
				t.Fatalf("unknown event %q accepted", e)
			}
			status, last = next, r
		}
		for _, b := range steps {
			r := &picks[int(b)/4%len(picks)]
			if *r == "" {
				r = nil
			}
			step(events[int(b)%len(events)], r)
		}
		var r *Reason
		if reason != "" {
			r = (*Reason)(&reason)
		}
		step(PackEventType(event), r)
	})
}

var packEventCodes = map[string]bool{"product_not_found": true, "not_found": true, "not_assigned": true,
	"serial_" + gs1.RuleCharset: true, CodeEventInFuture: true, CodeEventBeforeIntake: true, CodeEventOutOfOrder: true,
	CodeUndoTooLate: true, CodeUndoOtherActor: true}

// fuzzPackKeys are the serials a fuzzed batch names: the same serial in two
// products, and one that is not a valid GS1 serial.
var fuzzPackKeys = []PackKey{{"P1", "S1"}, {"P1", "S 2"}, {"P2", "S1"}, {"P3", "S4"}}

// fuzzPackStates decodes one byte per key of fuzzPackKeys into its state:
// byte % 5 is missing (no such product), unknown, someone else's, Assigned or
// Available in the caller's pool; / 5 % 2 the caller is the CMO; / 10 % 4 the
// pack status; / 40 the reason of the last decommissioning, which also says
// when and by whom it was made: a SUPPLIED one 11 days ago, a LOCKED one by
// another system, the others an hour ago by the fuzzed batch's actor. A
// serial in the caller's pool entered it 20 days ago; one with events had its
// latest 2 minutes ago.
func fuzzPackStates(b []byte) map[PackKey]PackState {
	packs := []PackStatus{PackActive, PackCommissioned, PackDecommissioned, PackUnknown}
	reasons := []Reason{"", Destroyed, Sampled, Stolen, Locked, Supplied, ""}
	states := map[PackKey]PackState{}
	for i, k := range fuzzPackKeys {
		var c byte
		if i < len(b) {
			c = b[i]
		}
		if c%5 == 0 {
			continue
		}
		s := PackState{Product: true, AsPartner: c/5%2 == 1, Pack: packs[c/10%4]}
		if r := reasons[c/40]; r != "" {
			s.Reason = &r
			s.DecommissionedAt, s.DecommissionedBy = fuzzNow.Add(-time.Hour), fuzzActor
			switch r {
			case Supplied:
				s.DecommissionedAt = fuzzNow.Add(-11 * 24 * time.Hour)
			case Locked:
				s.DecommissionedBy = "another system"
			}
		}
		s.Stored = c%5 >= 2
		s.InPool = c%5 >= 3
		s.Status = map[bool]Status{true: Assigned, false: Available}[c%5 == 3]
		if !s.InPool {
			s.Status, s.Pack, s.Reason, s.DecommissionedAt, s.DecommissionedBy = "", PackActive, nil, time.Time{}, ""
		} else {
			s.Intake = fuzzNow.Add(-20 * 24 * time.Hour)
			if s.Pack != PackActive {
				s.Latest = fuzzNow.Add(-2 * time.Minute)
			}
		}
		states[k] = s
	}
	return states
}

var (
	fuzzNow   = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	fuzzActor = "line"
	// fuzzTimes are the event times a fuzzed event picks: now (zero), a
	// minute ago, within the skew, beyond it, before every intake.
	fuzzTimes = []time.Time{{}, fuzzNow.Add(-time.Minute), fuzzNow.Add(4 * time.Minute), fuzzNow.Add(time.Hour), fuzzNow.Add(-30 * 24 * time.Hour)}
)

// fuzzPackEvents decodes one byte per event: % 4 the serial, / 4 % 4 the event
// (the three and an unknown one), / 16 % 4 the reason (none, two, an unknown
// one), / 64 the event time (fuzzTimes; 3 at an odd index picks the last).
func fuzzPackEvents(b []byte) []PackEventInput {
	types := []PackEventType{Commission, Decommission, Reactivate, "BOGUS"}
	reasons := []Reason{"", Sampled, Destroyed, "MISLAID"}
	events := make([]PackEventInput, len(b))
	for i, c := range b {
		k := fuzzPackKeys[c%4]
		events[i] = PackEventInput{ProductCode: k.ProductCode, Serial: k.Serial, Event: types[c/4%4], At: fuzzTimes[c/64]}
		if events[i].Event == Commission {
			events[i].Lot, events[i].Expiry = "L1", fuzzNow.AddDate(2, 0, 0).Truncate(24*time.Hour)
		}
		if c/64 == 3 && i%2 == 1 {
			events[i].At = fuzzTimes[4]
		}
		if r := reasons[c/16%4]; r != "" {
			events[i].Reason = &r
		}
	}
	return events
}

// FuzzApplyPackEvents applies fuzzed batches to fuzzed serials and holds
// ApplyPackEvents to the rules replayed event by event (packRule): all or
// nothing, in order, a refused event changing nothing, unknown serials taken
// in only by a commission on the owner's line; and to properties that need no
// replay: the states given stay as they were, the same batch gives the same
// answer, and a batch without its refused events is accepted.
func FuzzApplyPackEvents(f *testing.F) {
	f.Add([]byte{3, 3, 1, 4}, []byte{0, 20, 8, 2})     // a lifecycle; an unknown serial taken in
	f.Add([]byte{3, 3, 3, 3}, []byte{4, 0, 20, 8, 36}) // refused, then accepted on the same serial
	f.Add([]byte{0, 1, 6, 2}, []byte{0, 1, 2, 3, 12})  // no product, an invalid serial, a CMO's unknown, another's
	f.Add([]byte{63, 183, 23, 4}, []byte{8, 9, 24})    // destroyed and locked packs reactivated
	f.Add([]byte{8, 8, 8, 8}, []byte{0, 1, 3, 20})     // a CMO packs what its MAH assigned it
	f.Fuzz(func(t *testing.T, stateBytes, eventBytes []byte) {
		states, events := fuzzPackStates(stateBytes), fuzzPackEvents(eventBytes)
		before := maps.Clone(states)
		batch := PackBatch{States: states, Now: fuzzNow, Skew: DefaultClockSkew, Actor: fuzzActor}
		w, bad := ApplyPackEvents(batch, events)
		if !maps.Equal(states, before) {
			t.Fatalf("the states given were changed")
		}
		if again, againBad := ApplyPackEvents(batch, events); !reflect.DeepEqual(again, w) || !reflect.DeepEqual(againBad, bad) {
			t.Fatalf("the same batch gave %+v %+v, then %+v %+v", w, bad, again, againBad)
		}
		var refused []RowError // the refusals as the rules name them: no reasons
		if bad != nil {
			for _, r := range bad.Rows {
				if r.Reason == "" || !packEventCodes[r.Code] && !transitionCodes[r.Code] {
					t.Fatalf("refusal %+v", r)
				}
				r.Reason = ""
				refused = append(refused, r)
			}
			bad = &BatchError{Code: bad.Code, Rows: refused, Total: bad.Total}
		}
		wantW, wantBad, accepted := replayPackEvents(states, events)
		if !reflect.DeepEqual(w, wantW) || !reflect.DeepEqual(bad, wantBad) {
			t.Fatalf("ApplyPackEvents = %+v, %+v; the rules replayed give %+v, %+v", w, bad, wantW, wantBad)
		}
		if bad == nil {
			return
		}
		if w, b := ApplyPackEvents(batch, accepted); b != nil || len(w.Events) != len(accepted) {
			t.Fatalf("without its refused events the batch is refused: %+v", b)
		}
	})
}

// replayPackEvents is the reference: it replays events one by one with
// packRule and returns what ApplyPackEvents must, and the accepted events.
func replayPackEvents(states map[PackKey]PackState, events []PackEventInput) (*PackWrites, *BatchError, []PackEventInput) {
	current := maps.Clone(states)
	w, bad := &PackWrites{}, &BatchError{Code: EINVALID}
	var accepted []PackEventInput
	for i, e := range events {
		k := PackKey{e.ProductCode, e.Serial}
		s, known := current[k]
		next, code := packRule(s, known, e)
		if code != "" {
			bad.Add(RowError{Row: int64(i + 1), Value: e.Serial, Code: code})
			continue
		}
		if !s.InPool {
			w.External = append(w.External, k)
		}
		current[k] = next
		w.Events = append(w.Events, PackWrite{Event: i, Status: next.Pack, Reason: next.Reason, At: next.Latest, Lot: next.Lot, Expiry: next.Expiry})
		accepted = append(accepted, e)
	}
	if bad.Total == 0 {
		return w, nil, accepted
	}
	return nil, bad, accepted
}

// packRule is DOMAIN.md's rule for one event on a serial in state s (known:
// loaded for the batch): the state it leaves, or the code of the rule it breaks.
func packRule(s PackState, known bool, e PackEventInput) (PackState, string) {
	switch {
	case !known || !s.Product:
		return s, "product_not_found"
	case !s.InPool && (s.Stored || s.AsPartner || e.Event != Commission):
		return s, "not_found" // only the owner's line takes an unknown serial in, by commissioning it
	case !s.InPool && gs1.ValidSerial(e.Serial) != nil:
		return s, "serial_" + gs1.ValidSerial(e.Serial).(*gs1.Error).Rule
	case !s.InPool:
		s = PackState{Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackActive} // external: Assigned on arrival
	}
	at := e.At
	if at.IsZero() {
		at = fuzzNow
	}
	switch {
	case at.Sub(fuzzNow) > DefaultClockSkew:
		return s, CodeEventInFuture
	case at.Before(s.Intake):
		return s, CodeEventBeforeIntake
	case at.Before(s.Latest):
		return s, CodeEventOutOfOrder
	}
	if e.Event == Commission && s.Status != Assigned {
		return s, "not_assigned"
	}
	next, rerr := Transition(s.Pack, s.Reason, e.Event, e.Reason)
	if rerr != nil {
		return s, rerr.Code
	}
	if e.Event == Reactivate && at.Sub(s.DecommissionedAt) > 10*24*time.Hour {
		return s, CodeUndoTooLate
	}
	if e.Event == Reactivate && s.DecommissionedBy != fuzzActor {
		return s, CodeUndoOtherActor
	}
	if e.Event == Decommission {
		s.DecommissionedAt, s.DecommissionedBy = at, fuzzActor
	}
	if e.Event == Commission {
		s.Lot, s.Expiry = e.Lot, e.Expiry
	}
	s.Pack, s.Reason, s.Latest = next, e.Reason, at
	return s, ""
}

// FuzzPackEventIdentifiers commissions a pack with fuzzed lot, NHRN, time zone
// offset and expiry text: accepted exactly when each is absent or valid (set
// 82 for lot and NHRN, ±HH:MM within -12:00 and +14:00, an existing YYMMDD or
// ISO date), and then every later event of the pack carries them.
func FuzzPackEventIdentifiers(f *testing.F) {
	f.Add("L-2028/02", "4150123", "+01:00", "280200")
	f.Add("", "", "", "")
	f.Add("LOT 1", "41#5", "+15:00", "281301")
	f.Add("ÄÖÜ", "12345678901234567890X", "-12:00", "2028-02-29")
	f.Add("L", "N", "+14:01", "270229")
	f.Fuzz(func(t *testing.T, lot, nhrn, tz, expiry string) {
		e := PackEventInput{ProductCode: "P", Serial: "S", Event: Commission, Lot: lot, NHRN: nhrn, TZOffset: tz}
		// Lot and expiry are required, NHRN and offset optional.
		valid := lot != "" && expiry != "" && gs1.ValidLot(lot) == nil && (nhrn == "" || gs1.ValidNHRN(nhrn) == nil) && (tz == "" || validOffset(tz))
		if expiry != "" {
			d, err := ParseExpiry(expiry, fuzzNow)
			if err != nil {
				if ErrorCode(err) != EINVALID {
					t.Fatalf("ParseExpiry(%q): %v", expiry, err)
				}
				return // refused by the transport, before the rules
			}
			if !d.Equal(d.Truncate(24*time.Hour)) || d.Location() != time.UTC {
				t.Fatalf("ParseExpiry(%q) = %v: not a date", expiry, d)
			}
			if len(expiry) == 10 && d.Format(time.DateOnly) != expiry {
				t.Fatalf("ParseExpiry(%q) = %v", expiry, d)
			}
			e.Expiry = d
		}
		states := map[PackKey]PackState{{"P", "S"}: {Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackActive}}
		sampled := Sampled
		w, bad := ApplyPackEvents(PackBatch{States: states, Now: fuzzNow, Skew: DefaultClockSkew, Actor: fuzzActor},
			[]PackEventInput{e, {ProductCode: "P", Serial: "S", Event: Decommission, Reason: &sampled}})
		if valid != (bad == nil) {
			t.Fatalf("lot %q NHRN %q offset %q: valid %v, refusals %+v", lot, nhrn, tz, valid, bad)
		}
		if bad != nil {
			if bad.Total != 2 || bad.Rows[0].Reason == "" { // the decommissioning fails with it: the pack stays ACTIVE
				t.Fatalf("refusals %+v", bad)
			}
			return
		}
		for _, pw := range w.Events {
			if pw.Lot != lot || pw.NHRN != nhrn || !pw.Expiry.Equal(e.Expiry) {
				t.Fatalf("write %+v does not carry the commissioning's identifiers", pw)
			}
		}
	})
}

// FuzzAggregation packs two packs and two cases into each other in fuzzed
// orders and holds ApplyPackEvents to a model of the pack hierarchy: a pack
// is in at most one container, only a commissioned pack (or a case in use) is
// packed, only into an SSCC of the caller that is not decommissioned, never
// into itself or what it holds; unpacking takes it out of the container it is
// in. Whatever the batch, what is accepted leaves a tree.
func FuzzAggregation(f *testing.F) {
	// Each byte: % 4 the subject (packs P1, P2, cases C1, C2), / 4 % 3 the
	// event (PACK, UNPACK, DECOMMISSION), / 12 % 3 the container (C1, C2, one
	// that is not the caller's).
	f.Add([]byte{0, 1, 14})        // P1, P2 into C1; C1 into C2
	f.Add([]byte{2, 15})           // C1 into C1; C2 into C2
	f.Add([]byte{14, 3})           // C1 into C2, then C2 into C1: a cycle
	f.Add([]byte{0, 4, 16, 24})    // packed, unpacked, unpacked again, unknown container
	f.Add([]byte{10, 0, 8, 12, 0}) // C1 decommissioned, then packed into
	subjects := []PackKey{{"P", "P1"}, {"P", "P2"}, {"S", "C1"}, {"S", "C2"}}
	boxes := []string{"C1", "C2", "THEIRS"}
	f.Fuzz(func(t *testing.T, steps []byte) {
		box := PackState{Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackActive, SSCC: true}
		pack := PackState{Product: true, Stored: true, InPool: true, Status: Assigned, Pack: PackCommissioned}
		states := map[PackKey]PackState{subjects[0]: pack, subjects[1]: pack, subjects[2]: box, subjects[3]: box}
		b := PackBatch{States: states, Containers: map[string]PackKey{"C1": subjects[2], "C2": subjects[3]},
			Now: fuzzNow, Skew: DefaultClockSkew, Actor: fuzzActor}
		// The model: where each is, and whether it is decommissioned.
		parent, gone := map[string]string{}, map[string]bool{}
		var events []PackEventInput
		var want []string // per event: "" accepted, else the code
		destroyed := Destroyed
		for _, c := range steps {
			k, into := subjects[c%4], boxes[c/12%3]
			e := PackEventInput{ProductCode: k.ProductCode, Serial: k.Serial, Container: into}
			code := ""
			switch c / 4 % 3 {
			case 0:
				e.Event = Pack
				switch {
				case parent[k.Serial] != "":
					code = CodeAlreadyPacked
				case gone[k.Serial]:
					code = CodeNotPackable
				case into == "THEIRS":
					code = CodeContainerNotFound
				case gone[into]:
					code = CodeContainerClosed
				default:
					for at := into; at != ""; at = parent[at] {
						if at == k.Serial {
							code = CodeContainerCycle
						}
					}
				}
				if code == "" {
					parent[k.Serial] = into
				}
			case 1:
				e.Event = Unpack
				switch {
				case parent[k.Serial] == "" || parent[k.Serial] != into:
					code = CodeNotPacked
				default:
					delete(parent, k.Serial)
				}
			default:
				e.Event, e.Reason, e.Container = Decommission, &destroyed, ""
				if gone[k.Serial] {
					code = "illegal_transition"
				} else {
					gone[k.Serial] = true
				}
			}
			events = append(events, e)
			want = append(want, code)
		}
		// Applied one batch at a time, each event alone: refusals change nothing.
		for i, e := range events {
			w, bad := ApplyPackEvents(b, []PackEventInput{e})
			got := ""
			if bad != nil {
				got = bad.Rows[0].Code
			}
			if got != want[i] {
				t.Fatalf("event %d %s %s into %q: %q, the model says %q", i+1, e.Event, e.Serial, e.Container, got, want[i])
			}
			if bad == nil {
				k := PackKey{e.ProductCode, e.Serial}
				s := b.States[k]
				s.Container, s.Pack, s.Reason, s.Latest = w.Events[0].Container, w.Events[0].Status, w.Events[0].Reason, w.Events[0].At
				states[k] = s
			}
		}
		// What the rules left is the model's tree.
		for _, k := range subjects {
			if states[k].Container != parent[k.Serial] {
				t.Fatalf("%s is in %q, the model says %q", k.Serial, states[k].Container, parent[k.Serial])
			}
		}
	})
}
