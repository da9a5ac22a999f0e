package main

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// rowCodes are the codes of a refused batch's rows (extensions.rows).
func (r gqlResponse) rowCodes() []string {
	var out []string
	if len(r.Errors) > 0 {
		rows, _ := r.Errors[0].Extensions["rows"].([]any)
		for _, row := range rows {
			c, _ := row.(map[string]any)["code"].(string)
			out = append(out, c)
		}
	}
	return out
}

// request requests n serials (or SSCCs) of code with key and returns their values.
func (d *demo) request(t *testing.T, key, code string, n int) []string {
	t.Helper()
	var req struct {
		RequestSerials struct {
			Serials struct {
				Edges []struct{ Node struct{ Value string } }
			}
		}
	}
	d.gql(t, key, `mutation($c: String!, $n: Int!) { requestSerials(input: {productCode: $c, count: $n, orderRef: "line 1"}) {
		serials(first: 100) { edges { node { value } } } } }`, map[string]any{"c": code, "n": n}).ok(t, &req)
	var out []string
	for _, e := range req.RequestSerials.Serials.Edges {
		out = append(out, e.Node.Value)
	}
	return out
}

type packHistory struct {
	Serial *struct {
		PackStatus string
		History    []struct {
			Event, At, TimeZoneOffset, Actor string
			Lot, Expiry, Nhrn, Container     *string
		}
	}
}

func (d *demo) history(t *testing.T, code, value string) packHistory {
	t.Helper()
	var h packHistory
	d.gql(t, d.keys.MAHViewer, `query($c: String!, $s: String!) { serial(productCode: $c, value: $s) {
		packStatus history { event at timeZoneOffset actor lot expiry nhrn container } } }`, map[string]any{"c": code, "s": value}).ok(t, &h)
	return h
}

const recordEvents = `mutation($in: [PackEventInput!]!) { recordPackEvents(input: $in, signature: {meaning: PERFORMED, reason: "test"}) { recorded storedExternal } }`

