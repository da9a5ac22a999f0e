package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestQueryLimits(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	// A page's cost depends on its variables: the same document is fair or
	// too complex by their values, whatever came before.
	const byVariables = `query ($n: Int) { products(first: 50) { edges { node { serials(first: $n) { edges { node { value } } } } } } }`
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		code        string
	}{
		{"a page of products with their serials", `{ products(first: 50) { edges { node { serials(first: 1000) { edges { node { value } } } } } } }`, nil, "QUERY_TOO_COMPLEX"},
		{"huge first", `{ products(first: 100000) { totalCount } }`, nil, "BAD_USER_INPUT"},
		{"deep nesting", `{ products { edges { node { serials { edges { node { product { serials { edges { node { product { serials { edges { node { value } } } } } } } } } } } } } } }`, nil, "QUERY_TOO_COMPLEX"},
		{"a fair page", `{ products(first: 1000) { totalCount edges { node { code name owner { name } pool { available assigned } } } } }`, nil, ""},
		{"serials by a variable, a few", byVariables, map[string]any{"n": 5}, ""},
		{"serials by a variable, too many", byVariables, map[string]any{"n": 1000}, "QUERY_TOO_COMPLEX"},
		{"serials by a variable, a few again", byVariables, map[string]any{"n": 5}, ""},
	} {
		// Twice: an operation without variables is costed once, then from the cache.
		for _, run := range []string{"first", "again"} {
			r := d.gql(t, d.keys.MAHViewer, tc.query, tc.vars)
			if r.code() != tc.code {
				t.Errorf("%s (%s): errors %+v, want %q", tc.name, run, r.Errors, tc.code)
			}
			if tc.code == "QUERY_TOO_COMPLEX" && r.Data != nil && string(r.Data) != "null" {
				t.Errorf("%s (%s): executed anyway: %s", tc.name, run, r.Data)
			}
		}
	}
}

// TestDeferRefused: the API answers in one response, so an operation using
// @defer, anywhere and in either fragment form, is refused before it runs
// (over POST gqlgen sent the first part only, deferred fields null).
func TestDeferRefused(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	for name, query := range map[string]string{
		"inline fragment": `{ products(first: 1) { edges { node { code ... @defer { name } } } } }`,
		"fragment spread": `query { viewer { role ...T @defer(label: "t") } } fragment T on Viewer { tenant { name } }`,
		"in a fragment":   `query { products(first: 1) { ...P } } fragment P on ProductConnection { edges { node { ... @defer { pool { available } } } } }`,
	} {
		r := d.gql(t, d.keys.MAHViewer, query, nil)
		if r.code() != "BAD_USER_INPUT" || !strings.Contains(r.Errors[0].Message, "@defer") {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT naming @defer", name, r.Errors)
		}
		if r.Data != nil && string(r.Data) != "null" {
			t.Errorf("%s: executed anyway: %s", name, r.Data)
		}
	}
	if r := d.gql(t, d.keys.MAHViewer, `{ products(first: 1) { edges { node { code ... { name } } } } }`, nil); len(r.Errors) > 0 {
		t.Errorf("an inline fragment without @defer: %+v", r.Errors)
	}
}

