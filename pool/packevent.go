package pool

import (
	"context"
	"fmt"
	"time"

	"github.com/serialpool/serialpool/gs1"
)

// PackStatus is what happened to the pack carrying a serial (the "Pack history"
// tab); it is kept apart from the pool status.
type PackStatus string

const (
	PackActive         PackStatus = "ACTIVE"
	PackCommissioned   PackStatus = "COMMISSIONED"
	PackDecommissioned PackStatus = "DECOMMISSIONED"
	PackUnknown        PackStatus = "UNKNOWN"
)

// PackEventType is a transition of the pack status.
type PackEventType string

const (
	Commission   PackEventType = "COMMISSION"
	Decommission PackEventType = "DECOMMISSION"
	Reactivate   PackEventType = "REACTIVATE"
	// Pack and Unpack put a pack (or a case) into a container identified by
	// an SSCC and take it out again (aggregation); the pack status stays.
	Pack   PackEventType = "PACK"
	Unpack PackEventType = "UNPACK"
)

// Reason is why a pack was decommissioned (the EU FMD set).
type Reason string

const (
	Destroyed  Reason = "DESTROYED"
	Sampled    Reason = "SAMPLED"
	Supplied   Reason = "SUPPLIED"
	Stolen     Reason = "STOLEN"
	Exported   Reason = "EXPORTED"
	FreeSample Reason = "FREE_SAMPLE"
	Locked     Reason = "LOCKED"
	CheckedOut Reason = "CHECKED_OUT"
)

var reasons = map[Reason]bool{Destroyed: true, Sampled: true, Supplied: true, Stolen: true, Exported: true,
	FreeSample: true, Locked: true, CheckedOut: true}

// final reasons can never be undone: the pack is gone for good.
var final = map[Reason]bool{Destroyed: true, Stolen: true, Exported: true}

// Transition applies event to a pack in status from (with the reason of its last
// decommissioning) and returns the new status, or an error naming the rule broken.
func Transition(from PackStatus, fromReason *Reason, event PackEventType, reason *Reason) (PackStatus, *RowError) {
	bad := func(code, format string, args ...any) (PackStatus, *RowError) {
		return "", &RowError{Code: code, Reason: fmt.Sprintf(format, args...)}
	}
	if reason != nil && event != Decommission {
		return bad("reason_not_allowed", "only DECOMMISSION takes a reason")
	}
	switch event {
	case Commission:
		if from != PackActive && from != PackUnknown {
			return bad("illegal_transition", "COMMISSION needs an ACTIVE pack; this one is %s", from)
		}
		return PackCommissioned, nil
	case Decommission:
		if reason == nil || !reasons[*reason] {
			return bad("reason_required", "DECOMMISSION needs a reason (DESTROYED, SAMPLED, SUPPLIED, STOLEN, EXPORTED, FREE_SAMPLE, LOCKED, CHECKED_OUT)")
		}
		if from != PackCommissioned {
			return bad("illegal_transition", "DECOMMISSION needs a COMMISSIONED pack; this one is %s", from)
		}
		return PackDecommissioned, nil
	case Reactivate:
		if from != PackDecommissioned {
			return bad("illegal_transition", "REACTIVATE needs a DECOMMISSIONED pack; this one is %s", from)
		}
		if fromReason != nil && final[*fromReason] {
			return bad("final_decommission", "a pack decommissioned as %s can never be reactivated", *fromReason)
		}
		return PackCommissioned, nil
	}
	return bad("unknown_event", "unknown pack event %q", event)
}

// PackEvent is one entry of a serial's append-only pack history.
type PackEvent struct {
	Event      PackEventType
	Status     PackStatus
	Reason     *Reason
	At         time.Time // when it happened, in TZOffset
	RecordedAt time.Time
	Actor      string
	Lot        string    // batch, of the pack's commissioning; "" when none was recorded
	Expiry     time.Time // a date, of the pack's commissioning; zero when none
	NHRN       string    // national reimbursement number, of the commissioning
	TZOffset   string    // the event's time zone offset, "+01:00"
	Container  string    // the SSCC the pack is in after the event; "" when in none
}

// SerialKey names a serial by its product's and its own id.
type SerialKey struct{ ProductID, SerialID int64 }

// PackEventInput is a pack event to record.
type PackEventInput struct {
	ProductCode string
	Serial      string
	Event       PackEventType
	Reason      *Reason
	At          time.Time // zero: now
	// Lot, Expiry and NHRN are the EU FMD / DSCSA identifiers beside the
	// serial, recorded by a COMMISSION only.
	Lot      string    // batch, AI 10
	Expiry   time.Time // a date (AI 17, ParseExpiry); zero: none
	NHRN     string    // national reimbursement number (AI 710-715); optional
	TZOffset string    // the time zone offset of the place it happened, "+01:00"; "": "+00:00"
	// Container is the SSCC of the case or pallet a PACK puts the pack into
	// and an UNPACK takes it out of.
	Container string
}

// ParseExpiry reads an expiry date as GS1 encodes it (YYMMDD, day 00 the last
// of the month) or as an ISO date (2006-01-02), at midnight UTC.
func ParseExpiry(s string, now time.Time) (time.Time, error) {
	if len(s) == 6 {
		d, err := gs1.ParseDate(s, now)
		if err != nil {
			return time.Time{}, Invalid("expiry", "expiry %q: %v", s, err)
		}
		return d, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, Invalid("expiry", "expiry %q is neither YYMMDD nor YYYY-MM-DD", s)
	}
	return d, nil
}

