package epcis

import (
	"fmt"
	"strings"
	"time"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// cbv is how a pack event reads in EPCIS: an ObjectEvent's action, business
// step and disposition.
type cbv struct{ action, bizStep, disposition string }

// objectEvents names the pack events that are ObjectEvents in CBV 2.0. CBV
// has no word for some EU FMD reasons; each still gets its own business step
// and disposition pair, so that every one reads back as itself. The final
// reasons (no undo) are DELETEs: the pack's identity ends there.
var objectEvents = []struct {
	event  pool.PackEventType
	reason pool.Reason // "" for none
	cbv
}{
	{pool.Commission, "", cbv{ActionAdd, "commissioning", "active"}},
	{pool.Reactivate, "", cbv{ActionObserve, "", "active"}},
	{pool.Decommission, pool.Destroyed, cbv{ActionDelete, "destroying", "destroyed"}},
	{pool.Decommission, pool.Stolen, cbv{ActionDelete, "decommissioning", "stolen"}},
	{pool.Decommission, pool.Exported, cbv{ActionDelete, "decommissioning", "inactive"}},
	{pool.Decommission, pool.CheckedOut, cbv{ActionObserve, "decommissioning", "non_sellable_other"}},
	{pool.Decommission, pool.Sampled, cbv{ActionObserve, "sampling", "non_sellable_other"}},
	{pool.Decommission, pool.FreeSample, cbv{ActionObserve, "sampling", "dispensed"}},
	{pool.Decommission, pool.Supplied, cbv{ActionObserve, "dispensing", "dispensed"}},
	{pool.Decommission, pool.Locked, cbv{ActionObserve, "holding", "non_sellable_other"}},
}

func kind(event pool.PackEventType, reason pool.Reason) pool.PackEventKind {
	k := pool.PackEventKind{Event: event}
	if reason != "" {
		k.Reason = &reason
	}
	return k
}

// kindOf finds the pack event of an ObjectEvent's CBV names.
func kindOf(c cbv) (pool.PackEventKind, bool) {
	for _, o := range objectEvents {
		if o.cbv == c {
			return kind(o.event, o.reason), true
		}
	}
	return pool.PackEventKind{}, false
}

// cbvOf returns the CBV names of an ObjectEvent's pack event.
func cbvOf(event pool.PackEventType, reason *pool.Reason) cbv {
	for _, o := range objectEvents {
		if o.event == event && (reason == nil && o.reason == "" || reason != nil && *reason == o.reason) {
			return o.cbv
		}
	}
	return cbv{}
}

// KindsOfBizStep returns the pack events a business step (EQ_bizStep, in any
// of its forms) stands for; none for a step no pack event has.
func KindsOfBizStep(step string) []pool.PackEventKind {
	step = bareCBV(step, bizStepWeb, bizStepURN)
	var out []pool.PackEventKind
	for _, o := range objectEvents {
		if o.bizStep == step && step != "" {
			out = append(out, kind(o.event, o.reason))
		}
	}
	switch step {
	case "packing":
		out = append(out, pool.PackEventKind{Event: pool.Pack})
	case "unpacking":
		out = append(out, pool.PackEventKind{Event: pool.Unpack})
	}
	return out
}

// FromPack returns the EPCIS event of a recorded pack event: one event per
// pack, with its eventID the event hash. A GTIN product's serial is an SGTIN,
// an SSCC pool's serial an SSCC.
func FromPack(r *pool.PackEventRecord) Event {
	e := Event{Type: ObjectEvent, EventTime: r.At, TZOffset: r.TZOffset, RecordTime: r.RecordedAt,
		EPCs: []gs1.EPC{packEPC(r)}}
	if e.TZOffset == "" {
		e.TZOffset = pool.UTCOffset
	}
	switch r.Event {
	case pool.Pack, pool.Unpack:
		e.Type, e.Action, e.BizStep = AggregationEvent, ActionAdd, "packing"
		if r.Event == pool.Unpack {
			e.Action, e.BizStep = ActionDelete, "unpacking"
		}
		e.Parent = &gs1.EPC{SSCC: r.Parent, CompanyPrefixLen: r.ParentPrefixLen}
	default:
		c := cbvOf(r.Event, r.Reason)
		e.Action, e.BizStep, e.Disposition = c.action, c.bizStep, c.disposition
		if r.Event == pool.Commission {
			e.Lot = r.Lot
			if !r.Expiry.IsZero() {
				e.Expiry = r.Expiry.Format(time.DateOnly)
			}
		}
	}
	e.EventID = e.Hash()
	return e
}

func packEPC(r *pool.PackEventRecord) gs1.EPC {
	if r.CodeSchema == pool.SSCC {
		return gs1.EPC{SSCC: r.Serial, CompanyPrefixLen: r.PrefixLen}
	}
	return gs1.EPC{GTIN: r.ProductCode, Serial: r.Serial, CompanyPrefixLen: r.PrefixLen}
}

// PackKeyOf names an EPC as a pack event does: an SGTIN by its GTIN and
// serial; an SSCC by itself, its SSCC pool's code left empty for the store
// to find.
func PackKeyOf(e gs1.EPC) pool.PackKey {
	if e.SSCC != "" {
		return pool.PackKey{Serial: e.SSCC}
	}
	return pool.PackKey{ProductCode: e.GTIN, Serial: e.Serial}
}

// ToPacks returns the pack events an EPCIS event records: one per EPC, each
// with the event hash of the event as it would read back for that pack alone
// (so a capture of a document this package wrote is recognised as the same
// events). An event no pack event stands for is refused.
func ToPacks(e *Event) ([]pool.CapturedPackEvent, *EventError) {
	base := pool.PackEventInput{At: e.EventTime, TZOffset: e.TZOffset}
	switch e.Type {
	case AggregationEvent:
		switch {
		case e.Action == ActionAdd && (e.BizStep == "" || e.BizStep == "packing"):
			base.Event = pool.Pack
		case e.Action == ActionDelete && (e.BizStep == "" || e.BizStep == "unpacking"):
			base.Event = pool.Unpack
		default:
			return nil, badEvent("unsupported_event", "an AggregationEvent is captured as ADD (packing) or DELETE (unpacking), got %s %s", e.Action, e.BizStep)
		}
		if e.Parent.SSCC == "" {
			return nil, badEvent("parent_id", "the parentID of a packing must be an SSCC")
		}
		base.Container = e.Parent.SSCC
		if e.Lot != "" || e.Expiry != "" {
			return nil, badEvent("ilmd", "only a commissioning carries ilmd (lot, expiry)")
		}
	default:
		k, ok := kindOf(cbv{e.Action, e.BizStep, e.Disposition})
		if !ok {
			return nil, badEvent("unsupported_event", "no pack event is an ObjectEvent %s with bizStep %q and disposition %q; captured are: %s",
				e.Action, e.BizStep, e.Disposition, supported())
		}
		base.Event, base.Reason = k.Event, k.Reason
		base.Lot = e.Lot
		if e.Expiry != "" {
			d, err := time.Parse(time.DateOnly, e.Expiry)
			if err != nil {
				return nil, badEvent("item_expiration_date", "cbvmda:itemExpirationDate must be a date YYYY-MM-DD, got %q", e.Expiry)
			}
			base.Expiry = d
		}
	}
	out := make([]pool.CapturedPackEvent, len(e.EPCs))
	for i, x := range e.EPCs {
		one := *e
		one.EPCs = []gs1.EPC{x}
		in := base
		k := PackKeyOf(x)
		in.ProductCode, in.Serial = k.ProductCode, k.Serial
		out[i] = pool.CapturedPackEvent{Hash: one.Hash(), PackEventInput: in}
	}
	return out, nil
}

// supported lists the ObjectEvents captured, for a refusal's message.
func supported() string {
	var s []string
	for _, o := range objectEvents {
		s = append(s, fmt.Sprintf("%s %s/%s", o.action, o.bizStep, o.disposition))
	}
	return strings.Join(s, ", ")
}
