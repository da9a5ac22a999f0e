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
	SSCC      bool       // the serial is an SSCC (a case or pallet), of one of the caller's SSCC pools
	Intake    time.Time  // when the serial entered the pool; zero for one not stored
	Latest    time.Time  // event time of its latest event; zero while it has none
	// DecommissionedAt and DecommissionedBy are of the last decommissioning:
	// only its actor may undo it, within UndoWindow.
	DecommissionedAt time.Time
	DecommissionedBy string
	Lot              string    // of its commissioning
	Expiry           time.Time // of its commissioning
	NHRN             string    // of its commissioning
	Container        string    // the SSCC it is packed in; "" when in none
}

// UndoWindow is how long after a decommissioning it may be undone (EU FMD,
// Delegated Regulation 2016/161 art. 13).
const UndoWindow = 10 * 24 * time.Hour

// DefaultClockSkew is how far in the future an event time may lie by default:
// the clocks of lines and servers differ.
const DefaultClockSkew = 5 * time.Minute

// Codes of the refusals of the event model's rules, beside Transition's.
const (
	CodeEventInFuture       = "event_in_future"          // the event time lies beyond now and the clock skew
	CodeEventBeforeIntake   = "event_before_intake"      // the event time lies before the serial entered the pool
	CodeEventOutOfOrder     = "event_out_of_order"       // the event time lies before the serial's latest event
	CodeUndoTooLate         = "undo_too_late"            // a REACTIVATE more than UndoWindow after the decommissioning
	CodeUndoOtherActor      = "undo_other_actor"         // a REACTIVATE by another user or system than the decommissioning's
	CodeLotNotAllowed       = "lot_not_allowed"          // lot, expiry or NHRN on an event other than COMMISSION
	CodeLotRequired         = "lot_required"             // a COMMISSION of a pack without its lot or expiry
	CodeExpiryNotDate       = "expiry_not_date"          // an expiry with a time of day
	CodeTZOffset            = "tz_offset"                // a time zone offset not like +01:00
	CodeContainerRequired   = "container_required"       // a PACK without its container
	CodeContainerNotAllowed = "container_not_allowed"    // a container on an event other than PACK or UNPACK
	CodeContainerNotFound   = "container_not_found"      // no such SSCC in the caller's SSCC pools, or not Assigned
	CodeContainerClosed     = "container_decommissioned" // the container is decommissioned
	CodeContainerCycle      = "container_cycle"          // a container packed into itself or into what it holds
	CodeAlreadyPacked       = "already_packed"           // a PACK of a pack that is in a container already
	CodeNotPacked           = "not_packed"               // an UNPACK of a pack that is not in that container
	CodeNotPackable         = "not_packable"             // a PACK of a pack that is not COMMISSIONED
)

// PackBatch is what a batch of pack events is applied to.
type PackBatch struct {
	States map[PackKey]PackState // the serials the events name, and the containers they name
	// Containers finds the SSCCs the events name as Container among the
	// caller's SSCC pools: their keys in States. A missing one is unknown.
	Containers map[string]PackKey
	Now        time.Time
	Skew       time.Duration // how far in the future an event may lie
	Actor      string        // who records the batch, as the history names its actor
}

