package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
)

const attpPush = "/api/v2/products/" + attpProduct + "/serials"

// Availability and output safety of the HTTP transport (issue 12): a tenant's
// stalled uploads cost the others nothing, failed authentication is limited per
// address, nothing is readable cross-origin unless configured, CSV exports
// cannot carry formulas, and JSON answers are JSON.

// stalledUpload sends a chunked push of one row, then nothing; the answer is
// read from the connection when it comes.
type stalledUpload struct {
	conn net.Conn
	r    *bufio.Reader
}

func (d *demo) stall(t *testing.T, key, channel, path, row string) *stalledUpload {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(d.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	chunk := row + "\n"
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: serialpool\r\nAuthorization: Bearer %s\r\n"+
		"X-Channel-Key: %s\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", path, key, channel, len(chunk), chunk)
	return &stalledUpload{conn: conn, r: bufio.NewReader(conn)}
}

// answer waits up to wait for the server's answer to the stalled upload.
func (s *stalledUpload) answer(t *testing.T, wait time.Duration) (*http.Response, map[string]any) {
	t.Helper()
	s.conn.SetReadDeadline(time.Now().Add(wait))
	res, err := http.ReadResponse(s.r, nil)
	if err != nil {
		t.Fatalf("no answer to a stalled upload within %s: %v", wait, err)
	}
	defer res.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatalf("%s: body is not JSON: %v", res.Status, err)
	}
	return res, v
}

// waitForUploads waits until want transactions are open in the demo's
// database: uploads that hold a connection (one in COPY waiting for its data,
// the others of the product waiting for its lock).
func (d *demo) waitForUploads(t *testing.T, want int) {
	t.Helper()
	conn := d.conn(t)
	defer conn.Close(context.Background())
	var n, copying int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		// And each of them in its COPY or waiting for the lock, so that it has
		// sent every statement it sends before its data arrives.
		err := conn.QueryRow(context.Background(), `SELECT count(*), count(*) FILTER (WHERE query ILIKE 'copy %' OR wait_event_type = 'Lock') FROM pg_stat_activity
			WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()`).Scan(&n, &copying)
		if err != nil {
			t.Fatal(err)
		}
		if n == want && copying == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d uploads hold a connection, want %d", n, want)
		}
	}
}

// readLatencies times n GraphQL product reads of key, one after another, and
// returns their median and 99th percentile.
func (d *demo) readLatencies(t *testing.T, key string, n int) (p50, p99 time.Duration) {
	t.Helper()
	took := make([]time.Duration, n)
	for i := range took {
		start := time.Now()
		var v struct{ Products struct{ TotalCount int } }
		d.gql(t, key, `{ products(first: 20) { totalCount edges { node { code name pool { available assigned } } } } }`, nil).ok(t, &v)
		took[i] = time.Since(start)
		if v.Products.TotalCount == 0 {
			t.Fatal("the reader sees no products")
		}
	}
	slices.Sort(took)
	return took[n/2], took[(n*99+99)/100-1]
}

// TestStalledUploadsCostOtherTenantsNothing holds 50 stalled pushes of the MAH
// (with no per-tenant cap, to show that the bulk pool alone bounds them) while
// the CMO reads its products: the reads keep their latency. Before the bulk
// pool, 34 such uploads left every other query waiting for a connection.
func TestStalledUploadsCostOtherTenantsNothing(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ch := d.channel(t, "ATTP", "SAP_ATTP")
	d = d.with(t, func(c *config) { c.BulkPerTenant, c.RateLimit, c.BodyIdleTimeout = 1000, 0, time.Minute })

	base50, base99 := d.readLatencies(t, d.keys.CMOAdmin, 50)
	for i := 0; i < 50; i++ {
		d.stall(t, d.keys.MAHOperator, ch, attpPush, fmt.Sprintf("STALL%d", i))
	}
	d.waitForUploads(t, 16) // the bulk pool's size: the other 34 wait for it, not for the main pool
	p50, p99 := d.readLatencies(t, d.keys.CMOAdmin, 50)
	t.Logf("50 product reads of the CMO: p50 %v p99 %v alone; p50 %v p99 %v beside 50 stalled uploads of the MAH",
		base50, base99, p50, p99)
	if bound := max(time.Second, 5*base99); p99 > bound {
		t.Errorf("reads beside stalled uploads: p99 %v, want at most %v", p99, bound)
	}
}

