package epcis

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/serialpool/serialpool/gs1"
)

// A commissioning of two packs with lot and expiry, in the form a line sends.
func commissioning() Event {
	return Event{Type: ObjectEvent, EventTime: time.Date(2026, 3, 4, 10, 0, 30, 123_000_000, time.UTC), TZOffset: "+01:00",
		EPCs:   []gs1.EPC{{GTIN: "04012345000016", Serial: "SN-1", CompanyPrefixLen: 7}, {GTIN: "04012345000016", Serial: "A/2", CompanyPrefixLen: 7}},
		Action: ActionAdd, BizStep: "commissioning", Disposition: "active", Lot: "LOT-7", Expiry: "2028-05-31"}
}

func packing() Event {
	return Event{Type: AggregationEvent, EventTime: time.Date(2026, 3, 4, 11, 0, 0, 0, time.UTC), TZOffset: "-05:00",
		Parent: &gs1.EPC{SSCC: "340123450000000017", CompanyPrefixLen: 7},
		EPCs:   []gs1.EPC{{GTIN: "04012345000016", Serial: "SN-1", CompanyPrefixLen: 7}},
		Action: ActionAdd, BizStep: "packing"}
}

func TestParseEPCForms(t *testing.T) {
	for _, c := range []struct {
		uri  string
		want gs1.EPC
	}{
		{"urn:epc:id:sgtin:4012345.000001.SN-1", gs1.EPC{GTIN: "04012345000016", Serial: "SN-1", CompanyPrefixLen: 7}},
		{"urn:epc:id:sgtin:4012345.000001.A%2F2", gs1.EPC{GTIN: "04012345000016", Serial: "A/2", CompanyPrefixLen: 7}},
		{"https://id.gs1.org/01/04012345000016/21/A%2F2", gs1.EPC{GTIN: "04012345000016", Serial: "A/2"}},
		{"https://brand.example/01/4012345000016/21/SN-1?linkType=all", gs1.EPC{GTIN: "04012345000016", Serial: "SN-1"}},
		{"urn:epc:id:sscc:4012345.3000000001", gs1.EPC{SSCC: "340123450000000017", CompanyPrefixLen: 7}},
		{"https://id.gs1.org/00/340123450000000017", gs1.EPC{SSCC: "340123450000000017"}},
	} {
		got, err := gs1.ParseEPC(c.uri)
		if err != nil || got != c.want {
			t.Errorf("ParseEPC(%q) = %+v, %v; want %+v", c.uri, got, err, c.want)
		}
	}
	for uri, rule := range map[string]string{
		"urn:epc:id:sgtin:4012345.00001.SN":             gs1.RuleLength,
		"https://id.gs1.org/01/04012345000017/21/SN-1":  gs1.RuleCheckDigit,
		"https://id.gs1.org/01/04012345000016/21/a%20b": gs1.RuleCharset,
		"https://id.gs1.org/00/340123450000000016":      gs1.RuleCheckDigit,
		"urn:epc:id:sgtin:40x2345.000001.SN":            gs1.RuleDigits,
		"urn:epc:id:grai:4012345.00001.1":               gs1.RulePrefix,
		"https://id.gs1.org/01/04012345000016":          gs1.RulePrefix,
	} {
		_, err := gs1.ParseEPC(uri)
		if e, ok := err.(*gs1.Error); !ok || e.Rule != rule {
			t.Errorf("ParseEPC(%q) = %v; want rule %s", uri, err, rule)
		}
	}
}

// roundTrip writes events and reads them back in one encoding and format.
func roundTrip(t *testing.T, events []Event, write func(*bytes.Buffer, *Document) error, read func(*bytes.Buffer) ([]Event, []*EventError, error)) []Event {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, &Document{Query: true, CreationDate: time.Now(), Events: events}); err != nil {
		t.Fatal(err)
	}
	got, bad, err := read(&b)
	if err != nil || len(bad) > 0 {
		t.Fatalf("read back: %v %v\n%s", err, bad, b.String())
	}
	return got
}