func TestPackEventModelOverGraphQL(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	s := d.request(t, d.keys.MAHOperator, amoxicillin, 4)
	ev := func(serial, event string, more map[string]any) map[string]any {
		e := map[string]any{"productCode": amoxicillin, "serial": serial, "event": event}
		if event == "COMMISSION" { // a commissioning records lot and expiry
			e["lot"], e["expiry"] = "L1", "291231"
		}
		for k, v := range more {
			e[k] = v
		}
		return e
	}
	commissioned := time.Now().Add(-time.Hour).Truncate(time.Second)
	var rec struct{ RecordPackEvents struct{ Recorded int } }
	d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{
		ev(s[0], "COMMISSION", map[string]any{"lot": "L-2028/02", "expiry": "280200", "nhrn": "4150123", "timeZoneOffset": "+01:00",
			"at": commissioned.Format(time.RFC3339)}),
	}}).ok(t, &rec)
	h := d.history(t, amoxicillin, s[0])
	if e := h.Serial.History; len(e) != 1 || *e[0].Lot != "L-2028/02" || *e[0].Expiry != "2028-02-29" || *e[0].Nhrn != "4150123" ||
		e[0].TimeZoneOffset != "+01:00" || !strings.HasSuffix(e[0].At, "+01:00") || e[0].Container != nil {
		t.Errorf("history %+v", h.Serial)
	}

	// Each time rule refused with its code, nothing stored.
	for _, tc := range []struct {
		name  string
		event map[string]any
		code  string
	}{
		{"a destruction dated 2030", ev(s[0], "DECOMMISSION", map[string]any{"reason": "DESTROYED", "at": "2030-01-01T00:00:00Z"}), "event_in_future"},
		{"a commissioning before the serial arrived", ev(s[1], "COMMISSION", map[string]any{"at": "2020-01-01T00:00:00Z"}), "event_before_intake"},
		{"before the latest event", ev(s[0], "DECOMMISSION", map[string]any{"reason": "SAMPLED",
			"at": commissioned.Add(-time.Minute).Format(time.RFC3339)}), "event_out_of_order"},
		{"a lot outside set 82", ev(s[1], "COMMISSION", map[string]any{"lot": "LOT #1"}), "lot_charset"},
		{"a lot on a decommissioning", ev(s[0], "DECOMMISSION", map[string]any{"reason": "SAMPLED", "lot": "L1"}), "lot_not_allowed"},
		{"a time zone", ev(s[1], "COMMISSION", map[string]any{"timeZoneOffset": "CET"}), "tz_offset"},
		{"a commissioning without lot and expiry", ev(s[1], "COMMISSION", map[string]any{"lot": nil, "expiry": nil}), "lot_required"},
	} {
		resp := d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{ev(s[3], "COMMISSION", nil), tc.event}})
		if resp.code() != "BAD_USER_INPUT" || !slices.Equal(resp.rowCodes(), []string{tc.code}) {
			t.Errorf("%s: %+v, want %s", tc.name, resp.Errors, tc.code)
		}
	}
	if resp := d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{ev(s[1], "COMMISSION", map[string]any{"expiry": "281301"})}}); resp.code() != "BAD_USER_INPUT" ||
		resp.Errors[0].Extensions["field"] != "expiry" {
		t.Errorf("month 13: %+v", resp.Errors)
	}
	if h := d.history(t, amoxicillin, s[3]); h.Serial.PackStatus != "ACTIVE" {
		t.Errorf("a refused batch stored its good event: %s", h.Serial.PackStatus)
	}

	// Undo: by the key that decommissioned, within 10 days.
	d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{ev(s[0], "DECOMMISSION", map[string]any{"reason": "LOCKED"})}}).ok(t, &rec)
	if resp := d.gql(t, d.keys.MAHAdmin, recordEvents, map[string]any{"in": []any{ev(s[0], "REACTIVATE", nil)}}); !slices.Equal(resp.rowCodes(), []string{"undo_other_actor"}) {
		t.Errorf("undo by another key: %+v", resp.Errors)
	}
	d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{ev(s[0], "REACTIVATE", nil)}}).ok(t, &rec)
	// The decommissioning and the undo carry the lot of the commissioning.
	if e := d.history(t, amoxicillin, s[0]).Serial.History; len(e) != 3 || e[2].Event != "REACTIVATE" || *e[2].Lot != "L-2028/02" {
		t.Errorf("history after the undo: %+v", e)
	}

	// The audit entry names the product, serial, event, reason and lot.
	var detail []byte
	d.sql(t, `SELECT detail FROM audit_log a JOIN products p ON p.id = a.product_id
		WHERE a.action = 'pack.events' AND p.code = $1 AND a.detail->>'event' = 'DECOMMISSION' ORDER BY a.id LIMIT 1`, amoxicillin).Scan(&detail)
	var entry struct {
		Event, Reason, Lot string
		Serials            []string
	}
	if err := json.Unmarshal(detail, &entry); err != nil || entry.Event != "DECOMMISSION" || entry.Reason != "LOCKED" || entry.Lot != "L-2028/02" ||
		!slices.Equal(entry.Serials, []string{s[0]}) {
		t.Errorf("audit detail %s", detail)
	}

	// The pack-event export: the record with lot, expiry and both times in UTC.
	status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/pack-events.csv?productCode=" + amoxicillin, Key: d.keys.MAHViewer})
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || err != nil || len(records) < 3 || strings.Join(records[0], ",") !=
		"product_code,serial,event,reason,status,event_time_utc,time_zone_offset,recorded_at_utc,actor,lot,expiry,nhrn,container" {
		t.Fatalf("pack-event export: %d %v %q", status, err, body)
	}
	var mine [][]string
	for _, r := range records[1:] {
		if r[1] == s[0] {
			mine = append(mine, r)
		}
	}
	// A cell beginning with + is neutralised against formula injection ('+01:00).
	if len(mine) != 3 || mine[0][2] != "COMMISSION" || mine[0][5] != commissioned.UTC().Format(time.RFC3339Nano) || mine[0][6] != "'+01:00" ||
		mine[1][2] != "DECOMMISSION" || mine[1][3] != "LOCKED" || mine[1][9] != "L-2028/02" || mine[1][10] != "2028-02-29" || mine[1][11] != "4150123" {
		t.Errorf("pack-event export rows of %s: %q", s[0], mine)
	}
	if status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/pack-events.csv?productCode=" + amoxicillin, Key: d.keys.CMOAdmin}); status != 200 || strings.Count(body, "\n") != 1 {
		t.Errorf("the CMO exports the MAH's pack events of serials not assigned to it: %d %q", status, body)
	}
	if status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/pack-events.csv?from=yesterday", Key: d.keys.MAHViewer}); status != 400 || !strings.Contains(body, `"field":"from"`) {
		t.Errorf("a bad from: %d %s", status, body)
	}
}

