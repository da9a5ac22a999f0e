package epcis

import (
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// Every pack event reads back from its EPCIS event as itself, with the hash
// FromPack gave it as eventID, and no two kinds share their CBV names.
func TestPackEventsReadBackAsThemselves(t *testing.T) {
	at := time.Date(2026, 2, 1, 9, 30, 0, 0, time.UTC)
	var records []pool.PackEventRecord
	for _, o := range objectEvents {
		k := kind(o.event, o.reason)
		r := pool.PackEventRecord{ProductCode: "04012345000016", CodeSchema: pool.GTIN, Serial: "S1",
			PackEvent: pool.PackEvent{Event: k.Event, Reason: k.Reason, At: at, TZOffset: "+02:00"}}
		if k.Event == pool.Commission {
			r.Lot, r.Expiry = "L1", time.Date(2028, 1, 31, 0, 0, 0, 0, time.UTC)
		}
		records = append(records, r)
	}
	for _, ev := range []pool.PackEventType{pool.Pack, pool.Unpack} {
		records = append(records, pool.PackEventRecord{ProductCode: "04012345000016", CodeSchema: pool.GTIN, Serial: "S1",
			PackEvent: pool.PackEvent{Event: ev, At: at, TZOffset: "+02:00"}, Parent: "340123450000000017"})
	}
	seen := map[cbv]bool{}
	for _, r := range records {
		e := FromPack(&r)
		c := cbv{e.Action, e.BizStep, e.Disposition}
		if seen[c] {
			t.Errorf("%s %v: CBV names %v are another event's too", r.Event, r.Reason, c)
		}
		seen[c] = true
		packs, bad := ToPacks(&e)
		if bad != nil || len(packs) != 1 {
			t.Fatalf("%s %v: read back %v %v", r.Event, r.Reason, packs, bad)
		}
		p := packs[0]
		if p.Event != r.Event || (p.Reason == nil) != (r.Reason == nil) || p.Reason != nil && *p.Reason != *r.Reason ||
			p.ProductCode != r.ProductCode || p.Serial != r.Serial || !p.At.Equal(at) || p.TZOffset != "+02:00" ||
			p.Lot != r.Lot || !p.Expiry.Equal(r.Expiry) || p.Container != r.Parent {
			t.Errorf("%s %v read back as %+v", r.Event, r.Reason, p.PackEventInput)
		}
		if p.Hash != e.EventID {
			t.Errorf("%s %v: capture hash %s, eventID %s", r.Event, r.Reason, p.Hash, e.EventID)
		}
	}
	if got := KindsOfBizStep("urn:epcglobal:cbv:bizstep:sampling"); len(got) != 2 {
		t.Errorf("sampling stands for %v; want SAMPLED and FREE_SAMPLE", got)
	}
	if got := KindsOfBizStep("shipping"); len(got) != 0 {
		t.Errorf("shipping stands for %v; want nothing", got)
	}
}

func TestToPacksSplitsAndRefuses(t *testing.T) {
	e := commissioning()
	packs, bad := ToPacks(&e)
	if bad != nil || len(packs) != 2 || packs[0].Hash == packs[1].Hash || packs[1].Serial != "A/2" || packs[0].Lot != "LOT-7" {
		t.Fatalf("a commissioning of two packs gave %+v %v", packs, bad)
	}
	e.Disposition = "in_transit"
	if _, bad := ToPacks(&e); bad == nil || bad.Code != "unsupported_event" {
		t.Errorf("commissioning/in_transit was captured: %v", bad)
	}
	p := packing()
	p.Lot = "L"
	if _, bad := ToPacks(&p); bad == nil || bad.Code != "ilmd" {
		t.Errorf("a packing with a lot was captured: %v", bad)
	}
}