func TestRoundTripKeepsEventAndHash(t *testing.T) {
	in := []Event{commissioning(), packing()}
	for _, f := range []Format{DigitalLink, URN} {
		forms := map[string][]Event{
			"json": roundTrip(t, in, func(b *bytes.Buffer, d *Document) error { return WriteJSON(b, d, f) },
				func(b *bytes.Buffer) ([]Event, []*EventError, error) { return ReadJSON(b, 0) }),
			"xml": roundTrip(t, in, func(b *bytes.Buffer, d *Document) error { return WriteXML(b, d, f) },
				func(b *bytes.Buffer) ([]Event, []*EventError, error) { return ReadXML(b, 0) }),
		}
		for name, got := range forms {
			for i := range in {
				want := in[i]
				if f == DigitalLink {
					want = withoutPrefixes(want)
				}
				if !got[i].EventTime.Equal(want.EventTime) {
					t.Errorf("%s %d: eventTime %v, want %v", name, f, got[i].EventTime, want.EventTime)
				}
				got[i].EventTime = want.EventTime
				if !reflect.DeepEqual(got[i], want) {
					t.Errorf("%s format %d: read back\n%+v\nwant\n%+v", name, f, got[i], want)
				}
				if got[i].Hash() != in[i].Hash() {
					t.Errorf("%s format %d: hash changed in the round trip", name, f)
				}
			}
		}
	}
}

// withoutPrefixes is e as a Digital Link tells it: without company prefix lengths.
func withoutPrefixes(e Event) Event {
	epcs := make([]gs1.EPC, len(e.EPCs))
	for i, x := range e.EPCs {
		x.CompanyPrefixLen = 0
		epcs[i] = x
	}
	e.EPCs = epcs
	if e.Parent != nil {
		p := *e.Parent
		p.CompanyPrefixLen = 0
		e.Parent = &p
	}
	return e
}

func TestHashIsOfTheContent(t *testing.T) {
	e := commissioning()
	h := e.Hash()
	if !strings.HasPrefix(h, "ni:///sha-256;") || !strings.HasSuffix(h, "?ver=CBV2.0") || len(h) != len("ni:///sha-256;?ver=CBV2.0")+64 {
		t.Fatalf("hash %q is not a CBV 2.0 event hash", h)
	}
	same := e
	same.EPCs = []gs1.EPC{e.EPCs[1], e.EPCs[0]}               // list order does not count
	same.EventTime = e.EventTime.In(time.FixedZone("", 3600)) // nor the offset a time is written in
	same.EventID, same.RecordTime = "urn:uuid:x", time.Now()  // nor eventID and recordTime
	if same.Hash() != h {
		t.Errorf("the same event hashed differently")
	}
	for name, change := range map[string]func(*Event){
		"lot":         func(e *Event) { e.Lot = "LOT-8" },
		"expiry":      func(e *Event) { e.Expiry = "2028-06-30" },
		"time":        func(e *Event) { e.EventTime = e.EventTime.Add(time.Millisecond) },
		"offset":      func(e *Event) { e.TZOffset = "+02:00" },
		"epc":         func(e *Event) { e.EPCs = e.EPCs[:1] },
		"disposition": func(e *Event) { e.Disposition = "inactive" },
	} {
		other := commissioning()
		change(&other)
		if other.Hash() == h {
			t.Errorf("changing the %s kept the hash", name)
		}
	}
	want := "eventType=ObjectEventeventTime=2026-03-04T10:00:30.123ZeventTimeZoneOffset=+01:00" +
		"epcListepc=https://id.gs1.org/01/04012345000016/21/A%2F2epc=https://id.gs1.org/01/04012345000016/21/SN-1" +
		"action=ADDbizStep=https://ref.gs1.org/cbv/BizStep-commissioningdisposition=https://ref.gs1.org/cbv/Disp-active" +
		"ilmd{urn:epcglobal:cbv:mda:}itemExpirationDate=2028-05-31{urn:epcglobal:cbv:mda:}lotNumber=LOT-7"
	if got := e.preHash(); got != want {
		t.Errorf("pre-hash string\n%s\nwant\n%s", got, want)
	}
}

