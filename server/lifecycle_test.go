package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

const amoxicillin = "04012340051006" // SNM, partly assigned to the CMO

// raw performs a request and returns status and body.
func (d *demo) raw(t *testing.T, r req) (int, string) {
	t.Helper()
	res := d.do(t, r)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestLifecycleOverGraphQL(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var req struct {
		RequestSerials struct {
			ID, OrderRef string
			Count        int
			Product      struct{ Code string }
			Serials      struct {
				Edges []struct {
					Node struct{ Value, Status string }
				}
			}
		}
	}
	avail0, assigned0 := d.poolOf(t, amoxicillin)
	d.gql(t, d.keys.MAHOperator, `mutation { requestSerials(input: {productCode: "`+amoxicillin+`", count: 25, orderRef: "PO-1"}) {
		id orderRef count product { code } serials(first: 100) { edges { node { value status } } } } }`, nil).ok(t, &req)
	r := req.RequestSerials
	if r.Count != 25 || r.OrderRef != "PO-1" || len(r.Serials.Edges) != 25 || r.Serials.Edges[0].Node.Status != "ASSIGNED" {
		t.Fatalf("requestSerials = %+v", r)
	}
	if a, s := d.poolOf(t, amoxicillin); a != avail0-25 || s != assigned0+25 {
		t.Errorf("pool after request: %v/%v", a, s)
	}
	// The request is readable later by its id, by its requester only.
	var again struct{ SerialRequest *struct{ Count int } }
	d.gql(t, d.keys.MAHViewer, `query($id: ID!) { serialRequest(id: $id) { count } }`, map[string]any{"id": r.ID}).ok(t, &again)
	if again.SerialRequest == nil || again.SerialRequest.Count != 25 {
		t.Errorf("serialRequest = %+v", again)
	}
	d.gql(t, d.keys.CMOAdmin, `query($id: ID!) { serialRequest(id: $id) { count } }`, map[string]any{"id": r.ID}).ok(t, &again)
	if again.SerialRequest != nil {
		t.Error("the CMO reads the MAH's request")
	}

	// Over the cap and over what is available.
	var limits struct{ UpdateProductLimits struct{ RequestCap int } }
	d.gql(t, d.keys.MAHAdmin, `mutation { updateProductLimits(input: {productCode: "`+amoxicillin+`", requestCap: 1000}, signature: {meaning: PERFORMED, reason: "test"}) { requestCap } }`, nil).ok(t, &limits)
	for _, tc := range []struct {
		count int
		code  string
	}{{1001, "BAD_USER_INPUT"}, {0, "BAD_USER_INPUT"}} {
		resp := d.gql(t, d.keys.MAHOperator, `mutation($n: Int!) { requestSerials(input: {productCode: "`+amoxicillin+`", count: $n, orderRef: "x"}) { id } }`, map[string]any{"n": tc.count})
		if resp.code() != tc.code {
			t.Errorf("request %d: %+v", tc.count, resp.Errors)
		}
	}
	resp := d.gql(t, d.keys.MAHOperator, `mutation { requestSerials(input: {productCode: "04012340051112", count: 1000, orderRef: "x"}) { id } }`, nil)
	if resp.code() != "INSUFFICIENT_SERIALS" || !strings.Contains(resp.Errors[0].Message, "240 are available") {
		t.Errorf("insufficient: %+v", resp.Errors)
	}

	// Release two, commission one, then look it up in the pack history.
	values := []string{r.Serials.Edges[0].Node.Value, r.Serials.Edges[1].Node.Value}
	var rel struct{ ReleaseSerials struct{ Released int } }
	d.gql(t, d.keys.MAHOperator, `mutation($v: [String!]!) { releaseSerials(input: {productCode: "`+amoxicillin+`", serials: $v}, signature: {meaning: PERFORMED, reason: "test"}) { released } }`,
		map[string]any{"v": values}).ok(t, &rel)
	if rel.ReleaseSerials.Released != 2 {
		t.Errorf("released %+v", rel)
	}
	packed := r.Serials.Edges[2].Node.Value
	var rec struct{ RecordPackEvents struct{ Recorded int } }
	d.gql(t, d.keys.MAHOperator, `mutation($s: String!) { recordPackEvents(input: [
		{productCode: "`+amoxicillin+`", serial: $s, event: COMMISSION, lot: "L1", expiry: "291231"},
		{productCode: "`+amoxicillin+`", serial: $s, event: DECOMMISSION, reason: SAMPLED}]) { recorded } }`,
		map[string]any{"s": packed}).ok(t, &rec)
	if rec.RecordPackEvents.Recorded != 2 {
		t.Errorf("recorded %+v", rec)
	}
	var s struct {
		Serial *struct {
			Value, Status, PackStatus string
			DecommissionReason        *string
			DigitalLink               *string
			History                   []struct{ Event, Status, Actor string }
		}
	}
	d.gql(t, d.keys.MAHViewer, `query($s: String!) { serial(productCode: "`+amoxicillin+`", value: $s) {
		value status packStatus decommissionReason digitalLink history { event status actor } } }`, map[string]any{"s": packed}).ok(t, &s)
	if s.Serial == nil || s.Serial.PackStatus != "DECOMMISSIONED" || *s.Serial.DecommissionReason != "SAMPLED" || len(s.Serial.History) != 2 ||
		!strings.Contains(s.Serial.History[0].Actor, "Demo Pharma") || *s.Serial.DigitalLink != "https://id.gs1.org/01/"+amoxicillin+"/21/"+packed {
		t.Errorf("serial = %+v", s.Serial)
	}
	illegal := d.gql(t, d.keys.MAHOperator, `mutation($s: String!) { recordPackEvents(input: [{productCode: "`+amoxicillin+`", serial: $s, event: COMMISSION, lot: "L1", expiry: "291231"}]) { recorded } }`,
		map[string]any{"s": packed})
	if illegal.code() != "BAD_USER_INPUT" || !strings.Contains(illegal.Errors[0].Message, "COMMISSION needs an ACTIVE pack") {
		t.Errorf("illegal transition: %+v", illegal.Errors)
	}

	// Partners and SSCC pools.
	var partners struct {
		Partners []struct {
			Tenant struct{ ID, Name string }
			Role   string
		}
	}
	d.gql(t, d.keys.MAHViewer, `{ partners { tenant { id name } role } }`, nil).ok(t, &partners)
	if len(partners.Partners) != 1 || partners.Partners[0].Role != "CMO" || partners.Partners[0].Tenant.Name != "Demo Contract Manufacturing" {
		t.Fatalf("partners = %+v", partners)
	}
	cmo := partners.Partners[0].Tenant.ID
	var assigned struct {
		AssignSerialsToPartner struct {
			Count   int
			Partner struct{ Name string }
		}
	}
	d.gql(t, d.keys.MAHOperator, `mutation($p: ID!) { assignSerialsToPartner(input: {productCode: "`+amoxicillin+`", partner: $p, count: 100}) { count partner { name } } }`,
		map[string]any{"p": cmo}).ok(t, &assigned)
	if assigned.AssignSerialsToPartner.Count != 100 || assigned.AssignSerialsToPartner.Partner.Name != "Demo Contract Manufacturing" {
		t.Errorf("assign = %+v", assigned)
	}
	var sscc struct {
		CreateSsccPool struct {
			Code, CompanyPrefix string
			ExtensionDigit      int
		}
	}
	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012345", extensionDigit: 1}) { code companyPrefix extensionDigit } }`, nil).ok(t, &sscc)
	var gen struct{ GenerateSerials struct{ Accepted int } }
	d.gql(t, d.keys.MAHOperator, `mutation { generateSerials(input: {productCode: "14012345", count: 50, mode: SEQUENTIAL}) { accepted } }`, nil).ok(t, &gen)
	var pools struct {
		SsccPools []struct {
			Code  string
			Pool  struct{ Available int }
			Ssccs struct {
				Edges []struct{ Node struct{ Value string } }
			}
		}
	}
	d.gql(t, d.keys.MAHViewer, `{ ssccPools { code pool { available } ssccs(first: 2) { edges { node { value } } } } }`, nil).ok(t, &pools)
	if len(pools.SsccPools) != 1 || pools.SsccPools[0].Pool.Available != 50 || pools.SsccPools[0].Ssccs.Edges[0].Node.Value != "140123450000000013" {
		t.Errorf("ssccPools = %+v", pools)
	}
	d.gql(t, d.keys.CMOAdmin, `{ ssccPools { code } }`, nil).ok(t, &pools)
	if len(pools.SsccPools) != 0 {
		t.Error("the CMO sees the MAH's SSCC pools")
	}

	// Every mutation above wrote the audit log.
	for _, action := range []string{"serials.request", "serials.release", "pack.events", "serials.assign_partner",
		"product.limits", "product.create", "serials.generate"} {
		var n int
		d.sql(t, `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n)
		if n == 0 {
			t.Errorf("no audit entry for %s", action)
		}
	}
}

func TestLifecycleOverREST(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	tl := d.channel(t, "SNX", "TRACELINK")

	// A TraceLink line requests serials with its channel key: the crypto data comes along.
	status, body := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/requests", Key: d.keys.MAHOperator, Channel: tl, Type: "application/json", Body: `{"count": 3, "orderRef": "LINE-7"}`})
	var got struct {
		RequestID  string
		Count      int
		SerialsCsv string
		Serials    []struct {
			Value string
			Extra map[string]string
		}
	}
	if err := json.Unmarshal([]byte(body), &got); status != 201 || err != nil || got.Count != 3 || len(got.Serials) != 3 || len(got.Serials[0].Extra["92"]) != 44 {
		t.Fatalf("request: %d %s (%v)", status, body, err)
	}
	// Without a channel key, the same request's CSV has no crypto columns.
	status, body = d.raw(t, req{Method: "GET", Path: got.SerialsCsv, Key: d.keys.MAHViewer})
	records, _ := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || len(records) != 4 || len(records[0]) != 1 || records[1][0] != got.Serials[0].Value {
		t.Errorf("request CSV: %d %q", status, body)
	}
	status, body = d.raw(t, req{Method: "GET", Path: got.SerialsCsv, Key: d.keys.MAHViewer, Channel: tl})
	records, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || len(records) != 4 || strings.Join(records[0], ",") != "serial,91,92" || records[1][2] != got.Serials[0].Extra["92"] {
		t.Errorf("request CSV for the channel: %d %q", status, body)
	}
	if status, _ := d.raw(t, req{Method: "GET", Path: got.SerialsCsv, Key: d.keys.CMOAdmin}); status != 404 {
		t.Errorf("the CMO downloads the MAH's request: %d", status)
	}

	serials := `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["` + got.Serials[0].Value + `", "` + got.Serials[1].Value + `"]}`
	commission := `{"lot": "L1", "expiry": "291231", "serials": ["` + got.Serials[0].Value + `", "` + got.Serials[1].Value + `"]}`
	if status, body := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/commission", Key: d.keys.MAHOperator, Type: "application/json", Body: commission}); status != 200 || !strings.Contains(body, `"recorded":2`) {
		t.Fatalf("commission: %d %s", status, body)
	}
	if status, body := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/decommission", Key: d.keys.MAHOperator, Type: "application/json", Body: `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["` + got.Serials[0].Value + `"], "reason": "DESTROYED"}`}); status != 200 || !strings.Contains(body, `"recorded":1`) {
		t.Fatalf("decommission: %d %s", status, body)
	}
	if status, body := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/decommission", Key: d.keys.MAHOperator, Type: "application/json", Body: `{"serials": ["` + got.Serials[1].Value + `"]}`}); status != 400 || !strings.Contains(body, "reason_required") {
		t.Errorf("decommission without reason: %d %s", status, body)
	}
	// Packs exist now: those two cannot be released; the third can.
	if status, body := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/release", Key: d.keys.MAHOperator, Type: "application/json", Body: serials}); status != 400 || !strings.Contains(body, "has_pack_events") {
		t.Errorf("release of packed serials: %d %s", status, body)
	}
	if status, body := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/release", Key: d.keys.MAHOperator, Type: "application/json", Body: `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["` + got.Serials[2].Value + `"]}`}); status != 200 || !strings.Contains(body, `"released":1`) {
		t.Errorf("release: %d %s", status, body)
	}
	for _, tc := range []struct{ path, body string }{
		{"/api/v2/products/" + tlProduct + "/requests", `{"count": "many"}`},
		{"/api/v2/products/" + tlProduct + "/requests", `{"count": 1, "orderRef": "x", "extra": 1}`},
		{"/api/v2/products/" + tlProduct + "/release", `not json`},
	} {
		if status, _ := d.raw(t, req{Method: "POST", Path: tc.path, Key: d.keys.MAHOperator, Type: "application/json", Body: tc.body}); status != 400 {
			t.Errorf("%s %s: %d", tc.path, tc.body, status)
		}
	}

	// A line retrying a request under its Idempotency-Key gets the same serials
	// back (200, not 201), over REST and GraphQL alike; nothing more is assigned.
	keyed := func(idem string) (int, string) {
		res := d.do(t, req{Method: "POST", Path: "/api/v2/products/" + amoxicillin + "/requests", Key: d.keys.MAHOperator, Idem: idem, Type: "application/json", Body: `{"count": 5, "orderRef": "PO-RETRY"}`})
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	var before int
	d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.status = 'ASSIGNED'`, amoxicillin).Scan(&before)
	firstStatus, first := keyed("retry-1")
	againStatus, again := keyed("retry-1")
	if firstStatus != 201 || againStatus != 200 || first != again {
		t.Errorf("a retried request: %d %s, then %d %s; want 201, then 200 with the same body", firstStatus, first, againStatus, again)
	}
	var viaGraphQL struct{ RequestSerials struct{ ID string } }
	d.gql(t, d.keys.MAHOperator, `mutation { requestSerials(input: {productCode: "`+amoxicillin+`", count: 5, orderRef: "PO-RETRY", idempotencyKey: "retry-1"}) { id } }`, nil).ok(t, &viaGraphQL)
	if !strings.Contains(first, viaGraphQL.RequestSerials.ID) {
		t.Errorf("GraphQL replay gave request %s; REST %s", viaGraphQL.RequestSerials.ID, first)
	}
	var after int
	d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.status = 'ASSIGNED'`, amoxicillin).Scan(&after)
	if after != before+5 {
		t.Errorf("%d serials assigned by three tries under one key; want 5", after-before)
	}
	if r := d.gql(t, d.keys.MAHOperator, `mutation { requestSerials(input: {productCode: "`+amoxicillin+`", count: 6, orderRef: "PO-RETRY", idempotencyKey: "retry-1"}) { id } }`, nil); r.code() != "CONFLICT" {
		t.Errorf("the key with another count: %+v; want CONFLICT", r.Errors)
	}
	// The request is listed once under its order reference; pages follow their cursors.
	type requestPage struct {
		SerialRequests struct {
			Edges []struct {
				Node struct {
					ID      string
					Count   int
					Product struct{ Code string }
				}
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	var byRef requestPage
	d.gql(t, d.keys.MAHViewer, `{ serialRequests(filter: {orderRef: "PO-RETRY"}) { edges { node { id count product { code } } } pageInfo { hasNextPage endCursor } } }`, nil).ok(t, &byRef)
	if e := byRef.SerialRequests.Edges; len(e) != 1 || e[0].Node.ID != viaGraphQL.RequestSerials.ID || e[0].Node.Count != 5 || e[0].Node.Product.Code != amoxicillin {
		t.Errorf("requests of PO-RETRY: %+v", byRef)
	}
	var seen []string
	var cursor *string
	for {
		var page requestPage
		d.gql(t, d.keys.MAHViewer, `query($a: String) { serialRequests(first: 2, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"a": cursor}).ok(t, &page)
		for _, e := range page.SerialRequests.Edges {
			seen = append(seen, e.Node.ID)
		}
		if !page.SerialRequests.PageInfo.HasNextPage {
			break
		}
		cursor = page.SerialRequests.PageInfo.EndCursor
	}
	// The audit trail shows the request once, with its particulars; a viewer may read it.
	var trail struct {
		AuditLog struct {
			Edges []struct {
				Node struct {
					Actor, Action string
					Count         int
					Product       struct{ Code string }
					Detail        []struct{ Key, Value string }
				}
			}
		}
	}
	d.gql(t, d.keys.MAHViewer, `{ auditLog(filter: {action: "serials.request", productCode: "`+amoxicillin+`"}, first: 5) {
		edges { node { actor action count product { code } detail { key value } } } } }`, nil).ok(t, &trail)
	if e := trail.AuditLog.Edges; len(e) != 1 || e[0].Node.Count != 5 || e[0].Node.Product.Code != amoxicillin || !strings.HasPrefix(e[0].Node.Actor, "key:") ||
		fmt.Sprint(e[0].Node.Detail[0]) != "{orderRef PO-RETRY}" || e[0].Node.Detail[1].Key != "request" {
		t.Errorf("audit trail of the requests: %+v", trail)
	}
	// The trail exports as CSV, page after page of the store, newest first.
	d.sql(t, `INSERT INTO audit_log (tenant_id, actor, action, count, detail) SELECT id, 'cli', 'test.bulk', g, jsonb_build_object('n', g)
		FROM tenants, generate_series(1, 1500) g WHERE name = 'Demo Pharma' RETURNING 1`).Scan(new(int))
	status, body = d.raw(t, req{Method: "GET", Path: "/api/v2/audit.csv?action=test.bulk", Key: d.keys.MAHViewer})
	records, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || len(records) != 1501 || strings.Join(records[0], ",") != "at,actor,action,product_code,count,detail,signed_by,signature_meaning,signature_reason,signed_at" ||
		records[1][4] != "1500" || records[1][5] != `{"n":1500}` || records[1500][4] != "1" {
		t.Errorf("audit export: %d, %d lines, first %v", status, len(records), records[:min(2, len(records))])
	}
	status, body = d.raw(t, req{Method: "GET", Path: "/api/v2/audit.csv?action=serials.request&productCode=" + amoxicillin, Key: d.keys.MAHViewer})
	if records, _ = csv.NewReader(strings.NewReader(body)).ReadAll(); status != 200 || len(records) != 2 || records[1][3] != amoxicillin || !strings.Contains(records[1][5], "PO-RETRY") {
		t.Errorf("audit export of the requests: %d %q", status, body)
	}
	// An export failing midway is cut off, not ended as if whole: the oldest of
	// 1,201 entries has a detail the server cannot read, so the second page fails
	// after the first is sent.
	d.sql(t, `INSERT INTO audit_log (tenant_id, actor, action, detail) SELECT id, 'cli', 'test.broken', '[1]' FROM tenants WHERE name = 'Demo Pharma' RETURNING 1`).Scan(new(int))
	d.sql(t, `INSERT INTO audit_log (tenant_id, actor, action, detail) SELECT id, 'cli', 'test.broken', '{}'
		FROM tenants, generate_series(1, 1200) WHERE name = 'Demo Pharma' RETURNING 1`).Scan(new(int))
	res := d.do(t, req{Method: "GET", Path: "/api/v2/audit.csv?action=test.broken", Key: d.keys.MAHViewer})
	cut, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err == nil {
		t.Errorf("an export that failed midway ended cleanly: %d, %d lines", res.StatusCode, strings.Count(string(cut), "\n"))
	}
	if status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/audit.csv?from=yesterday", Key: d.keys.MAHViewer}); status != 400 || !strings.Contains(body, `"field":"from"`) {
		t.Errorf("audit export from yesterday: %d %s", status, body)
	}
	if status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/audit.csv?action=test.bulk", Key: d.keys.CMOAdmin}); status != 200 || strings.Count(body, "\n") != 1 {
		t.Errorf("the CMO exports the MAH's trail: %d %.200s", status, body)
	}

	var total int
	d.sql(t, `SELECT count(*) FROM serial_requests WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'Demo Pharma')`).Scan(&total)
	if len(seen) != total || len(slices.Compact(slices.Clone(seen))) != total || seen[0] != viaGraphQL.RequestSerials.ID {
		t.Errorf("paged through %d requests (newest %s); want all %d, newest first, each once", len(seen), seen[0], total)
	}

	// The partner export lists what was assigned to the CMO: 8,000 + 5,000 + 3,000 in the demo.
	var partners struct {
		Partners []struct{ Tenant struct{ ID string } }
	}
	d.gql(t, d.keys.MAHViewer, `{ partners { tenant { id } } }`, nil).ok(t, &partners)
	cmo := partners.Partners[0].Tenant.ID
	status, body = d.raw(t, req{Method: "GET", Path: "/api/v2/partners/" + cmo + "/serials.csv", Key: d.keys.MAHViewer})
	records, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || len(records) != 16001 || records[0][0] != "product_code" {
		t.Errorf("partner export: %d, %d lines", status, len(records))
	}
	status, body = d.raw(t, req{Method: "GET", Path: "/api/v2/partners/" + cmo + "/serials.csv?productCode=" + amoxicillin, Key: d.keys.MAHViewer})
	records, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != 200 || len(records) != 8001 {
		t.Errorf("partner export of one product: %d, %d lines", status, len(records))
	}
	// The CMO exporting "its partner's" assignments sees nothing of the MAH.
	var mine struct {
		Viewer struct{ Tenant struct{ ID string } }
	}
	d.gql(t, d.keys.MAHViewer, `{ viewer { tenant { id } } }`, nil).ok(t, &mine)
	status, body = d.raw(t, req{Method: "GET", Path: "/api/v2/partners/" + mine.Viewer.Tenant.ID + "/serials.csv", Key: d.keys.CMOAdmin})
	if records, _ = csv.NewReader(strings.NewReader(body)).ReadAll(); status != 200 || len(records) != 1 {
		t.Errorf("CMO export: %d, %d lines", status, len(records))
	}

	// A person uploads a file in the web app, naming the source instead of a channel.
	status, body = d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials?source=SAP_ATTP", Key: d.keys.MAHOperator, Type: "text/csv", Body: "WEB-1\nWEB-2\n"})
	if status != 201 || !strings.Contains(body, `"accepted":2`) {
		t.Errorf("web upload: %d %s", status, body)
	}
	if status, _ := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials?source=SAP_ATTP", Key: d.keys.MAHViewer, Type: "text/csv", Body: "WEB-3\n"}); status != 403 {
		t.Errorf("viewer upload: %d", status)
	}
}