// PackWrite is an accepted pack event and the pack state it leaves.
type PackWrite struct {
	Event  int // the event's index in the batch
	Status PackStatus
	Reason *Reason   // of the pack's last decommissioning, while it is decommissioned
	At     time.Time // the event time: the event's, or the batch's now
	// What the pack carries after the event: the identifiers of its
	// commissioning and its container.
	Lot       string
	Expiry    time.Time
	NHRN      string
	Container string
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
// It changes nothing of b.
func ApplyPackEvents(b PackBatch, events []PackEventInput) (*PackWrites, *BatchError) {
	current := make(map[PackKey]PackState)
	state := func(k PackKey) PackState {
		if s, ok := current[k]; ok {
			return s
		}
		return b.States[k]
	}
	w := &PackWrites{}
	bad := &BatchError{Code: EINVALID}
	for i, e := range events {
		k := PackKey{e.ProductCode, e.Serial}
		s := state(k)
		next, refusal := applyPackEvent(b, state, s, e)
		if refusal != nil {
			refusal.Row, refusal.Value = int64(i+1), e.Serial
			bad.Add(*refusal)
			continue
		}
		if !s.InPool {
			w.External = append(w.External, k)
		}
		current[k] = next
		w.Events = append(w.Events, PackWrite{Event: i, Status: next.Pack, Reason: next.Reason, At: next.Latest,
			Lot: next.Lot, Expiry: next.Expiry, NHRN: next.NHRN, Container: next.Container})
	}
	if bad.Total > 0 {
		return nil, bad
	}
	return w, nil
}

// applyPackEvent applies one event to a serial in state s and returns its new
// state, or the rule the event breaks; state reads any serial's state so far.
func applyPackEvent(b PackBatch, state func(PackKey) PackState, s PackState, e PackEventInput) (PackState, *RowError) {
	refuse := func(code, format string, args ...any) (PackState, *RowError) {
		return s, &RowError{Code: code, Reason: fmt.Sprintf(format, args...)}
	}
	if !s.Product {
		return refuse("product_not_found", "no product with code %q", e.ProductCode)
	}
	if !s.InPool {
		// Only the owner's line brings an unknown serial in, by commissioning
		// it: a CMO packs only what its MAH assigned it.
		if s.Stored || s.AsPartner || e.Event != Commission {
			return refuse("not_found", "no such serial in your pool")
		}
		if err := gs1.ValidSerial(e.Serial); err != nil {
			return refuse("serial_"+err.(*gs1.Error).Rule, "%v", err)
		}
		// Used on a line outside the pool, it enters with this event: no
		// intake time holds the event back.
		s = PackState{Product: true, Stored: true, InPool: true, Status: ArrivalStatus(SourceExternal), Pack: PackActive, SSCC: s.SSCC}
	}
	if refusal := identifierRefusal(e, s.SSCC); refusal != nil {
		return s, refusal
	}
	at := e.At
	if at.IsZero() {
		at = b.Now
	}
	switch {
	case at.After(b.Now.Add(b.Skew)):
		return refuse(CodeEventInFuture, "the event time %s lies in the future (now %s, clock skew %s)",
			at.UTC().Format(time.RFC3339), b.Now.UTC().Format(time.RFC3339), b.Skew)
	case at.Before(s.Intake):
		return refuse(CodeEventBeforeIntake, "the event time %s lies before the serial entered the pool (%s)",
			at.UTC().Format(time.RFC3339), s.Intake.UTC().Format(time.RFC3339))
	case at.Before(s.Latest):
		return refuse(CodeEventOutOfOrder, "the event time %s lies before the serial's latest event (%s)",
			at.UTC().Format(time.RFC3339), s.Latest.UTC().Format(time.RFC3339))
	}
	if e.Event == Commission && s.Status != Assigned {
		return refuse("not_assigned", "an Available serial cannot be commissioned: request it first")
	}
	if (e.Event == Pack || e.Event == Unpack) != (e.Container != "") {
		if e.Event == Pack {
			return refuse(CodeContainerRequired, "PACK needs the SSCC of the container")
		}
		if e.Event != Unpack {
			return refuse(CodeContainerNotAllowed, "only PACK and UNPACK name a container")
		}
	}
	next := s
	switch e.Event {
	case Pack, Unpack:
		if e.Reason != nil {
			return refuse("reason_not_allowed", "only DECOMMISSION takes a reason")
		}
		if refusal := aggregationRefusal(b, state, s, e); refusal != nil {
			return s, refusal
		}
		next.Container = ""
		if e.Event == Pack {
			next.Container = e.Container
		}
	default:
		from := s.Pack
		if s.SSCC && from == PackActive && e.Event == Decommission {
			from = PackCommissioned // a case or pallet is in use once requested: it needs no commissioning
		}
		status, refusal := Transition(from, s.Reason, e.Event, e.Reason)
		if refusal != nil {
			return s, refusal
		}
		if e.Event == Reactivate {
			if at.Sub(s.DecommissionedAt) > UndoWindow {
				return refuse(CodeUndoTooLate, "a decommissioning can be undone within %d days; this one was on %s",
					int(UndoWindow.Hours()/24), s.DecommissionedAt.UTC().Format(time.RFC3339))
			}
			if s.DecommissionedBy != b.Actor {
				return refuse(CodeUndoOtherActor, "only %s, who decommissioned the pack, can undo it", s.DecommissionedBy)
			}
		}
		next.Pack, next.Reason = status, e.Reason
		switch e.Event {
		case Commission:
			next.Lot, next.Expiry, next.NHRN = e.Lot, e.Expiry, e.NHRN
		case Decommission:
			next.DecommissionedAt, next.DecommissionedBy = at, b.Actor
		}
	}
	next.Latest = at
	return next, nil
}

// identifierRefusal checks the identifiers an event carries beside its serial;
// sscc: the serial is a case's or pallet's, whose commissioning has no lot.
func identifierRefusal(e PackEventInput, sscc bool) *RowError {
	refuse := func(code, format string, args ...any) *RowError {
		return &RowError{Code: code, Reason: fmt.Sprintf(format, args...)}
	}
	if e.Event != Commission && (e.Lot != "" || !e.Expiry.IsZero() || e.NHRN != "") {
		return refuse(CodeLotNotAllowed, "only COMMISSION records lot, expiry and national reimbursement number")
	}
	if e.Lot != "" {
		if err := gs1.ValidLot(e.Lot); err != nil {
			return refuse("lot_"+err.(*gs1.Error).Rule, "%v", err)
		}
	}
	if e.NHRN != "" {
		if err := gs1.ValidNHRN(e.NHRN); err != nil {
			return refuse("nhrn_"+err.(*gs1.Error).Rule, "%v", err)
		}
	}
	if !e.Expiry.IsZero() && !e.Expiry.Equal(e.Expiry.UTC().Truncate(24*time.Hour)) {
		return refuse(CodeExpiryNotDate, "the expiry is a date, without a time of day")
	}
	if e.Event == Commission && !sscc && (e.Lot == "" || e.Expiry.IsZero()) {
		// The unique identifier of EU FMD and DSCSA is product code, serial, lot and expiry.
		return refuse(CodeLotRequired, "a commissioning records the pack's lot (batch) and expiry date")
	}
	if e.TZOffset != "" && !validOffset(e.TZOffset) {
		return refuse(CodeTZOffset, "time zone offset %q: want +HH:MM or -HH:MM, from -12:00 to +14:00", e.TZOffset)
	}
	return nil
}

// aggregationRefusal checks a PACK or UNPACK of a serial in state s.
func aggregationRefusal(b PackBatch, state func(PackKey) PackState, s PackState, e PackEventInput) *RowError {
	refuse := func(code, format string, args ...any) *RowError {
		return &RowError{Code: code, Reason: fmt.Sprintf(format, args...)}
	}
	if e.Event == Unpack {
		if s.Container == "" || e.Container != s.Container {
			return refuse(CodeNotPacked, "the pack is not in container %s", e.Container)
		}
		// Only the container's owner unpacks it (a CMO's case, an MAH's pack in it).
		if _, ok := b.Containers[e.Container]; !ok {
			return refuse(CodeContainerNotFound, "no SSCC %s in your SSCC pools", e.Container)
		}
		return nil
	}
	if s.Container != "" {
		return refuse(CodeAlreadyPacked, "the pack is in container %s already: unpack it first", s.Container)
	}
	// A case goes into a pallet while in use; a pack once it is commissioned.
	if s.Pack == PackDecommissioned || !s.SSCC && s.Pack != PackCommissioned {
		return refuse(CodeNotPackable, "only a COMMISSIONED pack can be packed; this one is %s", s.Pack)
	}
	ck, ok := b.Containers[e.Container]
	c := state(ck)
	if !ok || !c.InPool || c.Status != Assigned {
		return refuse(CodeContainerNotFound, "no SSCC %s assigned in your SSCC pools", e.Container)
	}
	if c.Pack == PackDecommissioned {
		return refuse(CodeContainerClosed, "container %s is decommissioned", e.Container)
	}
	// Up the containers the target is in: meeting the serial is a cycle.
	for seen := 0; ; seen++ {
		if ck == (PackKey{e.ProductCode, e.Serial}) || seen > len(b.States) {
			return refuse(CodeContainerCycle, "container %s is %s itself or inside it", e.Container, e.Serial)
		}
		if c.Container == "" {
			return nil
		}
		if ck, ok = b.Containers[c.Container]; !ok {
			return nil
		}
		c = state(ck)
	}
}

// PackEventService records what happens to packs and reads their history.
type PackEventService interface {
	// RecordPackEvents records pack events all or nothing, applied in order by
	// ApplyPackEvents; unknown serials a line commissions are stored as
	// EXTERNAL. Needs RoleOperator. Returns EINVALID for none or over MaxBatch
	// events, and with a BatchError naming each refused event; ECONFLICT when
	// another batch stored one of its unknown serials meanwhile (retry it).
	RecordPackEvents(ctx context.Context, events []PackEventInput) (*PackEventsResult, error)
	// PackHistories returns the pack events of each serial by event time
	// (then recorded time), each at in its own time zone offset; a
	// serial the caller may not see has none.
	PackHistories(ctx context.Context, serials []SerialKey) ([][]*PackEvent, error)
}
