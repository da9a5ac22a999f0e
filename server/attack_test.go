package main

import (
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/gs1/epcis"
	"github.com/serialpool/serialpool/pool"
)

// tenantThings are what a tenant owns that another must not reach: codes,
// values, ids and keys as the API takes them.
type tenantThings struct {
	name      string
	tenant    string // global id
	product   string // a product only this tenant sees
	serial    string // a serial only this tenant sees, of
	serialOf  string // this product
	request   string // global id of one of its requests
	batch     string // idempotency key of one of its intake batches
	channel   string // channel key
	channelID string // global id of that channel
	apiKey    string // global id of its operator's API key
	ssccPool  string // code of its SSCC pool
	admin     string // keys
	operator  string
	ownCode   string // a product it may push to and request from (its own, or its MAH's for a CMO)
	ownSerial string // a serial it holds of ownCode
}

// Values that exist for nobody, shaped like the real ones.
var missing = tenantThings{tenant: graph.TenantID(999_999_999), product: withCheckDigit("0409999777777"), serial: "NOSUCHSERIAL",
	request: graph.RequestID(999_999_999), batch: "no-such-batch", channel: "spc_" + strings.Repeat("A", 43), ssccPool: "94099997",
	channelID: base64.RawURLEncoding.EncodeToString([]byte("Channel:999999999")), apiKey: graph.APIKeyID(999_999_999)}

func withCheckDigit(body string) string {
	c, err := gs1.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

// TestTenantAttacks has an MAH, its CMO and an unrelated tenant try every query,
// mutation, REST endpoint, export and aggregate on each other's product codes,
// serials, ids, keys and cursors, forged ones included. Nothing of another
// tenant may show, and the answer about another tenant's thing must equal the
// answer about a thing that does not exist. A viewer mutates nothing.
func TestTenantAttacks(t *testing.T) {
	t.Parallel()
	tenantAttacks(t, newDemo(t))
}

// TestTenantAttacksOnReplica runs the same attacks on a deployment with a
// read replica: the GraphQL queries, aggregates and exports among them read a
// hot standby, where row-level security must hold as on the primary.
//
// Not parallel: the attacks' ground-truth queries hold a connection each until
// the test ends, and two suites at once would exhaust the cluster's.
func TestTenantAttacksOnReplica(t *testing.T) {
	d, standby := newDemo(t).onReplica(t)
	u, err := url.Parse(standby)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres" // the counting's own transactions are not the demo database's
	conn, err := pgx.Connect(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Transactions the standby ran in the demo's database (its statistics
	// reach the view when the sessions end or idle).
	served := func() (n int) {
		if err := conn.QueryRow(context.Background(), `SELECT xact_commit + xact_rollback FROM pg_stat_database
			WHERE datname = $1`, name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := served()
	tenantAttacks(t, d)
	d.db.Close()
	for deadline := time.Now().Add(15 * time.Second); served()-before < 100; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the standby ran %d transactions during the attacks: their reads did not go to the replica", served()-before)
		}
		conn.Exec(context.Background(), "SELECT pg_stat_clear_snapshot()")
	}
	t.Logf("the standby ran %d of the attacks' transactions", served()-before)
}

func tenantAttacks(t *testing.T, d *demo) {
	a := &attacks{t: t, d: d}
	mah, cmo, other := a.setup()

	// The CMO sees the MAH's amoxicillin, but only the serials assigned to it;
	// nobody else sees those.
	mahOnShared := &tenantThings{name: "MAH (shared product)", serialOf: amoxicillin}
	d.sql(t, `SELECT s.value FROM serials s JOIN products p ON p.id = s.product_id
		WHERE p.code = $1 AND s.partner_tenant_id IS NULL ORDER BY s.id LIMIT 1`, amoxicillin).Scan(&mahOnShared.serial)
	cmoView := &tenantThings{name: "CMO (its serials)", serialOf: amoxicillin, serial: cmo.ownSerial}

	for _, pair := range []struct {
		attacker, victim *tenantThings
		partners         bool // the victim is the attacker's CMO: its tenant id is fair to use
	}{
		{other, mah, false}, {other, cmo, false}, {other, cmoView, false}, {other, mahOnShared, false},
		{cmo, other, false}, {cmo, mah, false}, {cmo, mahOnShared, false},
		{mah, other, false}, {mah, cmo, true},
	} {
		a.probeAll(pair.attacker, pair.victim, pair.partners)
	}
	for _, attacker := range []*tenantThings{mah, cmo, other} {
		a.forgedIDs(attacker)
		a.forgedCursors(attacker)
		a.listings(attacker)
	}
	a.viewerCannotMutate(mah, cmo, other)
	a.partnerships(mah, cmo, other)
	t.Logf("%d attack cases tried, %d leaks", a.cases, a.leaks)
}

type attacks struct {
	t     *testing.T
	d     *demo
	cases int
	leaks int
}

func (a *attacks) leak(format string, args ...any) {
	a.t.Helper()
	a.leaks++
	a.t.Errorf(format, args...)
}

// setup gives each of the three tenants things of its own to attack.
func (a *attacks) setup() (mah, cmo, other *tenantThings) {
	t, d := a.t, a.d
	ctx := context.Background()
	var mahID, cmoID int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&mahID)
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Contract Manufacturing'`).Scan(&cmoID)
	otherID, err := d.db.CreateTenant(ctx, "Unrelated Pharma")
	if err != nil {
		t.Fatal(err)
	}
	key := func(tenant int64, role pool.Role) string {
		k, err := d.db.CreateKey(ctx, tenant, role)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	mah = &tenantThings{name: "MAH", tenant: graph.TenantID(mahID), admin: d.keys.MAHAdmin, operator: d.keys.MAHOperator,
		batch: "mah-batch", ssccPool: "14012345", ownCode: attpProduct}
	cmo = &tenantThings{name: "CMO", tenant: graph.TenantID(cmoID), admin: d.keys.CMOAdmin, operator: key(cmoID, pool.RoleOperator),
		ownCode: amoxicillin}
	other = &tenantThings{name: "Other", tenant: graph.TenantID(otherID), admin: key(otherID, pool.RoleAdmin), operator: key(otherID, pool.RoleOperator),
		product: withCheckDigit("0409999888888"), batch: "other-batch", ssccPool: "24099999"}
	other.ownCode = other.product
	d.sql(t, `SELECT code FROM products WHERE name LIKE 'Paracetamol%'`).Scan(&mah.product)
	mah.serialOf = mah.product
	d.sql(t, `SELECT s.value FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 ORDER BY s.id LIMIT 1`, mah.product).Scan(&mah.serial)

	var v struct {
		CreateProduct struct{ Code string }
		CreateChannel struct {
			Key     string
			Channel struct{ ID string }
		}
		APIKeys         []struct{ ID, Role string }
		ReceiveSerials  struct{ Accepted int }
		RequestSerials  struct{ ID string }
		CreateSsccPool  struct{ Code string }
		GenerateSerials struct{ Accepted int }
	}
	gql := func(key, query string, vars map[string]any) {
		t.Helper()
		d.gql(t, key, query, vars).ok(t, &v)
	}
	const receive = `mutation($in: ReceiveSerialsInput!) { receiveSerials(input: $in) { accepted } }`
	const request = `mutation($in: RequestSerialsInput!) { requestSerials(input: $in) { id } }`
	const channel = `mutation($in: CreateChannelInput!) { createChannel(input: $in) { key channel { id } } }`
	const sscc = `mutation($p: String!, $e: Int!) { createSsccPool(input: {companyPrefix: $p, extensionDigit: $e}) { code } }`
	const generate = `mutation($c: String!) { generateSerials(input: {productCode: $c, count: 3, mode: SEQUENTIAL}) { accepted } }`

	gql(other.admin, `mutation($c: String!) { createProduct(input: {code: $c, codeSchema: GTIN, name: "Unrelated secret product", source: SAP_ATTP}) { code } }`,
		map[string]any{"c": other.product})
	for _, tt := range []*tenantThings{mah, other} {
		values := []map[string]any{{"value": tt.name + "-S1"}, {"value": tt.name + "-S2"}, {"value": tt.name + "-S3"}}
		gql(tt.operator, receive, map[string]any{"in": map[string]any{"productCode": tt.ownCode, "source": "SAP_ATTP", "serials": values, "idempotencyKey": tt.batch}})
		gql(tt.admin, channel, map[string]any{"in": map[string]any{"name": tt.name + " ATTP", "source": "SAP_ATTP"}})
		tt.channel, tt.channelID = v.CreateChannel.Key, v.CreateChannel.Channel.ID
		gql(tt.admin, sscc, map[string]any{"p": tt.ssccPool[1:], "e": int(tt.ssccPool[0] - '0')})
		gql(tt.operator, generate, map[string]any{"c": tt.ssccPool})
		// A pack event of its own, for the lists of pack events to hold something to leak.
		gql(tt.operator, `mutation($c: String!, $s: String!) { recordPackEvents(input: [{productCode: $c, serial: $s, event: COMMISSION, lot: "L1", expiry: "291231"}]) { recorded } }`,
			map[string]any{"c": tt.ownCode, "s": tt.name + "-P1"})
	}
	other.serial, other.serialOf = "Other-S1", other.product
	gql(cmo.admin, channel, map[string]any{"in": map[string]any{"name": "CMO line", "source": "EXTERNAL"}})
	cmo.channel, cmo.channelID = v.CreateChannel.Key, v.CreateChannel.Channel.ID
	for _, tt := range []*tenantThings{mah, cmo, other} {
		gql(tt.admin, `{ apiKeys { id role } }`, nil)
		for _, k := range v.APIKeys {
			if k.Role == "OPERATOR" {
				tt.apiKey = k.ID
			}
		}
		var req struct {
			RequestSerials struct {
				ID      string
				Serials struct {
					Edges []struct{ Node struct{ Value string } }
				}
			}
		}
		d.gql(t, tt.operator, `mutation($in: RequestSerialsInput!) { requestSerials(input: $in) { id serials { edges { node { value } } } } }`,
			map[string]any{"in": map[string]any{"productCode": tt.ownCode, "count": 2, "orderRef": tt.name + "-PO", "idempotencyKey": tt.name + "-request"}}).ok(t, &req)
		tt.request, tt.ownSerial = req.RequestSerials.ID, req.RequestSerials.Serials.Edges[0].Node.Value
	}
	return mah, cmo, other
}

// answer is a call's status and body with the probed value replaced, so that
// answers about different values compare.
func answer(status int, body, x string) string {
	if x != "" {
		body = strings.ReplaceAll(body, x, "<X>")
	}
	return fmt.Sprintf("%d %s", status, body)
}

// graphQL posts query with the variable $x set to x.
func (a *attacks) graphQL(key, query, x string) string {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"x": x}})
	status, res := a.d.raw(a.t, req{Method: http.MethodPost, Path: "/graphql", Key: key, Type: "application/json", Body: string(body)})
	return answer(status, res, x)
}