// UTCOffset is the time zone offset of an event at UTC.
const UTCOffset = "+00:00"

// validOffset reports whether s is a time zone offset, "+01:00" or "-05:30",
// within -12:00 and +14:00 (the offsets in use).
func validOffset(s string) bool {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return false
	}
	t, err := time.Parse("15:04", s[1:])
	if err != nil {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	return s[0] == '+' && m <= 14*60 || s[0] == '-' && m <= 12*60
}

// Offset returns the time zone offset the event is recorded with.
func (e PackEventInput) Offset() string {
	if e.TZOffset == "" {
		return UTCOffset
	}
	return e.TZOffset
}

// PackEventsResult reports recorded pack events.
type PackEventsResult struct {
	Recorded       int
	StoredExternal int
}

// PackKey names a serial of a batch of pack events as the batch does.
type PackKey struct{ ProductCode, Serial string }

// PackState is a serial named in a batch of pack events as the caller sees it
// before the batch. The zero value is a serial of a product the caller may not
// record events on.
type PackState struct {
	Product   bool       // the caller may record events on the product: its own, or a lasting partner MAH's
	AsPartner bool       // the product is its partner MAH's: the caller is the CMO
	Stored    bool       // the serial is stored in the product's pool, in anyone's part of it
	InPool    bool       // the serial is in the caller's part
	Status    Status     // the caller's pool status, when InPool
	Pack      PackStatus // ACTIVE while no event is recorded
	Reason    *Reason    // of the last decommissioning
}

// PackWrite is an accepted pack event and the pack status it leaves.
type PackWrite struct {
	Event  int // the event's index in the batch
	Status PackStatus
}

// PackWrites is what an accepted batch of pack events writes.
type PackWrites struct {
	// External are the unknown serials the batch commissions: used on a line
	// outside the pool, they are stored before the events as EXTERNAL serials,
	// Assigned.
	External []PackKey
	Events   []PackWrite // every event of the batch, in order
}

// ApplyPackEvents applies a batch of pack events in order to the states of the
// serials it names and returns what to write; or, all or nothing, the refused
// events (a *BatchError naming each) and nothing to write. Later events on a
// serial see the earlier ones; a refused event changes nothing. A serial
// missing from states is of a product the caller may not record events on.
// It changes nothing of states.
func ApplyPackEvents(states map[PackKey]PackState, events []PackEventInput) (*PackWrites, *BatchError) {
	current := make(map[PackKey]PackState)
	w := &PackWrites{}
	bad := &BatchError{Code: EINVALID}
	for i, e := range events {
		k := PackKey{e.ProductCode, e.Serial}
		s, ok := current[k]
		if !ok {
			s = states[k]
		}
		next, refusal := applyPackEvent(s, e)
		if refusal != nil {
			refusal.Row, refusal.Value = int64(i+1), e.Serial
			bad.Add(*refusal)
			continue
		}
		if !s.InPool {
			w.External = append(w.External, k)
		}
		current[k] = next
		w.Events = append(w.Events, PackWrite{Event: i, Status: next.Pack})
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return w, nil
}

// applyPackEvent applies one event to a serial and returns its new state, or
// the rule the event breaks.
func applyPackEvent(s PackState, e PackEventInput) (PackState, *RowError) {
	refuse := func(code, reason string) (PackState, *RowError) {
		return s, &RowError{Code: code, Reason: reason}
	}
	if !s.Product {
		return refuse("product_not_found", fmt.Sprintf("no product with code %q", e.ProductCode))
	}
	if !s.InPool {
		// Only the owner's line brings an unknown serial in, by commissioning
		// it: a CMO packs only what its MAH assigned it.
		if s.Stored || s.AsPartner || e.Event != Commission {
			return refuse("not_found", "no such serial in your pool")
		}
		if err := gs1.ValidSerial(e.Serial); err != nil {
			return refuse("serial_"+err.(*gs1.Error).Rule, err.Error())
		}
		s = PackState{Product: true, Stored: true, InPool: true, Status: ArrivalStatus(SourceExternal), Pack: PackActive}
	}
	if e.Event == Commission && s.Status != Assigned {
		return refuse("not_assigned", "an Available serial cannot be commissioned: request it first")
	}
	next, refusal := Transition(s.Pack, s.Reason, e.Event, e.Reason)
	if refusal != nil {
		return s, refusal
	}
	s.Pack, s.Reason = next, e.Reason
	return s, nil
}

// PackEventService records what happens to packs and reads their history.
type PackEventService interface {
	// RecordPackEvents records pack events all or nothing, applied in order by
	// ApplyPackEvents; unknown serials a line commissions are stored as
	// EXTERNAL. Needs RoleOperator. Returns EINVALID for none or over MaxBatch
	// events, and with a BatchError naming each refused event; ECONFLICT when
	// another batch stored one of its unknown serials meanwhile (retry it).
	RecordPackEvents(ctx context.Context, events []PackEventInput) (*PackEventsResult, error)
	// PackHistories returns the pack events of each serial, oldest first; a
	// serial the caller may not see has none.
	PackHistories(ctx context.Context, serials []SerialKey) ([][]*PackEvent, error)
}