// TestStalledUploadsAreCutAndCapped: a tenant runs at most BulkPerTenant pushes
// at once (the next is refused at once, 429 with Retry-After, before any
// database work), and a push whose body stalls for the idle timeout is cut with
// a coded 408, nothing of it stored.
func TestStalledUploadsAreCutAndCapped(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ch := d.channel(t, "ATTP", "SAP_ATTP")
	// The refusals below must all come before the first held upload is cut,
	// even on a machine busy with the browser suite.
	const idle = 8 * time.Second
	// The auth cache outlasts the test, so a refusal costs no statement at all;
	// nor does the replenisher check pools meanwhile (every 10 s by default).
	d = d.with(t, func(c *config) {
		c.BulkPerTenant, c.RateLimit, c.BodyIdleTimeout, c.AuthCache, c.ReplenishInterval = 4, 0, idle, time.Hour, time.Hour
	})
	batches := func() (n int) {
		d.sql(t, `SELECT count(*) FROM intake_batches b JOIN products p ON p.id = b.product_id WHERE p.code = $1`, attpProduct).Scan(&n)
		return n
	}
	batches0 := batches()
	var held []*stalledUpload
	started := time.Now()
	for i := 0; i < 4; i++ {
		held = append(held, d.stall(t, d.keys.MAHOperator, ch, attpPush, fmt.Sprintf("STALL%d", i)))
	}
	d.waitForUploads(t, 4)
	statements := d.db.Statements()
	for i := 4; i < 12; i++ {
		res, v := d.stall(t, d.keys.MAHOperator, ch, attpPush, fmt.Sprintf("STALL%d", i)).answer(t, time.Until(started.Add(idle)))
		if res.StatusCode != http.StatusTooManyRequests || errCode(v) != "RATE_LIMITED" || res.Header.Get("Retry-After") == "" {
			t.Fatalf("upload %d beside 4 running: %s Retry-After %q %v; want 429 RATE_LIMITED with Retry-After",
				i+1, res.Status, res.Header.Get("Retry-After"), v)
		}
	}
	if n := d.db.Statements() - statements; n != 0 {
		t.Errorf("refused uploads sent %d statements, want none", n)
	}
	// Another tenant pushes meanwhile: the MAH's uploads do not limit it.
	otherID, err := d.db.CreateTenant(context.Background(), "Other Pharma")
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := d.db.CreateKey(context.Background(), otherID, pool.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	otherCode := withCheckDigit("0409999666666")
	d.gql(t, otherKey, `mutation($c: String!) { createProduct(input: {code: $c, codeSchema: GTIN, name: "Other", source: SAP_ATTP}) { code } }`,
		map[string]any{"c": otherCode}).ok(t, new(any))
	if status, v := d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + otherCode + "/serials?source=SAP_ATTP", Key: otherKey, Type: "text/csv", Body: "OTHER1\n"}); status != http.StatusCreated {
		t.Errorf("another tenant's push beside the MAH's 4: %d %v", status, v)
	}

	// The product's lock lets one push of it read at a time: the four are cut
	// one after another, in an order of their own.
	deadline := started.Add(4*idle + 10*time.Second)
	for i, s := range held {
		res, v := s.answer(t, time.Until(deadline))
		ext, _ := v["errors"].([]any)[0].(map[string]any)["extensions"].(map[string]any)
		if res.StatusCode != http.StatusRequestTimeout || errCode(v) != "BAD_USER_INPUT" || ext["field"] != "body" {
			t.Errorf("stalled upload %d: %s %v; want 408 BAD_USER_INPUT on field body", i+1, res.Status, v)
		}
	}
	if took := time.Since(started); took < idle {
		t.Errorf("stalled uploads cut after %v, before the idle timeout of %v", took, idle)
	}
	var stored int
	d.sql(t, `SELECT count(*) FROM serials WHERE value LIKE 'STALL%'`).Scan(&stored)
	if n := batches() - batches0; stored != 0 || n != 0 {
		t.Errorf("stalled uploads stored %d serials in %d batches, want nothing", stored, n)
	}
	d.waitForUploads(t, 0)
	// The slots are free again.
	status, v := d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: ch, Type: "text/csv", Body: "AFTERSTALL\n"})
	if status != http.StatusCreated {
		t.Errorf("a push after the stalled ones: %d %v", status, v)
	}
	d.assertCountersExact(t)
}