func TestAggregationOverGraphQL(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var sp struct{ CreateSsccPool struct{ Code string } }
	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012345", extensionDigit: 1}) { code } }`, nil).ok(t, &sp)
	var gen struct{ GenerateSerials struct{ Accepted int } }
	d.gql(t, d.keys.MAHOperator, `mutation { generateSerials(input: {productCode: "14012345", count: 5, mode: SEQUENTIAL}) { accepted } }`, nil).ok(t, &gen)
	boxes := d.request(t, d.keys.MAHOperator, "14012345", 2)
	kase, pallet := boxes[0], boxes[1]
	s := d.request(t, d.keys.MAHOperator, amoxicillin, 3)
	pack := func(code, serial, event, container string) map[string]any {
		return map[string]any{"productCode": code, "serial": serial, "event": event, "container": container}
	}
	var rec struct{ RecordPackEvents struct{ Recorded int } }
	d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{
		map[string]any{"productCode": amoxicillin, "serial": s[0], "event": "COMMISSION", "lot": "L1", "expiry": "291231"},
		map[string]any{"productCode": amoxicillin, "serial": s[1], "event": "COMMISSION", "lot": "L1", "expiry": "291231"},
		pack(amoxicillin, s[0], "PACK", kase), pack(amoxicillin, s[1], "PACK", kase), pack("14012345", kase, "PACK", pallet),
	}}).ok(t, &rec)
	if e := d.history(t, amoxicillin, s[0]).Serial.History; len(e) != 2 || e[1].Event != "PACK" || *e[1].Container != kase {
		t.Errorf("history of a packed pack: %+v", e)
	}
	// The case lists its contents, paged.
	type contents struct {
		Container *struct {
			Sscc     string
			Serial   struct{ PackStatus string }
			Contents struct {
				Edges    []struct{ Node struct{ Value string } }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
	}
	var c contents
	const read = `query($s: String!, $after: String) { container(sscc: $s) { sscc serial { packStatus }
		contents(first: 1, after: $after) { edges { node { value } } pageInfo { hasNextPage endCursor } } } }`
	d.gql(t, d.keys.MAHViewer, read, map[string]any{"s": kase}).ok(t, &c)
	if c.Container == nil || c.Container.Sscc != kase || len(c.Container.Contents.Edges) != 1 || c.Container.Contents.Edges[0].Node.Value != s[0] ||
		!c.Container.Contents.PageInfo.HasNextPage {
		t.Fatalf("the case: %+v", c.Container)
	}
	d.gql(t, d.keys.MAHViewer, read, map[string]any{"s": kase, "after": c.Container.Contents.PageInfo.EndCursor}).ok(t, &c)
	if len(c.Container.Contents.Edges) != 1 || c.Container.Contents.Edges[0].Node.Value != s[1] || c.Container.Contents.PageInfo.HasNextPage {
		t.Errorf("second page: %+v", c.Container.Contents)
	}
	// Refusals name the aggregation rule.
	if resp := d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{pack(amoxicillin, s[2], "PACK", kase)}}); !slices.Equal(resp.rowCodes(), []string{"not_packable"}) {
		t.Errorf("an uncommissioned pack packed: %+v", resp.Errors)
	}
	if resp := d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": []any{pack("14012345", pallet, "PACK", kase)}}); !slices.Equal(resp.rowCodes(), []string{"container_cycle"}) {
		t.Errorf("the pallet into its case: %+v", resp.Errors)
	}
	// Another tenant's container answers as an unknown one.
	d.gql(t, d.keys.CMOAdmin, read, map[string]any{"s": kase}).ok(t, &c)
	if c.Container != nil {
		t.Errorf("the CMO reads the MAH's case: %+v", c.Container)
	}
	const unsigned = `mutation($s: String!) { decommissionContainer(input: {sscc: $s, reason: DESTROYED}) { recorded } }`
	if resp := d.gql(t, d.keys.MAHOperator, unsigned, map[string]any{"s": pallet}); resp.code() != "SIGNATURE_REQUIRED" {
		t.Errorf("destroying a pallet unsigned: %+v, want SIGNATURE_REQUIRED", resp.Errors)
	}
	const decommission = `mutation($s: String!) { decommissionContainer(input: {sscc: $s, reason: DESTROYED}, signature: {meaning: PERFORMED, reason: "water damage"}) { recorded } }`
	if resp := d.gql(t, d.keys.CMOAdmin, decommission, map[string]any{"s": pallet}); resp.code() != "NOT_FOUND" {
		t.Errorf("the CMO decommissions the MAH's pallet: %+v", resp.Errors)
	}
	// The pallet with its contents in one action.
	var dc struct{ DecommissionContainer struct{ Recorded int } }
	d.gql(t, d.keys.MAHOperator, decommission, map[string]any{"s": pallet}).ok(t, &dc)
	if dc.DecommissionContainer.Recorded != 4 {
		t.Errorf("decommissionContainer = %+v, want the pallet, the case and two packs", dc)
	}
	if h := d.history(t, amoxicillin, s[1]); h.Serial.PackStatus != "DECOMMISSIONED" {
		t.Errorf("a pack in the destroyed pallet is %s", h.Serial.PackStatus)
	}
}