func TestRateLimitPerKey(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.RateLimit, cfg.RateBurst = 1, 5
	srv := httptest.NewServer(newHandler(cfg, d.db, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	limited := &demo{url: srv.URL, db: d.db, dbURL: d.dbURL, keys: d.keys}
	ok, refused := 0, 0
	for i := 0; i < 8; i++ {
		r := limited.gql(t, d.keys.MAHViewer, `{ viewer { role } }`, nil)
		switch {
		case r.status == 200:
			ok++
		case r.status == 429 && r.code() == "RATE_LIMITED":
			refused++
		default:
			t.Fatalf("status %d %+v", r.status, r.Errors)
		}
	}
	if ok != 5 || refused != 3 {
		t.Errorf("%d answered, %d refused; want a burst of 5 then refusals", ok, refused)
	}
	// Another key has its own bucket.
	if r := limited.gql(t, d.keys.MAHAdmin, `{ viewer { role } }`, nil); r.status != 200 {
		t.Errorf("another key was limited: %d", r.status)
	}
}

// TestPersistedQueriesAndGET sends a query by hash (APQ) and over GET.
func TestPersistedQueriesAndGET(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	query := `{ viewer { tenant { name } } }`
	sum := sha256.Sum256([]byte(query))
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + hex.EncodeToString(sum[:]) + `"}}`
	getAs := func(key string, params url.Values) (int, map[string]any) {
		req, _ := http.NewRequest("GET", d.url+"/graphql?"+params.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var v map[string]any
		json.NewDecoder(res.Body).Decode(&v)
		return res.StatusCode, v
	}
	get := func(params url.Values) (int, map[string]any) { return getAs(d.keys.MAHViewer, params) }
	// Unknown hash: the server asks for the query.
	_, v := get(url.Values{"extensions": {ext}})
	if !strings.Contains(toJSON(v), "PersistedQueryNotFound") {
		t.Fatalf("unknown hash: %v", v)
	}
	// Register it with the full query, then the hash alone works.
	if status, v := get(url.Values{"query": {query}, "extensions": {ext}}); status != 200 || !strings.Contains(toJSON(v), "Demo Pharma") {
		t.Fatalf("register: %d %v", status, v)
	}
	if status, v := get(url.Values{"extensions": {ext}}); status != 200 || !strings.Contains(toJSON(v), "Demo Pharma") {
		t.Errorf("by hash: %d %v", status, v)
	}
	// Persisted documents are kept per tenant: another tenant's hash finds
	// nothing (so none learns what another ran), another key of the tenant's does.
	if _, v := getAs(d.keys.CMOAdmin, url.Values{"extensions": {ext}}); !strings.Contains(toJSON(v), "PERSISTED_QUERY_NOT_FOUND") || v["data"] != nil {
		t.Errorf("another tenant sending the hash: %v", v)
	}
	if status, v := getAs(d.keys.MAHAdmin, url.Values{"extensions": {ext}}); status != 200 || !strings.Contains(toJSON(v), "Demo Pharma") {
		t.Errorf("another key of the tenant sending the hash: %d %v", status, v)
	}
	// A document under a wrong hash is the caller's mistake.
	wrong := strings.Replace(ext, hex.EncodeToString(sum[:1]), "00", 1)
	if _, v := get(url.Values{"query": {`{ viewer { role } }`}, "extensions": {wrong}}); !strings.Contains(toJSON(v), `"code":"BAD_USER_INPUT"`) {
		t.Errorf("a wrong hash: %v", v)
	}
	// GET never mutates.
	if status, v := get(url.Values{"query": {`mutation { requestSerials(input: {productCode: "` + amoxicillin + `", count: 1, orderRef: "x"}) { id } }`}}); status == 200 && v["data"] != nil {
		t.Errorf("a mutation ran over GET: %d %v", status, v)
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestOperationMetrics checks the per-operation metrics and error counts, and
// the operations waiting for a slot.
func TestOperationMetrics(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.gql(t, d.keys.MAHViewer, `{ products { totalCount } }`, nil)
	d.gql(t, d.keys.MAHViewer, `mutation { createProduct(input: {code: "1", codeSchema: GTIN, name: "x", source: SNM}) { id } }`, nil)
	_, body := get(t, d.url+"/metrics")
	for _, want := range []string{
		`serialpool_graphql_operation_duration_seconds_count{operation="query:products"} 1`,
		`serialpool_graphql_errors_total{code="FORBIDDEN",operation="mutation:createProduct"} 1`,
		`serialpool_http_request_duration_seconds_count{code="200",route="graphql"}`,
		"serialpool_graphql_waiting 0", // nothing waits once the operations are answered
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestIntrospectionSwitch(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const q = `{ __schema { queryType { name } } }`
	if r := d.gql(t, d.keys.MAHViewer, q, nil); len(r.Errors) > 0 {
		t.Fatalf("introspection is on by default: %+v", r.Errors)
	}
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Introspection = false
	srv := httptest.NewServer(newHandler(cfg, d.db, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	closed := &demo{url: srv.URL, db: d.db, dbURL: d.dbURL}
	if r := closed.gql(t, d.keys.MAHViewer, q, nil); len(r.Errors) == 0 || r.code() == "" {
		t.Errorf("introspection answered while switched off: %+v", r)
	}
	// Ordinary queries still work.
	if r := closed.gql(t, d.keys.MAHViewer, `{ viewer { role } }`, nil); len(r.Errors) > 0 {
		t.Errorf("viewer: %+v", r.Errors)
	}
}

// TestWideDocumentsRefusedBeforeValidation sends documents whose validation
// would take seconds (it compares a selection set's fields pairwise): each is
// refused with QUERY_TOO_COMPLEX at once, however its fields are spelt, and a
// trailing comment (which defeats the parsed-query cache) changes nothing.
func TestWideDocumentsRefusedBeforeValidation(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	repeat := func(n int, f func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(f(i) + " ")
		}
		return b.String()
	}
	same := "{ products { " + strings.Repeat("totalCount ", 14000) + "} }" // 154 KB, under the token limit
	for _, tc := range []struct{ name, query string }{
		{"one field 14,000 times", same},
		{"with a trailing comment", same + "\n# 1"},
		{"with another trailing comment", same + "\n# 2"},
		{"4,900 aliases", "{ products(first: 1) { " + repeat(4900, func(i int) string { return fmt.Sprintf("a%d: totalCount", i) }) + "} }"},
		{"fragments merged into one set", "fragment F on ProductConnection { " + strings.Repeat("totalCount ", 100) + "} { products { " + strings.Repeat("...F ", 100) + "} }"},
		{"inline fragments", "{ products { " + strings.Repeat("... on ProductConnection { "+strings.Repeat("totalCount ", 50)+"} ", 100) + "} }"},
		{"fragments spread into many sets", "fragment F on Product { " + strings.Repeat("code ", 150) + "} { " +
			repeat(100, func(i int) string { return fmt.Sprintf(`p%d: product(code: "x") { ...F }`, i) }) + "}"},
		{"nested sets, each narrow", "{ " + strings.Repeat("products { edges { node { "+strings.Repeat("code ", 150)+"} } } ", 20) + "}"},
		{"fragments nested in fragments", "fragment A on Product { code name } fragment B on Product { ...A ...A } " +
			"fragment C on Product { ...B ...B } fragment D on Product { ...C ...C } fragment E on Product { ...D ...D } " +
			"fragment F on Product { ...E ...E } fragment G on Product { ...F ...F } fragment H on Product { ...G ...G } " +
			`{ product(code: "x") { ...H ...H ...H ...H } }`},
	} {
		start := time.Now()
		r := d.gql(t, d.keys.MAHViewer, tc.query, nil)
		took := time.Since(start)
		if r.code() != "QUERY_TOO_COMPLEX" || !strings.Contains(r.Errors[0].Message, "the limit") {
			t.Errorf("%s: errors %+v, want QUERY_TOO_COMPLEX naming the limit", tc.name, r.Errors)
		}
		if took > 200*time.Millisecond {
			t.Errorf("%s: refused after %v; want at once", tc.name, took)
		}
		t.Logf("%s (%d bytes): refused in %v", tc.name, len(tc.query), took.Round(time.Microsecond))
	}
	// The costliest document to validate within the limits: 10 sets of 99
	// fields sharing one response name, compared pairwise across the sets.
	start := time.Now()
	worst := d.gql(t, d.keys.MAHViewer, "{ "+strings.Repeat("products { "+strings.Repeat("totalCount ", 99)+"} ", 10)+"}", nil)
	if took := time.Since(start); took > time.Second {
		t.Errorf("the costliest document within the limits took %v (%+v)", took, worst.Errors)
	} else {
		t.Logf("the costliest document within the limits: answered in %v", took.Round(time.Microsecond))
	}
	// A document up to the limits runs.
	var data struct {
		Products struct {
			Edges []struct{ Node map[string]string }
		}
	}
	d.gql(t, d.keys.MAHViewer, "{ products(first: 2) { edges { node { "+repeat(199, func(i int) string { return fmt.Sprintf("c%d: code", i) })+"} } } }", nil).ok(t, &data)
	if len(data.Products.Edges) != 2 || data.Products.Edges[0].Node["c198"] == "" {
		t.Errorf("a document within the limits: %+v", data)
	}
	// The limits are settings.
	narrow := d.with(t, func(c *config) { c.MaxFields, c.MaxSelections = 3, 5 })
	if r := narrow.gql(t, d.keys.MAHViewer, `{ viewer { role tenant { id name } } }`, nil); len(r.Errors) > 0 {
		t.Errorf("5 fields under a limit of 5: %+v", r.Errors)
	}
	if r := narrow.gql(t, d.keys.MAHViewer, `{ viewer { role tenant { id name } } a: viewer { role } }`, nil); r.code() != "QUERY_TOO_COMPLEX" || !strings.Contains(r.Errors[0].Message, "5 fields") {
		t.Errorf("7 fields over a limit of 5: %+v", r.Errors)
	}
	if r := narrow.gql(t, d.keys.MAHViewer, `{ viewer { tenant { id name __typename ...on Tenant { name } } } }`, nil); r.code() != "QUERY_TOO_COMPLEX" || !strings.Contains(r.Errors[0].Message, "3 fields") {
		t.Errorf("4 fields in one set over a limit of 3: %+v", r.Errors)
	}
}

// TestAliasesCannotMultiplyStatements repeats, under aliases, each field that
// runs SQL of its own and each field read through a loader: whatever the
// shape, an accepted operation runs a number of statements bounded by the
// complexity limit (each such field is priced at 100), and loader fields cost
// the same for 199 aliases as for one.
func TestAliasesCannotMultiplyStatements(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const limit = 5000
	small := d.with(t, func(c *config) { c.MaxComplexity = limit })
	var serial string
	d.sql(t, `SELECT s.value FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 ORDER BY s.id LIMIT 1`, amoxicillin).Scan(&serial)
	aliases := func(n int, field string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a%d: %s ", i, field)
		}
		return b.String()
	}
	run := func(query string) (uint64, gqlResponse) {
		before := d.db.Statements()
		r := small.gql(t, d.keys.MAHViewer, query, nil)
		return d.db.Statements() - before, r
	}
	run(`{ viewer { role } }`) // the key's first request also looks it up
	for _, tc := range []struct {
		name  string
		query func(n int) string
		own   bool // runs its own statements, rather than through a loader
	}{
		{"totalCount", func(n int) string { return "{ products(first: 1) { " + aliases(n, "totalCount") + "} }" }, false},
		{"product", func(n int) string { return "{ " + aliases(n, `product(code: "`+amoxicillin+`") { code }`) + "}" }, true},
		{"serials", func(n int) string {
			return `{ product(code: "` + amoxicillin + `") { ` + aliases(n, "serials(first: 1) { edges { cursor } }") + "} }"
		}, true},
		{"history", func(n int) string {
			return `{ serial(productCode: "` + amoxicillin + `", value: "` + serial + `") { ` + aliases(n, "history { at }") + "} }"
		}, true},
		{"pool", func(n int) string {
			return "{ products(first: 5) { edges { node { " + aliases(n, "pool { available }") + "} } } }"
		}, false},
		{"owner", func(n int) string {
			return "{ products(first: 5) { edges { node { " + aliases(n, "owner { name }") + "} } } }"
		}, false},
	} {
		one, r1 := run(tc.query(1))
		if len(r1.Errors) > 0 {
			t.Fatalf("%s once: %+v", tc.name, r1.Errors)
		}
		for _, n := range []int{30, 199} {
			many, r := run(tc.query(n))
			t.Logf("%s: once %d statements, %d times %d (%s)", tc.name, one, n, many, r.code())
			switch {
			case r.code() == "QUERY_TOO_COMPLEX":
				if many > 0 {
					t.Errorf("%s: refused, but after %d statements", tc.name, many)
				}
			case len(r.Errors) > 0:
				t.Errorf("%s %d times: %+v", tc.name, n, r.Errors)
			case tc.own && many > 3*limit/100:
				t.Errorf("%s %d times ran %d statements; a complexity of %d allows %d fields with their own", tc.name, n, many, limit, limit/100)
			case !tc.own && many != one:
				t.Errorf("%s %d times ran %d statements, once %d; want the same", tc.name, n, many, one)
			}
		}
	}
}

// TestInputBounds sends strings, IDs and lists over their schema bounds, as
// literals and as variables, at the top and deep inside inputs: each is
// BAD_USER_INPUT naming the field, at once, and nothing runs.
func TestInputBounds(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	huge := strings.Repeat("a", 2<<20)
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		field       string
	}{
		{"a 2 MB search", `query($s: String) { products(filter: {search: $s}) { totalCount } }`, map[string]any{"s": huge}, "search"},
		{"a 201-character search", `{ products(filter: {search: "` + strings.Repeat("é", 201) + `"}) { totalCount } }`, nil, "search"},
		{"a long product code", `{ product(code: "` + strings.Repeat("0", 51) + `") { code } }`, nil, "code"},
		{"a long cursor", `query($a: String) { products(after: $a) { totalCount } }`, map[string]any{"a": huge}, "after"},
		{"a long id", `query($id: ID!) { serialRequest(id: $id) { id } }`, map[string]any{"id": strings.Repeat("A", 1001)}, "id"},
		{"too many dimensions", `{ poolStats(groupBy: [PRODUCT, SOURCE, STATUS, CODE_SCHEMA, PARTNER, PRODUCT]) { count } }`, nil, "groupBy"},
		{"a long serial in a list", `mutation($in: ReleaseSerialsInput!) { releaseSerials(input: $in, signature: {meaning: PERFORMED, reason: "test"}) { released } }`,
			map[string]any{"in": map[string]any{"productCode": amoxicillin, "serials": []string{"A1", huge}}}, "serials"},
		{"a long serial in a list of inputs", `mutation($e: [PackEventInput!]!) { recordPackEvents(input: $e) { recorded } }`,
			map[string]any{"e": []map[string]any{{"productCode": amoxicillin, "serial": huge, "event": "COMMISSION", "lot": "L1", "expiry": "291231"}}}, "serial"},
		{"a long order reference", `mutation { requestSerials(input: {productCode: "` + amoxicillin + `", count: 1, orderRef: "` + strings.Repeat("x", 201) + `"}) { id } }`, nil, "orderRef"},
	} {
		before := d.db.Statements()
		start := time.Now()
		r := d.gql(t, d.keys.MAHOperator, tc.query, tc.vars)
		took := time.Since(start)
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != tc.field {
			t.Errorf("%s: %d %.300v; want BAD_USER_INPUT on %q", tc.name, r.status, r.Errors, tc.field)
		}
		if ran := d.db.Statements() - before; ran > 2 { // at most the key's lookup
			t.Errorf("%s: %d statements ran", tc.name, ran)
		}
		if took > time.Second {
			t.Errorf("%s: answered after %v", tc.name, took)
		}
	}
	// At the bounds, everything runs.
	var data struct{ Products struct{ TotalCount int } }
	d.gql(t, d.keys.MAHViewer, `{ products(filter: {search: "`+strings.Repeat("é", 200)+`"}) { totalCount } }`, nil).ok(t, &data)
	var none struct{ Product *struct{ Code string } }
	d.gql(t, d.keys.MAHViewer, `{ product(code: "`+strings.Repeat("0", 50)+`") { code } }`, nil).ok(t, &none)
}

// TestGraphQLSlots: with one slot, an operation that holds it (a request of
// serials waiting for a lock) keeps the next one waiting, counted as such,
// whichever its tenant and transport; once the first is through, the others
// run and answer as usual.
func TestGraphQLSlots(t *testing.T) {
	t.Setenv("SERIALPOOL_GRAPHQL_SLOTS", "1")
	d := newDemo(t)
	ctx := context.Background()
	conn := d.conn(t)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE serial_requests IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}

	type answer struct {
		status int
		body   string
	}
	send := func(method, key, query string) <-chan answer {
		done := make(chan answer, 1)
		go func() {
			body, _ := json.Marshal(map[string]string{"query": query})
			req, _ := http.NewRequest(http.MethodPost, d.url+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if method == http.MethodGet {
				req, _ = http.NewRequest(http.MethodGet, d.url+"/graphql?query="+url.QueryEscape(query), nil)
			}
			req.Header.Set("Authorization", "Bearer "+key)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- answer{body: err.Error()}
				return
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			done <- answer{res.StatusCode, string(b)}
		}()
		return done
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("waited 10 s for %s", what)
			}
		}
	}
	waiting := func(n int) func() bool {
		return func() bool {
			_, metrics := get(t, d.url+"/metrics")
			return strings.Contains(metrics, fmt.Sprintf("serialpool_graphql_waiting %d\n", n))
		}
	}

	held := send(http.MethodPost, d.keys.MAHOperator, `mutation { requestSerials(input: {productCode: "`+amoxicillin+`", count: 1, orderRef: "PO-SLOT"}) { count } }`)
	watch := d.conn(t)
	waitFor("the request to wait for the lock", func() bool {
		var n int
		watch.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE relation = 'serial_requests'::regclass AND NOT granted`).Scan(&n)
		return n == 1
	})
	post := send(http.MethodPost, d.keys.CMOAdmin, `{ products(first: 1) { totalCount } }`)
	waitFor("the CMO's operation to wait for the slot", waiting(1))
	getq := send(http.MethodGet, d.keys.MAHViewer, `{ products(first: 1) { totalCount } }`)
	waitFor("a GET to wait too", waiting(2))
	select {
	case a := <-post:
		t.Fatalf("answered while the slot was held: %d %s", a.status, a.body)
	default:
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan answer{"requestSerials": held, "POST query": post, "GET query": getq} {
		if a := <-ch; a.status != http.StatusOK || strings.Contains(a.body, `"errors"`) {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
	}
	waitFor("no operation to wait", waiting(0))
}