// TestFailedAuthenticationIsLimitedPerAddress sends a burst of wrong keys from
// one address: after the limit the answer is 429 without a database lookup, over
// HTTP and at WebSocket connection_init alike. Only failures are limited: a key
// that authenticated before keeps working from that address; a key not seen
// yet waits, like the wrong ones, until the address's bucket refills.
func TestFailedAuthenticationIsLimitedPerAddress(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d = d.with(t, func(c *config) { c.AuthFailLimit, c.RateLimit = 5, 0 })
	const viewer = `{ viewer { role } }`
	if r := d.gql(t, d.keys.MAHViewer, viewer, nil); r.status != http.StatusOK {
		t.Fatalf("a valid key: %d %+v", r.status, r.Errors)
	}

	statements := d.db.Statements()
	var codes []string
	for i := 0; i < 20; i++ {
		res := d.do(t, req{Method: "GET", Path: "/api/v2/products/" + amoxicillin + "/pool", Key: fmt.Sprintf("sp_wrong%d", i)})
		res.Body.Close()
		codes = append(codes, res.Status)
		if res.StatusCode == http.StatusTooManyRequests && res.Header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
	want := append(slices.Repeat([]string{"401 Unauthorized"}, 5), slices.Repeat([]string{"429 Too Many Requests"}, 15)...)
	if !slices.Equal(codes, want) {
		t.Errorf("20 wrong keys from one address: %v; want 5 refusals, then 429s", codes)
	}
	if n := d.db.Statements() - statements; n != 5 {
		t.Errorf("20 wrong keys cost %d statements; want 5, the lookups before the limit", n)
	}

	statements = d.db.Statements()
	_, err := dialLive(t, d, "sp_wrong_socket", nil)
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4429 { // rate limited, as HTTP's 429
		t.Errorf("connection_init with a wrong key from the limited address: %v; want close 4429", err)
	}
	if n := d.db.Statements() - statements; n != 0 {
		t.Errorf("a refused connection_init cost %d statements, want none", n)
	}

	if r := d.gql(t, d.keys.MAHViewer, viewer, nil); r.status != http.StatusOK {
		t.Errorf("the key that authenticated before: %d %+v; want it to keep working", r.status, r.Errors)
	}
	if r := d.gql(t, d.keys.MAHAdmin, viewer, nil); r.status != http.StatusTooManyRequests || r.code() != "RATE_LIMITED" {
		t.Errorf("a key not seen yet from the limited address: %d %+v; want 429 until the bucket refills", r.status, r.Errors)
	}
}

// TestCrossOrigin: with no origins configured no origin may read anything; with
// origins configured they may call the APIs, and /metrics stays same-origin.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	allowing := d.with(t, func(c *config) { c.CORSOrigins = []string{"https://erp.example"} })
	ask := func(d *demo, method, path, origin string) http.Header {
		t.Helper()
		req, _ := http.NewRequest(method, d.url+path, nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Authorization", "Bearer "+d.keys.MAHViewer)
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header
	}
	paths := []string{"/graphql?query=%7Bviewer%7Brole%7D%7D", "/api/v2/products/" + amoxicillin + "/pool", "/metrics", "/healthz", "/"}
	for _, method := range []string{http.MethodGet, http.MethodOptions} {
		for _, path := range paths {
			for _, origin := range []string{"https://evil.example", "https://erp.example", "null"} {
				if h := ask(d, method, path, origin).Get("Access-Control-Allow-Origin"); h != "" {
					t.Errorf("no origins configured: %s %s from %s: Access-Control-Allow-Origin %q", method, path, origin, h)
				}
			}
			got := ask(allowing, method, path, "https://erp.example").Get("Access-Control-Allow-Origin")
			if api := path != "/metrics" && path != "/healthz" && path != "/"; api != (got == "https://erp.example") {
				t.Errorf("erp.example allowed: %s %s: Access-Control-Allow-Origin %q", method, path, got)
			}
			if h := ask(allowing, method, path, "https://evil.example").Get("Access-Control-Allow-Origin"); h != "" {
				t.Errorf("erp.example allowed: %s %s from evil.example: Access-Control-Allow-Origin %q", method, path, h)
			}
		}
	}
}

// TestExportsNeutraliseFormulas pushes serials that a spreadsheet would run as
// formulas (valid GS1 set-82 values), hands them to an order and to the CMO,
// and reads every export: each CSV cell is neutralised with a leading quote,
// while the NDJSON form of the same route carries the exact values.
func TestExportsNeutraliseFormulas(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	code := withCheckDigit("0401234077777")
	var v struct {
		RequestSerials, AssignSerialsToPartner struct{ ID string }
	}
	d.gql(t, d.keys.MAHAdmin, `mutation($c: String!) { createProduct(input: {code: $c, codeSchema: GTIN, name: "Formula", source: SAP_ATTP}) { code } }`,
		map[string]any{"c": code}).ok(t, &v)
	ch := d.channel(t, "ATTP", "SAP_ATTP")
	push := func(serials ...string) {
		t.Helper()
		var body strings.Builder
		cw := csv.NewWriter(&body)
		for _, s := range serials {
			cw.Write([]string{s})
		}
		cw.Flush()
		if status, v := d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + code + "/serials", Key: d.keys.MAHOperator, Channel: ch, Type: "text/csv", Body: body.String()}); status != 201 {
			t.Fatalf("push %v: %d %v", serials, status, v)
		}
	}
	ordered := []string{`=HYPERLINK("a.b")`, "+1+1", "-2+3"}
	push(ordered...)
	const orderRef = `=HYPERLINK("x","y")`
	d.gql(t, d.keys.MAHOperator, `mutation($c: String!, $r: String!) { requestSerials(input: {productCode: $c, count: 3, orderRef: $r}) { id } }`,
		map[string]any{"c": code, "r": orderRef}).ok(t, &v)
	assigned := []string{"=1+2", "+A", "-B"}
	push(assigned...)
	var cmo string
	var cmoID int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Contract Manufacturing'`).Scan(&cmoID)
	cmo = graph.TenantID(cmoID)
	d.gql(t, d.keys.MAHOperator, `mutation($c: String!, $p: ID!) { assignSerialsToPartner(input: {productCode: $c, partner: $p, count: 3}) { id } }`,
		map[string]any{"c": code, "p": cmo}).ok(t, &v)

	export := func(path, accept string) (string, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", d.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+d.keys.MAHViewer)
		req.Header.Set("Accept", accept)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("GET %s (%s): %s %s", path, accept, res.Status, b)
		}
		return res.Header.Get("Content-Type"), string(b)
	}
	column := func(path, name string) []string {
		t.Helper()
		ctype, body := export(path, "text/csv")
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || !strings.HasPrefix(ctype, "text/csv") {
			t.Fatalf("GET %s: %s %v", path, ctype, err)
		}
		i := slices.Index(records[0], name)
		var cells []string
		for _, r := range records[1:] {
			cells = append(cells, r[i])
		}
		return cells
	}
	lines := func(path string) []map[string]any {
		t.Helper()
		ctype, body := export(path, "application/x-ndjson")
		if ctype != "application/x-ndjson" {
			t.Fatalf("GET %s as NDJSON: Content-Type %q", path, ctype)
		}
		var out []map[string]any
		for dec := json.NewDecoder(strings.NewReader(body)); dec.More(); {
			var m map[string]any
			if err := dec.Decode(&m); err != nil {
				t.Fatalf("GET %s as NDJSON: %v in %s", path, err, body)
			}
			out = append(out, m)
		}
		return out
	}
	quoted := func(values []string) []string {
		var out []string
		for _, s := range values {
			out = append(out, "'"+s)
		}
		return out
	}
	field := func(rows []map[string]any, name string) []string {
		var out []string
		for _, r := range rows {
			s, _ := r[name].(string)
			out = append(out, s)
		}
		return out
	}
	sorted := func(s []string) []string { return slices.Sorted(slices.Values(s)) }

	requestPath := "/api/v2/requests/" + v.RequestSerials.ID + "/serials.csv"
	if got := column(requestPath, "serial"); !slices.Equal(sorted(got), sorted(quoted(ordered))) {
		t.Errorf("request CSV serials = %q, want %q", got, quoted(ordered))
	}
	if got := field(lines(requestPath), "value"); !slices.Equal(sorted(got), sorted(ordered)) {
		t.Errorf("request NDJSON values = %q, want exactly %q", got, ordered)
	}
	partnerPath := "/api/v2/partners/" + cmo + "/serials.csv?productCode=" + code
	if got := column(partnerPath, "serial"); !slices.Equal(sorted(got), sorted(quoted(assigned))) {
		t.Errorf("partner CSV serials = %q, want %q", got, quoted(assigned))
	}
	if got := field(lines(partnerPath), "serial"); !slices.Equal(sorted(got), sorted(assigned)) {
		t.Errorf("partner NDJSON serials = %q, want exactly %q", got, assigned)
	}
	auditPath := "/api/v2/audit.csv?action=serials.request&productCode=" + code
	audit := lines(auditPath)
	if len(audit) != 1 || audit[0]["detail"].(map[string]any)["orderRef"] != orderRef || audit[0]["action"] != "serials.request" {
		t.Errorf("audit NDJSON = %v, want the request with orderRef %q exactly", audit, orderRef)
	}
	if got := column(auditPath, "action"); !slices.Equal(got, []string{"serials.request"}) {
		t.Errorf("audit CSV actions = %q", got)
	}
}