func TestReadRefusesEachBadEvent(t *testing.T) {
	doc := `{"@context":["` + Context + `"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z",
	"epcisBody":{"eventList":[
	 {"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012345000016/21/OK"],"action":"ADD","bizStep":"commissioning"},
	 {"type":"TransformationEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"ADD"},
	 {"type":"ObjectEvent","eventTime":"yesterday","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012345000016/21/X"],"action":"ADD"},
	 {"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"CET","epcList":["https://id.gs1.org/01/04012345000016/21/X"],"action":"ADD"},
	 {"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012345000017/21/X"],"action":"ADD"},
	 {"type":"AggregationEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","childEPCs":["https://id.gs1.org/01/04012345000016/21/X"],"action":"ADD"},
	 {"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012345000016/21/X"],"action":"ADD","ilmd":{"cbvmda:itemExpirationDate":"280531"}}
	]}}`
	events, bad, err := ReadJSON(strings.NewReader(doc), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].EPCs[0].Serial != "OK" {
		t.Errorf("read %+v; want the one good event", events)
	}
	want := []string{"unsupported_event_type", "eventTime", "event_time_zone_offset", "epc_check_digit", "parent_id", "item_expiration_date"}
	if len(bad) != len(want) {
		t.Fatalf("refusals %v; want %v", bad, want)
	}
	for i, b := range bad {
		if b.Event != i+1 || b.Code != want[i] {
			t.Errorf("refusal %d = event %d %s (%s); want event %d %s", i, b.Event, b.Code, b.Reason, i+1, want[i])
		}
	}
	if _, _, err := ReadJSON(strings.NewReader(doc), 3); err == nil {
		t.Errorf("a document over the limit was read")
	}
	if _, _, err := ReadJSON(strings.NewReader(`{"type":"Invoice"}`), 0); err == nil {
		t.Errorf("a document of another type was read")
	}
}

func TestReadXMLOfAnyPrefix(t *testing.T) {
	doc := `<?xml version="1.0"?>
<e:EPCISDocument xmlns:e="urn:epcglobal:epcis:xsd:2" xmlns:m="urn:epcglobal:cbv:mda" schemaVersion="2.0" creationDate="2026-01-01T00:00:00Z">
 <EPCISBody><EventList>
  <ObjectEvent>
   <eventTime>2026-03-04T11:00:30.123+01:00</eventTime><eventTimeZoneOffset>+01:00</eventTimeZoneOffset>
   <epcList><epc>urn:epc:id:sgtin:4012345.000001.SN-1</epc><epc>https://id.gs1.org/01/04012345000016/21/A%2F2</epc></epcList>
   <action>ADD</action><bizStep>urn:epcglobal:cbv:bizstep:commissioning</bizStep><disposition>https://ref.gs1.org/cbv/Disp-active</disposition>
   <ilmd><m:lotNumber> LOT-7 </m:lotNumber><m:itemExpirationDate>2028-05-31</m:itemExpirationDate></ilmd>
  </ObjectEvent>
 </EventList></EPCISBody>
</e:EPCISDocument>`
	events, bad, err := ReadXML(strings.NewReader(doc), 0)
	if err != nil || len(bad) > 0 || len(events) != 1 {
		t.Fatalf("read %v %v %v", events, bad, err)
	}
	want := commissioning()
	if events[0].Hash() != want.Hash() {
		t.Errorf("the XML event (EPC URN and Digital Link mixed) hashed unlike the same event built here:\n%s\n%s", events[0].preHash(), want.preHash())
	}
}

// JSON-LD allows @context as a string, an object or a list (epcis2.js writes a string).
func TestReadJSONContextForms(t *testing.T) {
	for _, ctx := range []string{`"` + Context + `"`, `[{"ex":"https://ex.example/"},"` + Context + `"]`, `{"ex":"https://ex.example/"}`} {
		doc := `{"@context":` + ctx + `,"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[
			{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012345000016/21/OK"],"action":"ADD"}]}}`
		if events, bad, err := ReadJSON(strings.NewReader(doc), 0); err != nil || len(bad) > 0 || len(events) != 1 {
			t.Errorf("@context %s: %v %v %v", ctx, events, bad, err)
		}
	}
}
