package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/gs1/epcis"
	"github.com/serialpool/serialpool/pool"
)

// epcisCall sends one request to the EPCIS interface.
func (d *demo) epcisCall(t *testing.T, method, path, key string, header map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	r, err := http.NewRequest(method, d.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		r.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// epcisNode runs one of the epcis2.js scripts in testdata with input on stdin.
func epcisNode(t *testing.T, script string, input any, out any) {
	t.Helper()
	in, _ := json.Marshal(input)
	cmd := exec.Command("node", "testdata/"+script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v: %s", script, err, stderr.String())
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s printed %s: %v", script, b, err)
	}
}

// epcisBuilt is a document that epcis2.js built from event specs.
func epcisBuilt(t *testing.T, events ...map[string]any) string {
	t.Helper()
	var doc json.RawMessage
	epcisNode(t, "epcis-build.mjs", map[string]any{"events": events}, &doc)
	return string(doc)
}

// assertValidEPCIS validates JSON-LD documents the server produced with
// epcis2.js, and checks every eventID against epcis2.js's own CBV event hash.
func assertValidEPCIS(t *testing.T, docs ...string) {
	t.Helper()
	validEPCIS(t, true, docs...)
}

// validEPCIS validates documents with epcis2.js, and their eventIDs with its
// event hash when hashes is set. (epcis2.js 2.7.3 hashes an SSCC EPC URN
// wrongly: it converts urn:epc:id:sscc:P.ER to a Digital Link with the
// extension digit twice, so a document with SSCC URNs is checked against the
// Digital Link form of the same events instead.)
func validEPCIS(t *testing.T, hashes bool, docs ...string) {
	t.Helper()
	var results []struct {
		Success bool
		Errors  []any
		Events  []struct{ EventID, Hash string }
	}
	epcisNode(t, "epcis-validate.mjs", map[string]any{"documents": docs}, &results)
	for i, r := range results {
		if !r.Success {
			t.Errorf("epcis2.js finds document %d invalid: %v\n%s", i, r.Errors, docs[i])
		}
		for _, e := range r.Events {
			if e.EventID == "" || hashes && e.EventID != e.Hash {
				t.Errorf("document %d: eventID %q, epcis2.js hashes the event as %q", i, e.EventID, e.Hash)
			}
		}
	}
}

type captureJob struct {
	CaptureID                    string
	State                        string
	Running, Success             bool
	Events, Recorded, Duplicates int
	Errors                       []struct {
		Event                      int
		EventID, EPC, Code, Reason string
	}
}

// capture posts a document and polls its job until it has finished.
func (d *demo) capture(t *testing.T, key, contentType, doc string) captureJob {
	t.Helper()
	status, h, body := d.epcisCall(t, "POST", "/api/v2/epcis/capture", key, map[string]string{"Content-Type": contentType}, doc)
	if status != http.StatusAccepted || !strings.HasPrefix(h.Get("Location"), "/api/v2/epcis/capture/") {
		t.Fatalf("capture: %d %v %s", status, h, body)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		status, _, body := d.epcisCall(t, "GET", h.Get("Location"), key, nil, "")
		var job captureJob
		if status != http.StatusOK || json.Unmarshal([]byte(body), &job) != nil {
			t.Fatalf("capture job: %d %s", status, body)
		}
		if !job.Running {
			if job.State == "running" || job.Success != (job.State == "succeeded") {
				t.Fatalf("capture job says %+v", job)
			}
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("capture still running: %+v", job)
		}
	}
}

// epcisEvents queries events and reads the JSON-LD answer back.
func (d *demo) epcisEvents(t *testing.T, key, query string) ([]epcis.Event, string, http.Header) {
	t.Helper()
	status, h, body := d.epcisCall(t, "GET", "/api/v2/epcis/events?"+query, key, nil, "")
	if status != http.StatusOK {
		t.Fatalf("events?%s: %d %s", query, status, body)
	}
	events, bad, err := epcis.ReadJSON(strings.NewReader(body), 0)
	if err != nil || len(bad) > 0 {
		t.Fatalf("events?%s: unreadable %v %v\n%s", query, err, bad, body)
	}
	return events, body, h
}

// requested hands out n of a product's serials to key's order.
func (d *demo) requested(t *testing.T, key, code string, n int) []string {
	t.Helper()
	var v struct {
		RequestSerials struct {
			Serials struct {
				Edges []struct{ Node struct{ Value string } }
			}
		}
	}
	d.gql(t, key, `mutation($c: String!, $n: Int!) { requestSerials(input: {productCode: $c, count: $n, orderRef: "epcis"}) {
		serials(first: 100) { edges { node { value } } } } }`, map[string]any{"c": code, "n": n}).ok(t, &v)
	var out []string
	for _, e := range v.RequestSerials.Serials.Edges {
		out = append(out, e.Node.Value)
	}
	if len(out) != n {
		t.Fatalf("requested %d serials of %s, got %v", n, code, out)
	}
	return out
}

func millis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// A line reports its packs in EPCIS 2.0 with a document epcis2.js built, and
// reads them back: every document the server writes is valid to epcis2.js,
// and its eventIDs are epcis2.js's event hashes; a capture is idempotent.
func TestEPCISCaptureQueryRoundTrip(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	s := d.requested(t, d.keys.MAHOperator, amoxicillin, 3)
	external := "EXT-EPCIS-1" // unknown to the pool but GS1-valid: adopted as today
	dl := func(serial string) string { return gs1.DigitalLink(amoxicillin, serial) }
	urn, err := gs1.SGTINURI(amoxicillin, 7, s[1])
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	doc := epcisBuilt(t,
		map[string]any{"type": "ObjectEvent", "eventTime": millis(t0), "offset": "+01:00", "epcs": []string{dl(s[0]), urn, dl(external)},
			"action": "ADD", "bizStep": "commissioning", "disposition": "active", "lot": "LOT-A1", "expiry": "2028-05-31"},
		map[string]any{"type": "ObjectEvent", "eventTime": millis(t0.Add(500 * time.Millisecond)), "offset": "+01:00", "epcs": []string{dl(s[1])},
			"action": "DELETE", "bizStep": "destroying", "disposition": "destroyed"})
	job := d.capture(t, d.keys.MAHOperator, "application/ld+json", doc)
	if !job.Success || job.Events != 2 || job.Recorded != 4 || job.Duplicates != 0 || len(job.Errors) != 0 {
		t.Fatalf("capture = %+v", job)
	}
	var externalSource string
	d.sql(t, `SELECT s.source FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.value = $2`, amoxicillin, external).Scan(&externalSource)
	if externalSource != "EXTERNAL" {
		t.Errorf("the unknown serial was stored as %q, want EXTERNAL", externalSource)
	}

	// Read back: each pack's events, as captured.
	match := "MATCH_epc=" + url.QueryEscape(dl(s[0])+","+urn+","+dl(external))
	events, jsonDoc, h := d.epcisEvents(t, d.keys.MAHViewer, match)
	for _, name := range []string{"GS1-EPCIS-Version", "GS1-CBV-Version", "GS1-EPCIS-Capture-Limit", "GS1-EPCIS-Capture-File-Size-Limit"} {
		if h.Get(name) == "" {
			t.Errorf("no %s header", name)
		}
	}
	type seen struct{ serial, step, disp, action, lot, expiry, offset string }
	var got []seen
	for _, e := range events {
		if len(e.EPCs) != 1 || e.EPCs[0].GTIN != amoxicillin || e.TZOffset != "+01:00" {
			t.Errorf("event %+v", e)
			continue
		}
		want := t0
		if e.BizStep == "destroying" {
			want = t0.Add(500 * time.Millisecond)
		}
		if !e.EventTime.Equal(want) {
			t.Errorf("%s of %s at %v, captured at %v", e.BizStep, e.EPCs[0].Serial, e.EventTime, want)
		}
		got = append(got, seen{e.EPCs[0].Serial, e.BizStep, e.Disposition, e.Action, e.Lot, e.Expiry, e.TZOffset})
	}
	want := []seen{
		{s[0], "commissioning", "active", "ADD", "LOT-A1", "2028-05-31", "+01:00"},
		{s[1], "commissioning", "active", "ADD", "LOT-A1", "2028-05-31", "+01:00"},
		{external, "commissioning", "active", "ADD", "LOT-A1", "2028-05-31", "+01:00"},
		{s[1], "destroying", "destroyed", "DELETE", "", "", "+01:00"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("read back\n%v\nwant\n%v", got, want)
	}

	// The same in XML, and through the EPC's own route; JSON-LD is valid to epcis2.js.
	status, _, xmlDoc := d.epcisCall(t, "GET", "/api/v2/epcis/events?"+match, d.keys.MAHViewer, map[string]string{"Accept": "application/xml"}, "")
	xmlEvents, bad, err := epcis.ReadXML(strings.NewReader(xmlDoc), 0)
	if status != http.StatusOK || err != nil || len(bad) > 0 || len(xmlEvents) != len(events) {
		t.Fatalf("XML: %d %v %v %s", status, err, bad, xmlDoc)
	}
	for i := range events {
		if xmlEvents[i].EventID != events[i].EventID || xmlEvents[i].Hash() != events[i].EventID {
			t.Errorf("XML event %d: eventID %s, hash %s; JSON-LD's %s", i, xmlEvents[i].EventID, xmlEvents[i].Hash(), events[i].EventID)
		}
	}
	status, _, oneDoc := d.epcisCall(t, "GET", "/api/v2/epcis/epcs/"+url.PathEscape(urn)+"/events", d.keys.MAHViewer, nil, "")
	one, _, _ := epcis.ReadJSON(strings.NewReader(oneDoc), 0)
	if status != http.StatusOK || len(one) != 2 || one[1].BizStep != "destroying" {
		t.Errorf("/epcs/{urn}/events: %d %s", status, oneDoc)
	}
	assertValidEPCIS(t, jsonDoc, oneDoc)

	// Captured again: stored once. Our own answer captured: the same events.
	var before int
	d.sql(t, `SELECT count(*) FROM pack_events`).Scan(&before)
	again := d.capture(t, d.keys.MAHOperator, "application/ld+json", doc)
	if !again.Success || again.Recorded != 0 || again.Duplicates != 4 {
		t.Errorf("re-capture = %+v", again)
	}
	ours := d.capture(t, d.keys.MAHOperator, "application/xml", xmlDoc)
	if !ours.Success || ours.Recorded != 0 || ours.Duplicates != 4 {
		t.Errorf("capture of the query answer = %+v", ours)
	}
	var after int
	d.sql(t, `SELECT count(*) FROM pack_events`).Scan(&after)
	if after != before {
		t.Errorf("re-captures stored %d pack events", after-before)
	}

	// Filters and paging.
	destroyed, _, _ := d.epcisEvents(t, d.keys.MAHViewer, match+"&EQ_bizStep=destroying")
	if len(destroyed) != 1 || destroyed[0].EPCs[0].Serial != s[1] {
		t.Errorf("EQ_bizStep=destroying: %+v", destroyed)
	}
	if none, _, _ := d.epcisEvents(t, d.keys.MAHViewer, match+"&EQ_bizStep=shipping"); len(none) != 0 {
		t.Errorf("EQ_bizStep=shipping: %+v", none)
	}
	window := "&GE_eventTime=" + url.QueryEscape(millis(t0.Add(time.Millisecond))) + "&LT_eventTime=" + url.QueryEscape(millis(t0.Add(time.Second)))
	if late, _, _ := d.epcisEvents(t, d.keys.MAHViewer, match+window); len(late) != 1 || late[0].BizStep != "destroying" {
		t.Errorf("time window: %+v", late)
	}
	var paged []string
	next := match + "&perPage=1"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page, _, h := d.epcisEvents(t, d.keys.MAHViewer, next)
		for _, e := range page {
			paged = append(paged, e.EventID)
		}
		next = ""
		if link := h.Get("Link"); link != "" {
			u, _ := url.Parse(strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`))
			next = u.RawQuery
		}
	}
	var all []string
	for _, e := range events {
		all = append(all, e.EventID)
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages of one gave %v, want %v", paged, all)
	}
}

// EPC URNs need the company prefix, which an SSCC pool of the same company
// tells; packing into a case is an AggregationEvent with the SSCC as parent,
// unpacking one with action DELETE.
func TestEPCISAggregationAndEPCURNs(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	s := d.requested(t, d.keys.MAHOperator, amoxicillin, 2)
	dl := func(serial string) string { return gs1.DigitalLink(amoxicillin, serial) }
	match := "MATCH_epc=" + url.QueryEscape(dl(s[0])+","+dl(s[1]))
	t0 := time.Now().Add(-2 * time.Second).Truncate(time.Millisecond)
	job := d.capture(t, d.keys.MAHOperator, "application/ld+json", epcisBuilt(t,
		map[string]any{"type": "ObjectEvent", "eventTime": millis(t0), "offset": "+00:00", "epcs": []string{dl(s[0]), dl(s[1])},
			"action": "ADD", "bizStep": "commissioning", "disposition": "active", "lot": "L2", "expiry": "2027-12-31"}))
	if !job.Success {
		t.Fatalf("commissioning: %+v", job)
	}
	status, _, body := d.epcisCall(t, "GET", "/api/v2/epcis/events?"+match, d.keys.MAHViewer, map[string]string{"GS1-EPC-Format": "Always_EPC_URN"}, "")
	if status != http.StatusNotAcceptable || !strings.Contains(body, "NotAcceptableException") || !strings.Contains(body, "company prefix") {
		t.Errorf("URNs without a known company prefix: %d %s", status, body)
	}

	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012340", extensionDigit: 3}) { code } }`, nil).ok(t, &struct{}{})
	d.gql(t, d.keys.MAHOperator, `mutation { generateSerials(input: {productCode: "34012340", count: 1, mode: SEQUENTIAL}) { accepted } }`, nil).ok(t, &struct{}{})
	sscc := d.requested(t, d.keys.MAHOperator, "34012340", 1)[0]
	parent, _ := gs1.SSCCURI(sscc, 7)
	job = d.capture(t, d.keys.MAHOperator, "application/ld+json", epcisBuilt(t,
		map[string]any{"type": "AggregationEvent", "eventTime": millis(t0.Add(time.Second)), "offset": "+00:00", "parent": parent,
			"epcs": []string{dl(s[0]), dl(s[1])}, "action": "ADD", "bizStep": "packing"},
		map[string]any{"type": "AggregationEvent", "eventTime": millis(t0.Add(1500 * time.Millisecond)), "offset": "+00:00", "parent": gs1.SSCCDigitalLink(sscc),
			"epcs": []string{dl(s[1])}, "action": "DELETE", "bizStep": "unpacking"}))
	if !job.Success || job.Recorded != 3 {
		t.Fatalf("packing: %+v", job)
	}
	var container string
	d.sql(t, `SELECT coalesce(s.container, '') FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.value = $2`, amoxicillin, s[0]).Scan(&container)
	if container != sscc {
		t.Errorf("the packed serial is in %q, want %s", container, sscc)
	}

	status, _, urnDoc := d.epcisCall(t, "GET", "/api/v2/epcis/events?"+match, d.keys.MAHViewer, map[string]string{"GS1-EPC-Format": "Always_EPC_URN"}, "")
	if status != http.StatusOK || strings.Contains(urnDoc, "https://id.gs1.org") || !strings.Contains(urnDoc, "urn:epc:id:sgtin:4012340.") {
		t.Fatalf("URNs: %d %s", status, urnDoc)
	}
	validEPCIS(t, false, urnDoc)
	events, _, _ := epcis.ReadJSON(strings.NewReader(urnDoc), 0)
	links, linkDoc, _ := d.epcisEvents(t, d.keys.MAHViewer, match)
	assertValidEPCIS(t, linkDoc)
	if len(links) != len(events) {
		t.Fatalf("%d events as Digital Links, %d as URNs", len(links), len(events))
	}
	for i := range events {
		if events[i].EventID != links[i].EventID || events[i].Hash() != links[i].EventID {
			t.Errorf("event %d: eventID %s as URNs, %s as Digital Links", i, events[i].EventID, links[i].EventID)
		}
	}
	var agg []string
	for _, e := range events {
		if e.Type == epcis.AggregationEvent {
			agg = append(agg, e.Action+" "+e.BizStep+" "+e.Parent.SSCC+" "+e.EPCs[0].Serial)
		}
	}
	if want := []string{"ADD packing " + sscc + " " + s[0], "ADD packing " + sscc + " " + s[1], "DELETE unpacking " + sscc + " " + s[1]}; !slices.Equal(agg, want) {
		t.Errorf("aggregation events %v, want %v", agg, want)
	}
	// The container's own route lists what was packed into and out of it.
	status, _, body = d.epcisCall(t, "GET", "/api/v2/epcis/epcs/"+url.PathEscape(parent)+"/events", d.keys.MAHViewer, nil, "")
	if n, _, _ := epcis.ReadJSON(strings.NewReader(body), 0); status != http.StatusOK || len(n) != 3 {
		t.Errorf("the container's events: %d %s", status, body)
	}
}

// A capture is all or nothing, and its job names each refused event: those
// that cannot be read and those the pack event rules refuse, with the rule.
func TestEPCISCaptureRefusals(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	s := d.requested(t, d.keys.MAHOperator, amoxicillin, 2)
	dl := func(serial string) string { return gs1.DigitalLink(amoxicillin, serial) }
	t0 := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	commission := func(at time.Time, epcs ...string) map[string]any {
		return map[string]any{"type": "ObjectEvent", "eventTime": millis(at), "offset": "+00:00", "epcs": epcs,
			"action": "ADD", "bizStep": "commissioning", "disposition": "active", "lot": "L1", "expiry": "2028-01-31"}
	}
	if job := d.capture(t, d.keys.MAHOperator, "application/ld+json", epcisBuilt(t, commission(t0, dl(s[0])))); !job.Success {
		t.Fatalf("first commissioning: %+v", job)
	}
	foreign := gs1.DigitalLink(withCheckDigit("0409999777777"), "X1")
	job := d.capture(t, d.keys.MAHOperator, "application/ld+json", epcisBuilt(t,
		commission(t0, dl(s[1])),                        // fine on its own
		commission(t0.Add(time.Millisecond), dl(s[0])),  // commissioned already (at t0 it is the same event: a duplicate, skipped)
		commission(t0, foreign),                         // no such product of ours
		commission(t0.Add(time.Hour), dl("EXT-FUTURE")), // in the future
	))
	if job.Success || job.State != "failed" || job.Recorded != 0 {
		t.Fatalf("job = %+v", job)
	}
	got := map[int]string{}
	for _, e := range job.Errors {
		got[e.Event] = e.Code
		if e.EPC == "" || e.Reason == "" {
			t.Errorf("refusal without its EPC or reason: %+v", e)
		}
	}
	if want := map[int]string{2: "illegal_transition", 3: "product_not_found", 4: "event_in_future"}; len(got) != 3 || got[2] != want[2] || got[3] != want[3] || got[4] != want[4] {
		t.Errorf("refusals %v, want %v (%+v)", got, want, job.Errors)
	}
	var events int
	d.sql(t, `SELECT count(*) FROM pack_events e JOIN serials s ON s.product_id = e.product_id AND s.id = e.serial_id WHERE s.value = $1`, s[1]).Scan(&events)
	if events != 0 {
		t.Errorf("the refused capture stored %d events of its good one", events)
	}

	// Events that cannot be read fail the job too, each named.
	unreadable := `{"@context":["` + epcis.Context + `"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[
		{"type":"ObjectEvent","eventTime":"` + millis(t0) + `","eventTimeZoneOffset":"+00:00","epcList":["` + dl(s[1]) + `"],"action":"ADD","bizStep":"commissioning","disposition":"in_transit"},
		{"type":"ObjectEvent","eventTime":"` + millis(t0) + `","eventTimeZoneOffset":"+00:00","epcList":["https://id.gs1.org/01/04012340051007/21/X"],"action":"ADD"},
		{"type":"TransactionEvent","eventTime":"` + millis(t0) + `","eventTimeZoneOffset":"+00:00","action":"ADD"}]}}`
	job = d.capture(t, d.keys.MAHOperator, "application/ld+json", unreadable)
	codes := []string{}
	for _, e := range job.Errors {
		codes = append(codes, e.Code)
	}
	slices.Sort(codes)
	if job.Success || !slices.Equal(codes, []string{"epc_check_digit", "unsupported_event", "unsupported_event_type"}) {
		t.Errorf("unreadable events: %+v", job)
	}
}

// Bad input gets a coded error with its EPCIS exception type, at once.
func TestEPCISBadInput(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	for _, c := range []struct {
		name, method, path, key string
		header                  map[string]string
		body                    string
		status                  int
		exception, code         string
	}{
		{"perPage 0", "GET", "/api/v2/epcis/events?perPage=0", d.keys.MAHViewer, nil, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"perPage over the bound", "GET", "/api/v2/epcis/events?perPage=5000", d.keys.MAHViewer, nil, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"unknown parameter", "GET", "/api/v2/epcis/events?EQ_action=ADD", d.keys.MAHViewer, nil, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"forged page token", "GET", "/api/v2/epcis/events?nextPageToken=xyz", d.keys.MAHViewer, nil, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"bad time", "GET", "/api/v2/epcis/events?GE_eventTime=yesterday", d.keys.MAHViewer, nil, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"bad EPC", "GET", "/api/v2/epcis/events?MATCH_epc=urn:epc:id:sgtin:1.2.3", d.keys.MAHViewer, nil, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"bad EPC format", "GET", "/api/v2/epcis/events", d.keys.MAHViewer, map[string]string{"GS1-EPC-Format": "Always_Hex"}, "", 400, "QueryParameterException", "BAD_USER_INPUT"},
		{"unknown EPC", "GET", "/api/v2/epcis/epcs/" + url.PathEscape(gs1.DigitalLink(amoxicillin, "NEVER-SEEN")) + "/events", d.keys.MAHViewer, nil, "", 404, "NoSuchResourceException", "NOT_FOUND"},
		{"no key", "GET", "/api/v2/epcis/events", "", nil, "", 401, "", "UNAUTHENTICATED"},
		{"a viewer captures", "POST", "/api/v2/epcis/capture", d.keys.MAHViewer, map[string]string{"Content-Type": "application/ld+json"},
			`{"@context":["x"],"type":"EPCISDocument","epcisBody":{"eventList":[{}]}}`, 403, "SecurityException", "FORBIDDEN"},
		{"not a document", "POST", "/api/v2/epcis/capture", d.keys.MAHOperator, map[string]string{"Content-Type": "application/ld+json"}, `{"type":`, 400, "ValidationException", "BAD_USER_INPUT"},
		{"no events", "POST", "/api/v2/epcis/capture", d.keys.MAHOperator, map[string]string{"Content-Type": "application/ld+json"},
			`{"type":"EPCISDocument","epcisBody":{"eventList":[]}}`, 400, "ValidationException", "BAD_USER_INPUT"},
		{"media type", "POST", "/api/v2/epcis/capture", d.keys.MAHOperator, map[string]string{"Content-Type": "text/csv"}, "a,b", 415, "UnsupportedMediaTypeException", "BAD_USER_INPUT"},
		{"error behaviour", "POST", "/api/v2/epcis/capture", d.keys.MAHOperator, map[string]string{"Content-Type": "application/ld+json", "GS1-Capture-Error-Behaviour": "proceed"}, "{}", 400, "ValidationException", "BAD_USER_INPUT"},
		{"unknown capture", "GET", "/api/v2/epcis/capture/999999", d.keys.MAHViewer, nil, "", 404, "NoSuchResourceException", "NOT_FOUND"},
	} {
		status, _, body := d.epcisCall(t, c.method, c.path, c.key, c.header, c.body)
		var v map[string]any
		json.Unmarshal([]byte(body), &v)
		if status != c.status || errCode(v) != c.code || !strings.Contains(body, c.exception) {
			t.Errorf("%s: %d %s; want %d %s %s", c.name, status, body, c.status, c.exception, c.code)
		}
	}
	// A document over the capture limit is refused whole.
	var b strings.Builder
	b.WriteString(`{"type":"EPCISDocument","epcisBody":{"eventList":[`)
	for i := 0; i <= 10_000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{}`)
	}
	b.WriteString(`]}}`)
	status, _, body := d.epcisCall(t, "POST", "/api/v2/epcis/capture", d.keys.MAHOperator, map[string]string{"Content-Type": "application/ld+json"}, b.String())
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, "CaptureLimitExceededException") {
		t.Errorf("over the capture limit: %d %s", status, body)
	}
}

// The CMO sees only the events of the serials assigned to it; the MAH sees
// the CMO's too; another tenant's capture job answers as an unknown one.
func TestEPCISTenantScope(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var cmoID int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Contract Manufacturing'`).Scan(&cmoID)
	cmoOperator, err := d.db.CreateKey(context.Background(), cmoID, pool.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	mahSerial := d.requested(t, d.keys.MAHOperator, amoxicillin, 1)[0]
	cmoSerial := d.requested(t, cmoOperator, amoxicillin, 1)[0] // of what the MAH assigned it
	dl := func(serial string) string { return gs1.DigitalLink(amoxicillin, serial) }
	t0 := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	commission := func(serial string) string {
		return epcisBuilt(t, map[string]any{"type": "ObjectEvent", "eventTime": millis(t0), "offset": "+02:00", "epcs": []string{dl(serial)},
			"action": "ADD", "bizStep": "commissioning", "disposition": "active", "lot": "CMO-1", "expiry": "2027-06-30"})
	}
	if job := d.capture(t, d.keys.MAHOperator, "application/ld+json", commission(mahSerial)); !job.Success {
		t.Fatalf("MAH capture: %+v", job)
	}
	status, h, body := d.epcisCall(t, "POST", "/api/v2/epcis/capture", cmoOperator, map[string]string{"Content-Type": "application/ld+json"}, commission(cmoSerial))
	if status != http.StatusAccepted {
		t.Fatalf("CMO capture: %d %s", status, body)
	}
	cmoJob := h.Get("Location")
	serials := func(key string) []string {
		events, doc, _ := d.epcisEvents(t, key, "perPage=1000")
		assertValidEPCIS(t, doc)
		var out []string
		for _, e := range events {
			out = append(out, e.EPCs[0].Serial)
		}
		return out
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		_, _, body := d.epcisCall(t, "GET", cmoJob, cmoOperator, nil, "")
		if strings.Contains(body, `"success":true`) {
			break
		}
		if time.Now().After(deadline) || strings.Contains(body, `"state":"failed"`) {
			t.Fatalf("CMO capture job: %s", body)
		}
	}
	if got := serials(d.keys.MAHViewer); !slices.Contains(got, mahSerial) || !slices.Contains(got, cmoSerial) {
		t.Errorf("the MAH sees %v; want its own %s and its CMO's %s", got, mahSerial, cmoSerial)
	}
	if got := serials(d.keys.CMOAdmin); !slices.Equal(got, []string{cmoSerial}) {
		t.Errorf("the CMO sees %v; want only %s", got, cmoSerial)
	}
	status, _, body = d.epcisCall(t, "GET", "/api/v2/epcis/epcs/"+url.PathEscape(dl(mahSerial))+"/events", d.keys.CMOAdmin, nil, "")
	_, _, unknown := d.epcisCall(t, "GET", "/api/v2/epcis/epcs/"+url.PathEscape(dl("NEVER-SEEN"))+"/events", d.keys.CMOAdmin, nil, "")
	if status != http.StatusNotFound || strings.ReplaceAll(body, dl(mahSerial), "") != strings.ReplaceAll(unknown, dl("NEVER-SEEN"), "") {
		t.Errorf("the MAH's own EPC, to the CMO: %d %s; an unknown one: %s", status, body, unknown)
	}
	// The MAH's poll of the CMO's job: as for no job at all.
	status, _, body = d.epcisCall(t, "GET", cmoJob, d.keys.MAHViewer, nil, "")
	_, _, none := d.epcisCall(t, "GET", "/api/v2/epcis/capture/999999999", d.keys.MAHViewer, nil, "")
	if status != http.StatusNotFound || strings.ReplaceAll(body, strings.TrimPrefix(cmoJob, "/api/v2/epcis/capture/"), "N") != strings.ReplaceAll(none, "999999999", "N") {
		t.Errorf("another tenant's capture job: %d %s; no job: %s", status, body, none)
	}
}