// The SOAP requests a line sends, asking for one serial of product {x}.
const (
	soapTraceLinkProbe = `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><t:serialNumbersRequest xmlns:t="urn:tracelink:soap">
<EncodingType>SGTIN</EncodingType><Size>1</Size><ObjectKey><Name>GTIN</Name><Value>{x}</Value></ObjectKey><SyncRequest>true</SyncRequest>
</t:serialNumbersRequest></e:Body></e:Envelope>`
	soapSAPProbe = `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><s:NumberRangeRequestMessage xmlns:s="http://sap.com/xi/AIN">
<EncodingType>SGTIN</EncodingType><Size>1</Size><ObjectKey><Name>GTIN</Name><Value>{x}</Value></ObjectKey><RequestRandomizedNumbers>X</RequestRandomizedNumbers>
</s:NumberRangeRequestMessage></e:Body></e:Envelope>`
)

// soapWith posts envelope, {x} replaced, to a SOAP endpoint as a line with key.
func (a *attacks) soapWith(key, path, envelope string) func(string) string {
	return func(x string) string {
		hr, _ := http.NewRequest(http.MethodPost, a.d.url+path, strings.NewReader(strings.ReplaceAll(envelope, "{x}", x)))
		hr.SetBasicAuth("attacker-line", key)
		hr.Header.Set("Content-Type", "text/xml")
		res, err := http.DefaultClient.Do(hr)
		if err != nil {
			a.t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return answer(res.StatusCode, string(b), x)
	}
}

// rest calls the Manufacturer API with every {x} in r's path and body replaced by x.
func (a *attacks) rest(r req, x string) string {
	r.Path, r.Body = strings.ReplaceAll(r.Path, "{x}", x), strings.ReplaceAll(r.Body, "{x}", x)
	status, res := a.d.raw(a.t, r)
	return answer(status, res, x)
}

// same tries probe on the victim's value and on a missing one: the answers must match.
func (a *attacks) same(what string, probe func(x string) string, victim, absent string) {
	a.t.Helper()
	a.cases++
	if got, want := probe(victim), probe(absent); got != want {
		a.leak("%s: the answer about another tenant's %q differs from the answer about nothing:\n  %s\n  %s", what, victim, got, want)
	}
}

// probes are calls that name one thing, as $x in a GraphQL document or {x} in
// a REST path or body.
type probes map[string]func(x string) string

func (a *attacks) gqlWith(key, query string) func(string) string {
	return func(x string) string { return a.graphQL(key, query, x) }
}

func (a *attacks) restWith(r req) func(string) string {
	return func(x string) string { return a.rest(r, x) }
}

// productProbes are at's calls that name a product code (assigning to
// partner): those that only read, and those that would change something.
func (a *attacks) productProbes(at *tenantThings, partner string) (reads, writes probes) {
	key, op := at.admin, at.operator
	reads = probes{
		"product":         a.gqlWith(key, `query($x: String!) { product(code: $x) { id code name owner { name } pool { available assigned } serials(first: 5) { edges { node { value } } } } }`),
		"products search": a.gqlWith(key, `query($x: String!) { products(filter: {search: $x}) { totalCount edges { node { code } } } }`),
		"auditLog":        a.gqlWith(key, `query($x: String!) { auditLog(filter: {productCode: $x}) { edges { node { id action } } } }`),
		"packEvents":      a.gqlWith(key, `query($x: String!) { packEvents(filter: {productCode: $x}) { edges { node { productCode serial event { event lot } } } } }`),
		"serialRequests":  a.gqlWith(key, `query($x: String!) { serialRequests(filter: {productCode: $x}) { edges { node { id count } } } }`),
		"poolStats":       a.gqlWith(key, `query($x: String!) { poolStats(groupBy: [PRODUCT, STATUS, SOURCE, PARTNER, CODE_SCHEMA], filter: {productCode: $x}) { count product { code } } }`),
		"GET pool":        a.restWith(req{Method: "GET", Path: "/api/v2/products/{x}/pool", Key: op}),
		"partner export":  a.restWith(req{Method: "GET", Path: "/api/v2/partners/" + at.tenant + "/serials.csv?productCode={x}", Key: op}),
		"pack export":     a.restWith(req{Method: "GET", Path: "/api/v2/pack-events.csv?productCode={x}", Key: op}),
	}
	writes = probes{
		"generateSerials":     a.gqlWith(op, `mutation($x: String!) { generateSerials(input: {productCode: $x, count: 1}) { accepted } }`),
		"receiveSerials":      a.gqlWith(op, `mutation($x: String!) { receiveSerials(input: {productCode: $x, source: EXTERNAL, serials: [{value: "ATTACK-1"}]}) { accepted } }`),
		"requestSerials":      a.gqlWith(op, `mutation($x: String!) { requestSerials(input: {productCode: $x, count: 1, orderRef: "ATTACK"}) { id } }`),
		"releaseSerials":      a.gqlWith(op, `mutation($x: String!) { releaseSerials(input: {productCode: $x, serials: ["ATTACK-1"]}, signature: {meaning: PERFORMED, reason: "test"}) { released } }`),
		"assignToPartner":     a.gqlWith(op, `mutation($x: String!) { assignSerialsToPartner(input: {productCode: $x, partner: "`+partner+`", count: 1}) { id } }`),
		"recordPackEvents":    a.gqlWith(op, `mutation($x: String!) { recordPackEvents(input: [{productCode: $x, serial: "ATTACK-1", event: COMMISSION, lot: "L1", expiry: "291231"}]) { recorded } }`),
		"updateProductLimits": a.gqlWith(key, `mutation($x: String!) { updateProductLimits(input: {productCode: $x, requestCap: 5}, signature: {meaning: PERFORMED, reason: "test"}) { requestCap } }`),
		"POST serials":        a.restWith(req{Method: "POST", Path: "/api/v2/products/{x}/serials?source=EXTERNAL", Key: op, Type: "text/csv", Body: "ATTACK-1\n"}),
		"POST requests":       a.restWith(req{Method: "POST", Path: "/api/v2/products/{x}/requests", Key: op, Type: "application/json", Body: `{"count": 1, "orderRef": "ATTACK"}`}),
		"POST release":        a.restWith(req{Method: "POST", Path: "/api/v2/products/{x}/release", Key: op, Type: "application/json", Body: `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["ATTACK-1"]}`}),
		"POST commission":     a.restWith(req{Method: "POST", Path: "/api/v2/products/{x}/commission", Key: op, Type: "application/json", Body: `{"serials": ["ATTACK-1"]}`}),
		"POST decommission":   a.restWith(req{Method: "POST", Path: "/api/v2/products/{x}/decommission", Key: op, Type: "application/json", Body: `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["ATTACK-1"], "reason": "DESTROYED"}`}),
		"SOAP TraceLink":      a.soapWith(op, "/soap/snx/snrequest", soapTraceLinkProbe),
		"SOAP SAP":            a.soapWith(op, "/soap/sap/numberrange", soapSAPProbe),
	}
	return reads, writes
}

// serialProbes are at's calls that name a serial of product code, split as productProbes.
func (a *attacks) serialProbes(at *tenantThings, code string) (reads, writes probes) {
	key, op := at.admin, at.operator
	reads = probes{
		"serial": a.gqlWith(key, `query($x: String!) { serial(productCode: "`+code+`", value: $x) { value status history { event } } }`),
		// The lookup by what is printed on the pack: its product code and serial.
		"pack": func(x string) string {
			return a.graphQL(key, `query($x: String!) { pack(identifier: $x) { value status history { event } } }`, code+" "+x)
		},
	}
	writes = probes{
		"releaseSerials":    a.gqlWith(op, `mutation($x: String!) { releaseSerials(input: {productCode: "`+code+`", serials: [$x]}, signature: {meaning: PERFORMED, reason: "test"}) { released } }`),
		"recordPackEvents":  a.gqlWith(op, `mutation($x: String!) { recordPackEvents(input: [{productCode: "`+code+`", serial: $x, event: COMMISSION, lot: "L1", expiry: "291231"}]) { recorded } }`),
		"POST release":      a.restWith(req{Method: "POST", Path: "/api/v2/products/" + code + "/release", Key: op, Type: "application/json", Body: `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["{x}"]}`}),
		"POST commission":   a.restWith(req{Method: "POST", Path: "/api/v2/products/" + code + "/commission", Key: op, Type: "application/json", Body: `{"serials": ["{x}"], "lot": "L1", "expiry": "291231"}`}),
		"POST decommission": a.restWith(req{Method: "POST", Path: "/api/v2/products/" + code + "/decommission", Key: op, Type: "application/json", Body: `{"serials": ["{x}"], "reason": "SAMPLED"}`}),
	}
	// EPCIS names a pack by its EPC: a Digital Link of a GTIN product's serial.
	if len(code) == 14 {
		epc := func(x string) string { return gs1.DigitalLink(code, x) }
		reads["EPCIS epcs/{epc}/events"] = func(x string) string {
			return withoutCreationDate(a.rest(req{Method: "GET", Path: "/api/v2/epcis/epcs/" + url.PathEscape(epc(x)) + "/events", Key: key}, x))
		}
		reads["EPCIS events?MATCH_epc"] = func(x string) string {
			return withoutCreationDate(a.rest(req{Method: "GET", Path: "/api/v2/epcis/events?MATCH_epc=" + url.QueryEscape(epc(x)), Key: key}, x))
		}
		writes["EPCIS capture"] = func(x string) string { return a.epcisCapture(op, epc(x), x) }
	}
	return reads, writes
}

// withoutCreationDate drops an EPCIS document's creation date, which differs per answer.
func withoutCreationDate(answer string) string {
	return regexp.MustCompile(`"creationDate":"[^"]*"`).ReplaceAllString(answer, "")
}

// epcisCapture captures a commissioning of epc with key and answers with the
// finished job, less its own id and times.
func (a *attacks) epcisCapture(key, epc, x string) string {
	a.t.Helper()
	doc := `{"@context":["` + epcis.Context + `"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[
		{"type":"ObjectEvent","eventTime":"` + time.Now().Add(-time.Second).UTC().Format(time.RFC3339) + `","eventTimeZoneOffset":"+00:00",
		 "epcList":["` + epc + `"],"action":"ADD","bizStep":"commissioning","disposition":"active"}]}}`
	job := a.d.capture(a.t, key, "application/ld+json", doc)
	b, _ := json.Marshal(map[string]any{"state": job.State, "recorded": job.Recorded, "errors": job.Errors})
	return answer(http.StatusOK, string(b), x)
}

// probeAll tries everything the attacker can send that names one of the
// victim's things.
func (a *attacks) probeAll(at, v *tenantThings, partners bool) {
	key, op := at.admin, at.operator
	who := at.name + " on " + v.name + "'s "
	if v.product != "" {
		reads, writes := a.productProbes(at, v.tenant)
		for _, ps := range []probes{reads, writes} {
			for what, probe := range ps {
				a.same(who+"product code: "+what, probe, v.product, missing.product)
			}
		}
		// Registering a taken code must fail: product codes are unique across tenants,
		// as GS1 assigns them to one brand owner. That they are taken is public (they
		// are printed on packs); to whom is not: the answer names nobody.
		a.cases++
		if r := a.d.gql(a.t, key, `mutation($x: String!) { createProduct(input: {code: $x, codeSchema: GTIN, name: "Squat", source: SNM}) { id } }`,
			map[string]any{"x": v.product}); r.code() != "CONFLICT" || strings.Contains(r.Errors[0].Message, "Pharma") {
			a.leak("%screateProduct on a taken code: %+v", who, r.Errors)
		}
	}
	if v.serial != "" {
		reads, writes := a.serialProbes(at, v.serialOf)
		for _, ps := range []probes{reads, writes} {
			for what, probe := range ps {
				a.same(who+"serial: "+what, probe, v.serial, missing.serial)
			}
		}
	}
	if v.request != "" {
		a.same(who+"request: serialRequest", a.gqlWith(key, `query($x: ID!) { serialRequest(id: $x) { id count orderRef serials { edges { node { value } } } } }`),
			v.request, missing.request)
		a.same(who+"request: CSV export", a.restWith(req{Method: "GET", Path: "/api/v2/requests/{x}/serials.csv", Key: key}), v.request, missing.request)
		// The victim's request key is the attacker's to use: never a replay of the victim's request.
		a.cases++
		res := a.d.do(a.t, req{Method: "POST", Path: "/api/v2/products/" + at.ownCode + "/requests", Key: op, Idem: v.name + "-request", Type: "application/json", Body: `{"count": 1, "orderRef": "A"}`})
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK || strings.Contains(string(body), v.request) {
			a.leak("%srequest idempotency key reused: %d %s", who, res.StatusCode, body)
		}
	}
	if v.batch != "" {
		a.same(who+"batch: intakeBatch", a.gqlWith(key, `query($x: String!) { intakeBatch(idempotencyKey: $x) { state rowsRead result { accepted productCode } } }`),
			v.batch, missing.batch)
		a.same(who+"batch: GET intake", a.restWith(req{Method: "GET", Path: "/api/v2/intake/{x}", Key: key}), v.batch, missing.batch)
		// The victim's key is the attacker's to use: a new batch, not a replay of the victim's.
		a.cases++
		status, body := a.d.raw(a.t, req{Method: "POST", Path: "/api/v2/products/" + at.ownCode + "/serials?source=EXTERNAL", Key: op, Type: "text/csv", Body: at.name + "-reuses-" + v.name + "\n"})
		if !(status == http.StatusCreated && strings.Contains(body, `"replayed":false`) && strings.Contains(body, `"accepted":1`)) &&
			!(at.name == "CMO" && status == http.StatusNotFound) { // a CMO owns no product to push to
			a.leak("%sidempotency key reused: %d %s", who, status, body)
		}
	}
	if v.channel != "" {
		for what, probe := range map[string]func(string) string{
			"push": func(x string) string {
				return a.rest(req{Method: "POST", Path: "/api/v2/products/" + at.ownCode + "/serials", Key: op, Channel: x, Type: "text/csv", Body: "ATTACK-2\n"}, x)
			},
			"request": func(x string) string {
				return a.rest(req{Method: "POST", Path: "/api/v2/products/" + at.ownCode + "/requests", Key: op, Channel: x, Type: "application/json", Body: `{"count": 1, "orderRef": "A"}`}, x)
			},
			"extras via CSV": func(x string) string {
				return a.rest(req{Method: "GET", Path: "/api/v2/requests/" + at.request + "/serials.csv", Key: op, Channel: x}, x)
			},
		} {
			a.same(who+"channel key: "+what, probe, v.channel, missing.channel)
		}
	}
	if v.channelID != "" {
		for what, probe := range map[string]func(string) string{
			"rotateChannelKey":      a.gqlWith(key, `mutation($x: ID!) { rotateChannelKey(id: $x) { key channel { id name } } }`),
			"revokeChannel":         a.gqlWith(key, `mutation($x: ID!) { revokeChannel(id: $x) { id name revokedAt } }`),
			"updateChannelUpstream": a.gqlWith(key, `mutation($x: ID!) { updateChannelUpstream(input: {id: $x, upstreamUrl: "https://attacker.example.com/"}) { id name } }`),
		} {
			a.same(who+"channel id: "+what, probe, v.channelID, missing.channelID)
		}
	}
	if v.apiKey != "" {
		a.same(who+"API key id: revokeApiKey", a.gqlWith(key, `mutation($x: ID!) { revokeApiKey(id: $x, signature: {meaning: PERFORMED, reason: "test"}) { id role revokedAt } }`), v.apiKey, missing.apiKey)
	}
	if v.ssccPool != "" {
		for what, probe := range map[string]func(string) string{
			"generate":       a.gqlWith(op, `mutation($x: String!) { generateSerials(input: {productCode: $x, count: 1, mode: SEQUENTIAL}) { accepted } }`),
			"request":        a.gqlWith(op, `mutation($x: String!) { requestSerials(input: {productCode: $x, count: 1, orderRef: "A"}) { id } }`),
			"GET pool":       a.restWith(req{Method: "GET", Path: "/api/v2/products/{x}/pool", Key: op}),
			"serial by code": a.gqlWith(key, `query($x: String!) { serial(productCode: $x, value: "`+v.ssccPool+`00000000013") { value } }`),
		} {
			a.same(who+"SSCC pool: "+what, probe, v.ssccPool, missing.ssccPool)
		}
	}
	if !partners && v.tenant != "" {
		a.same(who+"tenant id: assignSerialsToPartner", a.gqlWith(op, `mutation($x: ID!) { assignSerialsToPartner(input: {productCode: "`+at.ownCode+`", partner: $x, count: 1}) { id } }`),
			v.tenant, missing.tenant)
		a.same(who+"tenant id: partner export", a.restWith(req{Method: "GET", Path: "/api/v2/partners/{x}/serials.csv", Key: op}), v.tenant, missing.tenant)
	}
}

// forgedIDs asks for serial requests by every id there is and by forged ones:
// only the attacker's own are found; anything else answers as a missing one.
func (a *attacks) forgedIDs(at *tenantThings) {
	var last int64
	a.d.sql(a.t, `SELECT max(id) FROM serial_requests`).Scan(&last)
	tenantID, _ := graph.ParseTenantID(at.tenant)
	var ownIDs []int64
	a.d.sql(a.t, `SELECT coalesce(array_agg(id), '{}') FROM serial_requests WHERE tenant_id = $1`, tenantID).Scan(&ownIDs)
	std := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	url := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	var forged []string
	for id := int64(0); id <= last+2; id++ {
		if !slices.Contains(ownIDs, id) {
			forged = append(forged, graph.RequestID(id), std(fmt.Sprintf("SerialRequest:%d", id)), fmt.Sprint(id))
		}
	}
	for _, s := range []string{"SerialRequest:-1", "SerialRequest:1 OR 1=1", "SerialRequest:99999999999999999999", "SerialRequest:",
		"Product:1", "SerialCursor:0", "ProductCursor:", "Tenant:1", "Serial:1", "IntakeBatch:1", "Channel:1", "serialrequest:1"} {
		forged = append(forged, url(s), std(s))
	}
	forged = append(forged, "", "bm9wZQ", "%00", "../1", strings.Repeat("A", 500))
	query := func(x string) string {
		return a.graphQL(at.admin, `query($x: ID!) { serialRequest(id: $x) { id count orderRef product { code } } }`, x)
	}
	csv := func(x string) string {
		return a.rest(req{Method: "GET", Path: "/api/v2/requests/{x}/serials.csv", Key: at.admin}, x)
	}
	for _, f := range forged {
		a.same(at.name+" forged request id "+f+": serialRequest", query, f, missing.request)
		if f != "" && !strings.ContainsAny(f, "/%") {
			a.same(at.name+" forged request id "+f+": CSV export", csv, f, missing.request)
		}
	}
}

// visible is what the attacker may see: product codes (SSCC pools included)
// and, per product, the values of the serials in its view.
func (a *attacks) visible(at *tenantThings) (codes []string, serials map[string][]string) {
	tenantID, _ := graph.ParseTenantID(at.tenant)
	rows, err := a.d.conn(a.t).Query(context.Background(), `SELECT p.code, array_agg(s.value ORDER BY s.id)
		FROM products p JOIN serials s ON s.product_id = p.id
		WHERE s.tenant_id = $1 OR s.partner_tenant_id = $1 GROUP BY p.code`, tenantID)
	if err != nil {
		a.t.Fatal(err)
	}
	defer rows.Close()
	serials = map[string][]string{}
	for rows.Next() {
		var code string
		var values []string
		if err := rows.Scan(&code, &values); err != nil {
			a.t.Fatal(err)
		}
		codes, serials[code] = append(codes, code), values
	}
	return codes, serials
}

// forgedCursors pages with cursors of every kind, forged: only the attacker's
// view ever comes back.
func (a *attacks) forgedCursors(at *tenantThings) {
	codes, serials := a.visible(at)
	cursor := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	var maxID int64
	a.d.sql(a.t, `SELECT max(id) FROM serials`).Scan(&maxID)
	for _, c := range []string{"ProductCursor:", "ProductCursor:0", "ProductCursor:%", "ProductCursor:' OR ''='", "SerialCursor:0", "Product:1"} {
		a.cases++
		var data productsData
		r := a.d.gql(a.t, at.admin, `query($c: String) { products(first: 1000, after: $c) { edges { node { code owner { name } } } } }`,
			map[string]any{"c": cursor(c)})
		if len(r.Errors) > 0 {
			if r.code() != "BAD_USER_INPUT" {
				a.leak("%s products after %q: %+v", at.name, c, r.Errors)
			}
			continue
		}
		r.ok(a.t, &data)
		for _, e := range data.Products.Edges {
			if !slices.Contains(codes, e.Node.Code) {
				a.leak("%s products after %q lists %s (%s)", at.name, c, e.Node.Code, e.Node.Owner.Name)
			}
		}
	}
	// Requests and audit entries after a forged cursor are still only the attacker's own.
	tenantID, _ := graph.ParseTenantID(at.tenant)
	for _, l := range []struct{ field, cursor, table, kind string }{
		{"serialRequests", "SerialRequestCursor", "serial_requests", "SerialRequest"},
		{"auditLog", "AuditCursor", "audit_log", "AuditEntry"},
	} {
		for _, c := range []string{l.cursor + ":999999999", l.cursor + ":0", "SerialCursor:5", l.cursor + ":1 OR 1=1"} {
			a.cases++
			var data map[string]struct {
				Edges []struct{ Node struct{ ID string } }
			}
			r := a.d.gql(a.t, at.admin, `query($c: String) { `+l.field+`(first: 1000, after: $c) { edges { node { id } } } }`, map[string]any{"c": cursor(c)})
			if len(r.Errors) > 0 {
				if r.code() != "BAD_USER_INPUT" {
					a.leak("%s %s after %q: %+v", at.name, l.field, c, r.Errors)
				}
				continue
			}
			r.ok(a.t, &data)
			for _, e := range data[l.field].Edges {
				raw, _ := base64.RawURLEncoding.DecodeString(e.Node.ID)
				id, _ := strings.CutPrefix(string(raw), l.kind+":")
				var owner int64
				a.d.sql(a.t, `SELECT tenant_id FROM `+l.table+` WHERE id = $1`, id).Scan(&owner)
				if owner != tenantID {
					a.leak("%s %s after %q lists %s %s of tenant %d", at.name, l.field, c, l.kind, id, owner)
				}
			}
		}
	}
	// Pack events after a forged cursor (any time, any id) are still only the attacker's view.
	for _, c := range []string{"PackEventCursor:9223372036854775807:9223372036854775807", "PackEventCursor:0:0", "PackEventCursor:1:1 OR 1=1", "AuditCursor:5"} {
		a.cases++
		var data struct {
			PackEvents struct {
				Edges []struct {
					Node struct{ ProductCode, Serial string }
				}
			}
		}
		r := a.d.gql(a.t, at.admin, `query($c: String) { packEvents(first: 1000, after: $c) { edges { node { productCode serial } } } }`, map[string]any{"c": cursor(c)})
		if len(r.Errors) > 0 {
			if r.code() != "BAD_USER_INPUT" {
				a.leak("%s packEvents after %q: %+v", at.name, c, r.Errors)
			}
			continue
		}
		r.ok(a.t, &data)
		for _, e := range data.PackEvents.Edges {
			if !slices.Contains(serials[e.Node.ProductCode], e.Node.Serial) {
				a.leak("%s packEvents after %q lists %s %s", at.name, c, e.Node.ProductCode, e.Node.Serial)
			}
		}
	}
	for _, code := range []string{at.ownCode, amoxicillin} {
		for _, c := range []string{"SerialCursor:0", "SerialCursor:-1", fmt.Sprintf("SerialCursor:%d", maxID/2)} {
			a.cases++
			var data struct{ Product *product }
			r := a.d.gql(a.t, at.admin, `query($code: String!, $c: String) { product(code: $code) { serials(first: 1000, after: $c) { edges { node { value } } } } }`,
				map[string]any{"code": code, "c": cursor(c)})
			if r.code() == "BAD_USER_INPUT" {
				continue // a negative id is no cursor
			}
			if r.ok(a.t, &data); data.Product == nil {
				continue // not visible at all: nothing to page
			}
			for _, e := range data.Product.Serials.Edges {
				if !slices.Contains(serials[code], e.Node.Value) {
					a.leak("%s serials of %s after %q include %s, not in its view", at.name, code, c, e.Node.Value)
				}
			}
		}
	}
	a.cases++
	var data struct {
		SerialRequest *struct {
			Serials struct {
				Edges []struct{ Node struct{ Value string } }
			}
		}
	}
	a.d.gql(a.t, at.admin, `query($id: ID!, $c: String) { serialRequest(id: $id) { serials(first: 1000, after: $c) { edges { node { value } } } } }`,
		map[string]any{"id": at.request, "c": cursor("SerialCursor:0")}).ok(a.t, &data)
	if data.SerialRequest == nil || len(data.SerialRequest.Serials.Edges) != 2 {
		a.leak("%s own request paged from a forged cursor: %+v", at.name, data.SerialRequest)
	}
}

// listings read everything that lists without arguments: only the attacker's
// products, partners, channels, pools and activity may appear.
func (a *attacks) listings(at *tenantThings) {
	codes, _ := a.visible(at)
	tenantID, _ := graph.ParseTenantID(at.tenant)
	var names []string
	a.d.sql(a.t, `SELECT array_agg(name) FROM tenants WHERE id = $1 OR id IN (
		SELECT mah_tenant_id FROM partnerships WHERE cmo_tenant_id = $1 UNION SELECT cmo_tenant_id FROM partnerships WHERE mah_tenant_id = $1)`,
		tenantID).Scan(&names)
	var channels []string
	a.d.sql(a.t, `SELECT coalesce(array_agg(name), '{}') FROM channels WHERE tenant_id = $1`, tenantID).Scan(&channels)
	var data struct {
		Viewer   struct{ Tenant struct{ Name string } }
		Products struct {
			Edges []struct {
				Node struct {
					Code  string
					Owner struct{ Name string }
				}
			}
		}
		Channels  []struct{ Name string }
		APIKeys   []struct{ ID string }
		Partners  []struct{ Tenant struct{ Name string } }
		SsccPools []struct{ Code string }
		PoolStats []struct {
			Product *struct{ Code string }
			Partner *struct{ Name string }
		}
		PoolActivity   []struct{ Product *struct{ Code string } }
		SerialRequests struct {
			Edges []struct {
				Node struct {
					ID      string
					Product struct{ Code string }
					Partner *struct{ Name string }
				}
			}
		}
		AuditLog struct {
			Edges []struct {
				Node struct {
					Product *struct{ Code string }
					Detail  []struct {
						Key  string
						Text *string
					}
				}
			}
		}
		PackEvents struct {
			Edges []struct {
				Node struct{ ProductCode, Serial string }
			}
		}
	}
	var requests []string
	a.d.sql(a.t, `SELECT coalesce(array_agg(id::text), '{}') FROM serial_requests WHERE tenant_id = $1`, tenantID).Scan(&requests)
	for i, id := range requests {
		n, _ := strconv.ParseInt(id, 10, 64)
		requests[i] = graph.RequestID(n)
	}
	// Activity over the years around now, where the setup's activity lies.
	a.d.gql(a.t, at.admin, `{ viewer { tenant { name } } products(first: 1000) { edges { node { code owner { name } } } }
		channels { name } apiKeys { id } partners { tenant { name } } ssccPools { code }
		serialRequests(first: 1000) { edges { node { id product { code } partner { name } } } }
		auditLog(first: 1000) { edges { node { product { code } detail { key text } } } }
		packEvents(first: 1000) { edges { node { productCode serial } } }
		poolStats(groupBy: [PRODUCT, PARTNER]) { product { code } partner { name } }
		poolActivity(from: "2020-01-01T00:00:00Z", to: "2035-01-01T00:00:00Z", interval: WEEK, groupBy: [PRODUCT]) { product { code } } }`, nil).ok(a.t, &data)
	check := func(what, value string, allowed []string) {
		a.cases++
		if !slices.Contains(allowed, value) {
			a.leak("%s sees %s %q", at.name, what, value)
		}
	}
	check("itself as", data.Viewer.Tenant.Name, names)
	for _, e := range data.Products.Edges {
		check("product", e.Node.Code, codes)
		check("owner", e.Node.Owner.Name, names)
	}
	for _, c := range data.Channels {
		check("channel", c.Name, channels)
	}
	for _, p := range data.Partners {
		check("partner", p.Tenant.Name, names)
	}
	var ownKeys []string
	a.d.sql(a.t, `SELECT coalesce(array_agg(id::text), '{}') FROM api_keys WHERE tenant_id = $1`, tenantID).Scan(&ownKeys)
	for i, id := range ownKeys {
		n, _ := strconv.ParseInt(id, 10, 64)
		ownKeys[i] = graph.APIKeyID(n)
	}
	for _, k := range data.APIKeys {
		check("API key", k.ID, ownKeys)
	}
	for _, p := range data.SsccPools {
		check("SSCC pool", p.Code, codes)
	}
	for _, r := range data.PoolStats {
		if r.Product != nil {
			check("poolStats product", r.Product.Code, codes)
		}
		if r.Partner != nil {
			check("poolStats partner", r.Partner.Name, names)
		}
	}
	for _, r := range data.PoolActivity {
		if r.Product != nil {
			check("poolActivity product", r.Product.Code, codes)
		}
	}
	for _, e := range data.AuditLog.Edges {
		if e.Node.Product != nil {
			check("audited product", e.Node.Product.Code, codes)
		}
		// The names audit details give their ids: a tenant's only if it is the attacker or its partner.
		for _, d := range e.Node.Detail {
			if d.Text != nil && (d.Key == "partner" || d.Key == "cmo" || d.Key == "mah") {
				check("audited "+d.Key, *d.Text, names)
			}
		}
	}
	_, visibleSerials := a.visible(at)
	for _, e := range data.PackEvents.Edges {
		check("pack event product", e.Node.ProductCode, codes)
		check("pack event serial", e.Node.Serial, visibleSerials[e.Node.ProductCode])
	}
	for _, e := range data.SerialRequests.Edges {
		check("request", e.Node.ID, requests)
		check("request product", e.Node.Product.Code, codes)
		if e.Node.Partner != nil {
			check("request partner", e.Node.Partner.Name, names)
		}
	}
	// The audit export names only products the attacker sees.
	a.cases++
	status, body := a.d.raw(a.t, req{Method: "GET", Path: "/api/v2/audit.csv", Key: at.admin})
	records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil || len(records) < 2 {
		a.leak("%s audit export: %d %v %.200s", at.name, status, err, body)
	}
	for _, rec := range records[1:] {
		if rec[3] != "" {
			check("audit export product", rec[3], codes)
		}
	}
	// The pack-event export names only products the attacker sees.
	a.cases++
	status, body = a.d.raw(a.t, req{Method: "GET", Path: "/api/v2/pack-events.csv", Key: at.admin})
	records, err = csv.NewReader(strings.NewReader(body)).ReadAll()
	if status != http.StatusOK || err != nil || len(records) < 1 {
		a.leak("%s pack-event export: %d %v %.200s", at.name, status, err, body)
	}
	for _, rec := range records[min(1, len(records)):] {
		check("pack-event export product", rec[0], codes)
	}
	// Exports: what the attacker assigned to each tenant, which is nothing unless it is their MAH.
	for _, partner := range []string{"1", "2", "3", "4", "5"} {
		a.cases++
		status, body := a.d.raw(a.t, req{Method: "GET", Path: "/api/v2/partners/" + partner + "/serials.csv", Key: at.admin})
		for _, line := range strings.Split(strings.TrimSpace(body), "\n")[1:] {
			if code, _, _ := strings.Cut(line, ","); !slices.Contains(codes, code) || status != http.StatusOK {
				a.leak("%s exports a serial of %s assigned to tenant %s: %d %s", at.name, code, partner, status, line)
				break
			}
		}
	}
}

// viewerCannotMutate sends every mutation and every REST push, request, release
// and pack event, with valid input, as the MAH's viewer (and the admin-only
// ones as its operator): all are refused with FORBIDDEN and nothing changes.
func (a *attacks) viewerCannotMutate(mah, cmo, other *tenantThings) {
	t, d := a.t, a.d
	snapshot := func() string {
		var s string
		d.sql(t, `SELECT concat_ws(' ', (SELECT count(*) FROM products), (SELECT sum(request_cap) FROM products),
			(SELECT count(*) FROM serials), (SELECT count(*) FROM serials WHERE status = 'ASSIGNED'), (SELECT count(*) FROM serial_requests),
			(SELECT count(*) FROM channels), (SELECT count(*) FROM partnerships), (SELECT count(*) FROM partnerships WHERE ended_at IS NOT NULL),
			(SELECT count(*) FROM partner_invitations), (SELECT count(*) FROM intake_batches),
			(SELECT count(*) FROM pack_events), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL),
			(SELECT string_agg(concat_ws('/', encode(key_hash, 'hex'), revoked_at, upstream_url, upstream_secret), ',' ORDER BY id) FROM channels))`).Scan(&s)
		return s
	}
	var inv struct{ CreatePartnerInvitation struct{ ID, Code string } }
	d.gql(t, other.admin, `mutation { createPartnerInvitation { id code } }`, nil).ok(t, &inv)
	invitation, invitationID := inv.CreatePartnerInvitation.Code, inv.CreatePartnerInvitation.ID
	var partners struct{ Partners []struct{ ID string } }
	d.gql(t, mah.admin, `{ partners { id } }`, nil).ok(t, &partners)
	before := snapshot()
	inputs := map[string]any{
		"createProduct":           map[string]any{"code": withCheckDigit("0409999666666"), "codeSchema": "GTIN", "name": "V", "source": "SNM"},
		"generateSerials":         map[string]any{"productCode": amoxicillin, "count": 1},
		"receiveSerials":          map[string]any{"productCode": attpProduct, "source": "SAP_ATTP", "serials": []any{map[string]any{"value": "V-1"}}},
		"createChannel":           map[string]any{"name": "V", "source": "SAP_ICH"},
		"rotateChannelKey":        mah.channelID,
		"revokeChannel":           mah.channelID,
		"updateChannelUpstream":   map[string]any{"id": mah.channelID, "upstreamUrl": "https://erp.example.com/", "upstreamToken": "V"},
		"revokeApiKey":            mah.apiKey,
		"requestSerials":          map[string]any{"productCode": amoxicillin, "count": 1, "orderRef": "V"},
		"releaseSerials":          map[string]any{"productCode": mah.ownCode, "serials": []string{mah.ownSerial}},
		"createPartnerInvitation": nil,
		"createPartnership":       map[string]any{"invitationCode": invitation},
		"revokePartnerInvitation": invitationID,
		"endPartnership":          partners.Partners[0].ID,
		"assignSerialsToPartner":  map[string]any{"productCode": amoxicillin, "partner": cmo.tenant, "count": 1},
		"recordPackEvents":        []any{map[string]any{"productCode": mah.ownCode, "serial": mah.ownSerial, "event": "COMMISSION", "lot": "L1", "expiry": "291231"}},
		"createSsccPool":          map[string]any{"companyPrefix": "4012346", "extensionDigit": 5},
		"decommissionContainer":   map[string]any{"sscc": "340123450000000017", "reason": "DESTROYED"},
		"updateProductLimits":     map[string]any{"productCode": amoxicillin, "requestCap": 7},
		"inviteUser":              map[string]any{"email": "v@example.com", "name": "V", "role": "ADMIN"},
		"updateUser":              map[string]any{"id": "VXNlcjox", "role": "ADMIN"},
		"updateSsoConfig": map[string]any{"name": "V", "issuerUrl": "https://idp.example.com", "clientId": "V", "roleClaim": "groups",
			"roleValues": []any{map[string]any{"value": "V", "role": "ADMIN"}}},
		"deleteSsoConfig": nil,
	}
	adminOnly := []string{"createProduct", "createChannel", "rotateChannelKey", "revokeChannel", "updateChannelUpstream", "revokeApiKey",
		"createPartnerInvitation", "createPartnership", "revokePartnerInvitation", "endPartnership", "createSsccPool", "updateProductLimits",
		"inviteUser", "updateUser", "updateSsoConfig", "deleteSsoConfig"}
	for _, name := range mutations(t) {
		in, ok := inputs[name]
		if !ok {
			t.Fatalf("no valid input for mutation %s", name)
		}
		keys := []string{d.keys.MAHViewer}
		if slices.Contains(adminOnly, name) {
			keys = append(keys, mah.operator)
		}
		for _, key := range keys {
			a.cases++
			if r := d.gql(t, key, mutationDocs[name], map[string]any{"in": in}); r.code() != "FORBIDDEN" {
				a.leak("%s as %s: %+v, want FORBIDDEN", name, map[bool]string{true: "viewer", false: "operator"}[key == d.keys.MAHViewer], r.Errors)
			}
		}
	}
	for _, c := range []struct{ path, channel, ctype, body string }{
		{"/api/v2/products/" + attpProduct + "/serials?source=SAP_ATTP", "", "text/csv", "V-2\n"},
		{"/api/v2/products/" + attpProduct + "/serials", mah.channel, "text/csv", "V-3\n"},
		{"/api/v2/products/" + amoxicillin + "/requests", "", "application/json", `{"count": 1, "orderRef": "V"}`},
		{"/api/v2/products/" + mah.ownCode + "/release", "", "application/json", `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["` + mah.ownSerial + `"]}`},
		{"/api/v2/products/" + mah.ownCode + "/commission", "", "application/json", `{"serials": ["` + mah.ownSerial + `"], "lot": "L1", "expiry": "291231"}`},
		{"/api/v2/products/" + mah.ownCode + "/decommission", "", "application/json", `{"serials": ["` + mah.ownSerial + `"], "reason": "SAMPLED"}`},
	} {
		a.cases++
		if status, body := d.raw(t, req{Method: "POST", Path: c.path, Key: d.keys.MAHViewer, Channel: c.channel, Type: c.ctype, Body: c.body}); status != http.StatusForbidden || errCode(decodeBody(body)) != "FORBIDDEN" {
			a.leak("POST %s as viewer: %d %s, want 403 FORBIDDEN", c.path, status, body)
		}
	}
	if after := snapshot(); after != before {
		a.leak("refused mutations changed the database: %s, then %s", before, after)
	}
}

func decodeBody(body string) map[string]any {
	var v map[string]any
	json.Unmarshal([]byte(body), &v)
	return v
}

// partnerships has the unrelated tenant's admin try to partner with the CMO:
// by its tenant id where a code belongs, and with a used invitation code of the
// CMO's. Each answer must equal the answer for a thing that does not exist, and
// the unrelated tenant ends with no partner.
func (a *attacks) partnerships(mah, cmo, other *tenantThings) {
	t, d := a.t, a.d
	var inv struct{ CreatePartnerInvitation struct{ Code string } }
	d.gql(t, cmo.admin, `mutation { createPartnerInvitation { code } }`, nil).ok(t, &inv)
	d.gql(t, mah.admin, `mutation($c: String!) { createPartnership(input: {invitationCode: $c}) { role } }`,
		map[string]any{"c": inv.CreatePartnerInvitation.Code}).ok(t, &struct{}{})
	const accept = `mutation($x: String!) { createPartnership(input: {invitationCode: $x}) { role tenant { id name } } }`
	probe := func(x string) string { return a.graphQL(other.admin, accept, x) }
	absent := "spi_" + strings.Repeat("B", 43)
	a.same("Other accepts the CMO's used invitation", probe, inv.CreatePartnerInvitation.Code, absent)
	a.same("Other names the CMO's tenant id as a code", probe, cmo.tenant, missing.tenant)
	// The CMO's open invitation: Other can neither list nor revoke it.
	var open struct{ CreatePartnerInvitation struct{ ID string } }
	d.gql(t, cmo.admin, `mutation { createPartnerInvitation { id } }`, nil).ok(t, &open)
	a.same("Other revokes the CMO's invitation", func(x string) string {
		return a.graphQL(other.admin, `mutation($x: ID!) { revokePartnerInvitation(id: $x) { id expiresAt } }`, x)
	}, open.CreatePartnerInvitation.ID, base64.RawURLEncoding.EncodeToString([]byte("PartnerInvitation:999999999")))
	var listed struct{ PartnerInvitations []struct{ ID string } }
	d.gql(t, other.admin, `{ partnerInvitations { id } }`, nil).ok(t, &listed)
	for _, inv := range listed.PartnerInvitations {
		a.cases++
		if inv.ID == open.CreatePartnerInvitation.ID {
			a.leak("Other lists the CMO's invitation %s", inv.ID)
		}
	}
	var partners struct {
		Partners []struct{ Tenant struct{ Name string } }
	}
	d.gql(t, other.admin, `{ partners { tenant { name } } }`, nil).ok(t, &partners)
	for _, p := range partners.Partners {
		a.cases++
		a.leak("Other sees tenant %q among its partners without its consent", p.Tenant.Name)
	}
}

// TestEndedPartnerAttacks ends the demo's partnership and has the ended CMO try
// everything new on what was its MAH's: requests, releases, pack events and
// assignments on the product it used and on the serials it used, and anything
// on a product it was given but never used and on the serials that went back;
// the MAH assigns to it. Each answer must equal the answer about a thing that
// does not exist. What the CMO used stays readable to both, a retry of a
// request made before the end replays it, and Product.owner answers even when
// the partnership row is deleted by hand.
func TestEndedPartnerAttacks(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	a := &attacks{t: t, d: d}
	mah, cmo, other := a.setup()
	var cmoID int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Contract Manufacturing'`).Scan(&cmoID)

	// A product the CMO is given but never uses, and serials of both products that will go back.
	var neverUsed string
	d.sql(t, `SELECT code FROM products WHERE name LIKE 'Lisinopril%'`).Scan(&neverUsed)
	d.gql(t, mah.operator, `mutation($c: String!, $p: ID!) { assignSerialsToPartner(input: {productCode: $c, partner: $p, count: 10}) { id } }`,
		map[string]any{"c": neverUsed, "p": cmo.tenant}).ok(t, &struct{}{})
	goesBack := func(code string) string {
		var v string
		d.sql(t, `SELECT s.value FROM serials s JOIN products p ON p.id = s.product_id
			WHERE p.code = $1 AND s.partner_status = 'AVAILABLE' AND s.pack_status IS NULL ORDER BY s.id LIMIT 1`, code).Scan(&v)
		return v
	}
	mahOnShared := &tenantThings{name: "MAH (shared product)", serialOf: amoxicillin}
	d.sql(t, `SELECT s.value FROM serials s JOIN products p ON p.id = s.product_id
		WHERE p.code = $1 AND s.partner_tenant_id IS NULL ORDER BY s.id LIMIT 1`, amoxicillin).Scan(&mahOnShared.serial)
	returnedShared := &tenantThings{name: "MAH (returned from the CMO)", serial: goesBack(amoxicillin), serialOf: amoxicillin}
	given := &tenantThings{name: "MAH (given, never used)", tenant: mah.tenant, product: neverUsed, serial: goesBack(neverUsed), serialOf: neverUsed}
	var unused, used int64
	d.sql(t, `SELECT count(*) FILTER (WHERE partner_status = 'AVAILABLE' AND pack_status IS NULL), count(*) FILTER (WHERE partner_status = 'ASSIGNED' OR pack_status IS NOT NULL)
		FROM serials WHERE partner_tenant_id = $1`, cmoID).Scan(&unused, &used)

	var partners struct {
		Partners []struct{ ID string }
	}
	d.gql(t, mah.admin, `{ partners { id } }`, nil).ok(t, &partners)
	id := partners.Partners[0].ID
	a.same("Other ends the MAH's partnership", a.gqlWith(other.admin, `mutation($x: ID!) { endPartnership(id: $x, reason: "hostile", signature: {meaning: PERFORMED, reason: "test"}) { returned } }`),
		id, base64.RawURLEncoding.EncodeToString([]byte("Partnership:999999999")))
	var ended struct {
		EndPartnership struct {
			Returned int64
			Partner  struct {
				ID, EndReason string
				EndedAt       *string
				EndedBy       struct{ Name string }
				Tenant        struct{ Name string }
			}
		}
	}
	d.gql(t, mah.admin, `mutation($id: ID!) { endPartnership(id: $id, reason: "Contract ended", signature: {meaning: PERFORMED, reason: "test"}) {
		returned partner { id endReason endedAt endedBy { name } tenant { name } } } }`, map[string]any{"id": id}).ok(t, &ended)
	if e := ended.EndPartnership; e.Returned != unused || e.Partner.ID != id || e.Partner.EndedAt == nil || e.Partner.EndReason != "Contract ended" ||
		e.Partner.EndedBy.Name != "Demo Pharma" || e.Partner.Tenant.Name != "Demo Contract Manufacturing" {
		t.Fatalf("endPartnership = %+v; want %d returned", e, unused)
	}
	d.assertCountersExact(t)

	// The ended CMO is a stranger for everything new.
	cmoView := &tenantThings{name: "CMO (its serials)", serialOf: amoxicillin, serial: cmo.ownSerial}
	for _, pair := range []struct {
		attacker, victim *tenantThings
		partners         bool
	}{
		{cmo, mah, false}, {cmo, mahOnShared, false}, {cmo, returnedShared, false}, {cmo, given, false}, {cmo, other, false},
		{other, cmo, false}, {other, cmoView, false}, {mah, cmo, true},
	} {
		a.probeAll(pair.attacker, pair.victim, pair.partners)
	}
	_, writes := a.productProbes(cmo, mah.tenant)
	for what, probe := range writes {
		a.same("ended CMO on the product it used: "+what, probe, amoxicillin, missing.product)
	}
	_, writes = a.serialProbes(cmo, amoxicillin)
	for what, probe := range writes {
		a.same("ended CMO on a serial it used: "+what, probe, cmo.ownSerial, missing.serial)
	}
	a.same("MAH assigns to its ended CMO", a.gqlWith(mah.operator,
		`mutation($x: ID!) { assignSerialsToPartner(input: {productCode: "`+amoxicillin+`", partner: $x, count: 1}) { id } }`), cmo.tenant, missing.tenant)
	a.forgedIDs(cmo)
	a.forgedCursors(cmo)
	a.listings(cmo)

	// What the CMO used stays readable to both, and a retry of its request replays it.
	var readable struct {
		Product struct {
			Owner struct{ Name string }
			Pool  struct{ Available, Assigned int }
		}
		Serial   struct{ Status string }
		Partners []struct {
			EndedAt *string
			EndedBy struct{ Name string }
		}
	}
	d.gql(t, cmo.admin, `query($c: String!, $s: String!) { product(code: $c) { owner { name } pool { available assigned } }
		serial(productCode: $c, value: $s) { status } partners { endedAt endedBy { name } } }`,
		map[string]any{"c": amoxicillin, "s": cmo.ownSerial}).ok(t, &readable)
	if readable.Product.Owner.Name != "Demo Pharma" || readable.Product.Pool.Available != 0 || readable.Serial.Status != "ASSIGNED" ||
		len(readable.Partners) != 1 || readable.Partners[0].EndedAt == nil || readable.Partners[0].EndedBy.Name != "Demo Pharma" {
		t.Errorf("the ended CMO's history: %+v", readable)
	}
	var replay struct{ RequestSerials struct{ ID string } }
	d.gql(t, cmo.operator, `mutation($in: RequestSerialsInput!) { requestSerials(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"productCode": amoxicillin, "count": 2, "orderRef": "CMO-PO", "idempotencyKey": "CMO-request"}}).ok(t, &replay)
	if replay.RequestSerials.ID != cmo.request {
		t.Errorf("a retry of the CMO's request made before the end = %s, want %s", replay.RequestSerials.ID, cmo.request)
	}
	if status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/requests/" + cmo.request + "/serials.csv", Key: cmo.admin}); status != http.StatusOK || !strings.Contains(body, cmo.ownSerial) {
		t.Errorf("the CMO's request export after the end: %d %s", status, body)
	}
	status, body := d.raw(t, req{Method: "GET", Path: "/api/v2/partners/" + cmo.tenant + "/serials.csv", Key: mah.admin})
	if lines := strings.Count(strings.TrimSpace(body), "\n"); status != http.StatusOK || int64(lines) != used {
		t.Errorf("the MAH's partner export after the end: %d, %d rows; want the %d the CMO used", status, lines, used)
	}

	// Deleted by hand, as before there was endPartnership: the CMO still moves
	// nothing, and the owner of what it sees still answers.
	if _, err := d.conn(t).Exec(context.Background(), `DELETE FROM partnerships`); err != nil {
		t.Fatal(err)
	}
	var owned struct {
		Products struct {
			Edges []struct {
				Node struct{ Owner struct{ Name string } }
			}
		}
	}
	d.gql(t, cmo.admin, `{ products(first: 100) { edges { node { owner { name } } } } }`, nil).ok(t, &owned)
	if len(owned.Products.Edges) == 0 || owned.Products.Edges[0].Node.Owner.Name != "Demo Pharma" {
		t.Errorf("the CMO's products after the partnership row was deleted: %+v", owned)
	}
	a.same("CMO requests after the partnership row was deleted", a.gqlWith(cmo.operator,
		`mutation($x: String!) { requestSerials(input: {productCode: $x, count: 1, orderRef: "A"}) { id } }`), amoxicillin, missing.product)
	d.assertCountersExact(t)
	t.Logf("%d attack cases tried, %d leaks", a.cases, a.leaks)
}

// TestSessionAttacks probes people's sessions: a session acts in its own
// tenant only, whatever another tenant's ids it names; a session id is no API
// key and an API key no session; a CSRF token works only with its own
// session; and /auth refuses what a cross-site page could send.
func TestSessionAttacks(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	users := demoUsers(t, d)
	mah, _, _ := d.signIn(t, users["mah_admin"].Email, users["mah_admin"].Password, "")
	cmo, _, _ := d.signIn(t, users["cmo_admin"].Email, users["cmo_admin"].Password, "")

	// The CMO's session sees the CMO's users only, and none of the MAH's own products.
	status, r := cmo.gql(t, `{ viewer { tenant { name } } product(code: "`+amoxicillin+`") { pool { available } } apiKeys { id } }`, true)
	if status != 200 || !strings.Contains(string(r.Data), "Demo Contract Manufacturing") || strings.Contains(string(r.Data), "Demo Pharma") {
		t.Errorf("the CMO's session: %d %s %+v", status, r.Data, r.Errors)
	}
	var mahKeys struct{ APIKeys []struct{ ID string } }
	_, mr := mah.gql(t, `{ apiKeys { id } }`, true)
	json.Unmarshal(mr.Data, &mahKeys)
	for _, k := range mahKeys.APIKeys {
		sig := `signature: {password: ` + strconv.Quote(users["cmo_admin"].Password) + `, meaning: PERFORMED, reason: "probe"}`
		if _, r := cmo.gql(t, `mutation { revokeApiKey(id: "`+k.ID+`", `+sig+`) { id } }`, true); r.code() != "NOT_FOUND" {
			t.Errorf("the CMO's session revokes the MAH's key %s: %+v", k.ID, r.Errors)
		}
	}

	// A session id as a bearer key, a key as a session cookie: neither authenticates.
	if r := d.gql(t, mah.cookie.Value, `{ viewer { role } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a session id as an API key: %d", r.status)
	}
	keyCookie := &browser{url: d.url, cookie: &http.Cookie{Name: mah.cookie.Name, Value: d.keys.MAHAdmin}, csrf: csrfToken(d.keys.MAHAdmin)}
	if status, _ := keyCookie.gql(t, `{ viewer { role } }`, true); status != http.StatusUnauthorized {
		t.Errorf("an API key as the session cookie: %d", status)
	}
	// Another session's CSRF token does not do.
	swapped := &browser{url: d.url, cookie: cmo.cookie, csrf: mah.csrf}
	if status, r := swapped.gql(t, `{ viewer { role } }`, true); status != http.StatusForbidden || r.code() != "FORBIDDEN" {
		t.Errorf("the CMO's cookie with the MAH's CSRF token: %d %+v", status, r.Errors)
	}
	// Both an API key and a cookie: the key decides, as for any machine.
	req, _ := http.NewRequest(http.MethodPost, d.url+"/graphql", strings.NewReader(`{"query":"{ viewer { tenant { name } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.keys.CMOAdmin)
	req.AddCookie(mah.cookie)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Demo Contract Manufacturing") {
		t.Errorf("key and cookie together: %d %s", res.StatusCode, body)
	}

	// What a cross-site page can send: a form, a text/plain body. Refused before any check.
	for _, ct := range []string{"application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"} {
		res, err := http.Post(d.url+"/auth/login", ct, strings.NewReader(`{"email":"`+users["mah_admin"].Email+`","password":"`+users["mah_admin"].Password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnsupportedMediaType || len(res.Cookies()) > 0 {
			t.Errorf("sign-in as %s: %d, cookies %v", ct, res.StatusCode, res.Cookies())
		}
	}
	// Oversized and malformed sign-ins get coded 4xx, never a session.
	for _, b := range []string{`{"email": 1}`, `{"email":"a@b.c","password":"` + strings.Repeat("x", 2*pool.MaxPasswordLength) + `"}`, `not json`, `{"email":"a@b.c","extra":1}`} {
		res, err := http.Post(d.url+"/auth/login", "application/json", strings.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode < 400 || res.StatusCode >= 500 || !strings.Contains(string(body), `"code"`) || len(res.Cookies()) > 0 {
			t.Errorf("sign-in with %.40q: %d %s", b, res.StatusCode, body)
		}
	}
	// The address failure limit holds for sign-ins as for keys.
	limited := d.with(t, func(c *config) { c.AuthFailLimit = 3 })
	var last int
	for range 4 {
		_, last, _ = limited.signIn(t, "nobody@example.com", "wrong password!", "")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the 4th failed sign-in from one address with a limit of 3: %d", last)
	}
}