// FuzzRequestAnswer requests a serial with a fuzzed orderRef over REST: the
// streamed answer is always valid JSON, and an accepted orderRef comes back
// exactly as stored (Go's %q once wrote "\a" for U+0007, which JSON lacks).
func FuzzRequestAnswer(f *testing.F) {
	d := newDemo(f)
	d = d.with(f, func(c *config) { c.RateLimit = 0 })
	ctx := context.Background()
	operator, err := d.db.Authenticate(ctx, d.keys.MAHOperator)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := d.db.Generate(pool.WithActor(ctx, operator), pool.Generation{ProductCode: amoxicillin, Count: 20000, Mode: pool.Random}); err != nil {
		f.Fatal(err) // serials enough for the requests of a fuzzing run
	}
	f.Fuzz(func(t *testing.T, orderRef string) {
		body, err := json.Marshal(map[string]any{"count": 1, "orderRef": orderRef})
		if err != nil {
			t.Skip()
		}
		var sent struct{ OrderRef string } // what the server reads: invalid UTF-8 arrives as U+FFFD
		json.Unmarshal(body, &sent)
		res := d.do(t, req{Method: "POST", Path: "/api/v2/products/" + amoxicillin + "/requests", Key: d.keys.MAHOperator, Type: "application/json", Body: string(body)})
		defer res.Body.Close()
		answer, err := io.ReadAll(res.Body)
		if err != nil || !json.Valid(answer) {
			t.Fatalf("orderRef %q: %s, not JSON (%v): %q", orderRef, res.Status, err, answer)
		}
		var got struct {
			RequestID, OrderRef string
			Count               int
			Serials             []pool.SerialInput
		}
		json.Unmarshal(answer, &got)
		switch {
		case res.StatusCode == http.StatusBadRequest: // empty, over 200 bytes, or a NUL: refused, coded
			var e map[string]any
			json.Unmarshal(answer, &e)
			if errCode(e) != "BAD_USER_INPUT" {
				t.Fatalf("orderRef %q: %s %s", orderRef, res.Status, answer)
			}
		case res.StatusCode != http.StatusCreated:
			t.Fatalf("orderRef %q: %s %s", orderRef, res.Status, answer)
		case got.OrderRef != strings.TrimSpace(sent.OrderRef) || got.Count != 1 || len(got.Serials) != 1 || got.RequestID == "":
			t.Fatalf("orderRef %q came back as %q in %s", sent.OrderRef, got.OrderRef, answer)
		}
	})
}
