package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// badRequest is one malformed call and what it must get: a given 4xx, or (want
// 0) any 4xx or a GraphQL answer carrying errors; always a JSON error with a
// code other than INTERNAL, never a 5xx, never a hang.
type badRequest struct {
	name, method, path, ctype, body string
	chunked                         bool // send the body without a Content-Length
	header                          map[string]string
	want                            int
	within                          time.Duration // 5 s unless set
}

// TestBadHTTPInput sends oversized bodies, wrong media types, malformed JSON,
// deeply nested and very wide queries, huge page sizes, text PostgreSQL cannot
// store, and unknown routes and methods.
func TestBadHTTPInput(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	small := d.with(t, func(c *config) { c.MaxBodyBytes, c.MaxBulkBytes, c.RateLimit = 1024, 4096, 0 })
	open := d.with(t, func(c *config) { c.RateLimit = 0 })
	channel := d.channel(t, "ATTP", "SAP_ATTP")
	query := func(q string) string { b, _ := json.Marshal(map[string]string{"query": q}); return string(b) }
	deep := func(levels int) string { // products { edges { node { serials { edges { node { product { ...
		return "{ " + strings.Repeat("products { edges { node { serials { edges { node { product { ", levels) + "code" + strings.Repeat(" } } } } } } }", levels) + " }"
	}
	nested := func(levels int) string {
		return "{" + strings.Repeat("a{", levels) + "b" + strings.Repeat("}", levels+1)
	}
	fragments := func(n int) string { // each fragment nests the next four levels down
		var b strings.Builder
		b.WriteString("{ products { edges { node { ...f0 } } } }")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " fragment f%d on Product { serials { edges { node { product { ...f%d } } } } }", i, i+1)
		}
		fmt.Fprintf(&b, " fragment f%d on Product { code }", n)
		return b.String()
	}
	wide := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, " a%d: viewer { role tenant { name } }", i)
		}
		return b.String() + " }"
	}
	const gql = "application/json"
	poolPath := "/api/v2/products/" + amoxicillin + "/pool"
	push := "/api/v2/products/" + attpProduct + "/serials"
	big := strings.Repeat("A1234567\n", 1000)

	limited := []badRequest{
		{name: "GraphQL body over the limit", method: "POST", path: "/graphql", ctype: gql, body: query("{ viewer { role } }" + strings.Repeat(" ", 2000)), want: 413},
		{name: "GraphQL body over the limit, chunked", method: "POST", path: "/graphql", ctype: gql, body: query("{ viewer { role } }" + strings.Repeat(" ", 2000)), chunked: true, want: 413},
		{name: "REST body over the limit", method: "GET", path: poolPath, body: strings.Repeat(" ", 2000), want: 413},
		{name: "REST body over the bulk limit", method: "POST", path: "/api/v2/products/" + amoxicillin + "/release", ctype: gql,
			body: `{"serials": ["` + strings.Repeat("A", 5000) + `"]}`, want: 413},
		{name: "REST body over the bulk limit, chunked", method: "POST", path: "/api/v2/products/" + amoxicillin + "/release", ctype: gql,
			body: `{"serials": ["` + strings.Repeat("A", 5000) + `"]}`, chunked: true, want: 413},
		{name: "bulk CSV over the limit", method: "POST", path: push + "?source=SAP_ATTP", ctype: "text/csv", body: big, want: 413},
		{name: "bulk CSV over the limit, chunked", method: "POST", path: push + "?source=SAP_ATTP", ctype: "text/csv", body: big, chunked: true, want: 413},
		{name: "bulk NDJSON over the limit, chunked", method: "POST", path: push + "?source=SAP_ATTP", ctype: "application/x-ndjson",
			body: strings.Repeat(`{"value":"A1234567"}`+"\n", 300), chunked: true},
		{name: "bulk JSON over the limit, chunked", method: "POST", path: push + "?source=SAP_ATTP", ctype: "application/json",
			body: "[" + strings.Repeat(`{"value":"A1234567"},`, 300) + `{"value":"B"}]`, chunked: true},
	}
	unlimited := []badRequest{
		// Media types.
		{name: "GraphQL as text/plain", method: "POST", path: "/graphql", ctype: "text/plain", body: query("{ viewer { role } }")},
		{name: "GraphQL as a form", method: "POST", path: "/graphql", ctype: "application/x-www-form-urlencoded", body: "query=%7B%7D"},
		{name: "GraphQL without a media type", method: "POST", path: "/graphql", body: query("{ viewer { role } }")},
		{name: "bulk push as XML", method: "POST", path: push, ctype: "application/xml", body: "<serials/>", header: map[string]string{"X-Channel-Key": channel}, want: 415},
		// Malformed JSON.
		{name: "GraphQL JSON cut short", method: "POST", path: "/graphql", ctype: gql, body: `{"query": "{ viewer { role } }"`},
		{name: "GraphQL query not a string", method: "POST", path: "/graphql", ctype: gql, body: `{"query": 5}`},
		{name: "GraphQL variables not an object", method: "POST", path: "/graphql", ctype: gql, body: `{"query": "{ viewer { role } }", "variables": [1]}`},
		{name: "GraphQL body not JSON", method: "POST", path: "/graphql", ctype: gql, body: "\xff\xfe{"},
		{name: "GraphQL variables nested 20,000 deep", method: "POST", path: "/graphql", ctype: gql,
			body: `{"query": "{ viewer { role } }", "variables": {"x": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`},
		{name: "GraphQL query that does not parse", method: "POST", path: "/graphql", ctype: gql, body: query("{ viewer { role ")},
		{name: "GraphQL unknown field", method: "POST", path: "/graphql", ctype: gql, body: query("{ nope }")},
		{name: "REST JSON cut short", method: "POST", path: "/api/v2/products/" + amoxicillin + "/requests", ctype: gql, body: `{"count": `, want: 400},
		{name: "REST JSON not an object", method: "POST", path: "/api/v2/products/" + amoxicillin + "/release", ctype: gql, body: `["A"]`, want: 400},
		{name: "REST JSON with an unknown field", method: "POST", path: "/api/v2/products/" + amoxicillin + "/requests", ctype: gql, body: `{"count": 1, "orderRef": "x", "priority": 1}`, want: 400},
		{name: "REST count too large for a number", method: "POST", path: "/api/v2/products/" + amoxicillin + "/requests", ctype: gql, body: `{"count": 1e30, "orderRef": "x"}`, want: 400},
		{name: "REST empty body", method: "POST", path: "/api/v2/products/" + amoxicillin + "/release", ctype: gql, want: 400},
		// Deep and wide queries.
		{name: "query nested 21 levels", method: "POST", path: "/graphql", ctype: gql, body: query(deep(3))},
		{name: "query nested 700 levels", method: "POST", path: "/graphql", ctype: gql, body: query(deep(100))},
		{name: "selection nested 100,000 levels", method: "POST", path: "/graphql", ctype: gql, body: query(nested(100_000))},
		{name: "fragments nesting 200 levels", method: "POST", path: "/graphql", ctype: gql, body: query(fragments(50))},
		{name: "fragment cycle", method: "POST", path: "/graphql", ctype: gql, body: query("{ viewer { ...a } } fragment a on Viewer { ...b } fragment b on Viewer { ...a }")},
		// Refused as too costly, but only after validation, whose time grows faster
		// than the square of the aliases (20,000 took 3 s, 80,000 32 s, 160,000 almost
		// 4 min): a size limit on the document must refuse it before.
		{name: "20,000 aliases", method: "POST", path: "/graphql", ctype: gql, body: query(wide(20_000)), within: time.Second},
		// Page sizes.
		{name: "first over the page size", method: "POST", path: "/graphql", ctype: gql, body: query("{ products(first: 1001) { totalCount } }")},
		{name: "first over 32 bits", method: "POST", path: "/graphql", ctype: gql, body: query("{ products(first: 2147483648) { totalCount } }")},
		{name: "first negative", method: "POST", path: "/graphql", ctype: gql, body: query("{ products(first: -1) { totalCount } }")},
		{name: "first huge in a variable", method: "POST", path: "/graphql", ctype: gql, body: `{"query": "query($n: Int) { products(first: $n) { totalCount } }", "variables": {"n": 1e20}}`},
		{name: "serials first a million", method: "POST", path: "/graphql", ctype: gql, body: query(`{ product(code: "` + amoxicillin + `") { serials(first: 1000000) { edges { cursor } } } }`)},
		{name: "a page of pages", method: "POST", path: "/graphql", ctype: gql, body: query("{ products(first: 1000) { edges { node { serials(first: 1000) { edges { node { value } } } } } } }")},
		{name: "generate a billion", method: "POST", path: "/graphql", ctype: gql, body: query(`mutation { generateSerials(input: {productCode: "` + amoxicillin + `", count: 1000000000}) { accepted } }`)},
		{name: "REST request of 2^40 serials", method: "POST", path: "/api/v2/products/" + amoxicillin + "/requests", ctype: gql, body: `{"count": 1099511627776, "orderRef": "x"}`, want: 400},
		// Text PostgreSQL cannot store.
		{name: "NUL in a product code", method: "GET", path: "/api/v2/products/%00/pool", want: 400},
		{name: "bytes that are not UTF-8 in a product code", method: "GET", path: "/api/v2/products/%FF%FE/pool", want: 400},
		{name: "bytes that are not UTF-8 in an idempotency key", method: "GET", path: "/api/v2/intake/%C3%28", want: 400},
		{name: "NUL in a serial", method: "POST", path: "/api/v2/products/" + amoxicillin + "/release", ctype: gql, body: `{"signature": {"meaning": "PERFORMED", "reason": "test"}, "serials": ["\u0000"]}`, want: 400},
		{name: "NUL in an order reference", method: "POST", path: "/api/v2/products/" + amoxicillin + "/requests", ctype: gql, body: `{"count": 1, "orderRef": "a\u0000"}`, want: 400},
		{name: "an idempotency key header that is not UTF-8", method: "POST", path: push + "?source=SAP_ATTP", ctype: "text/csv", body: "U1\n",
			header: map[string]string{"Idempotency-Key": "\xff\xfe"}, want: 400},
		// Unknown routes and methods.
		{name: "unknown API route", method: "GET", path: "/api/v2/nope"},
		{name: "unknown API version", method: "GET", path: "/api/v3/products/" + amoxicillin + "/pool"},
		{name: "GET on a POST route", method: "GET", path: push},
		{name: "DELETE on a GET route", method: "DELETE", path: poolPath},
		{name: "PUT on GraphQL", method: "PUT", path: "/graphql", ctype: gql, body: query("{ viewer { role } }")},
		{name: "DELETE on GraphQL", method: "DELETE", path: "/graphql"},
	}
	run := func(d *demo, cases []badRequest) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) { c.check(t, d) })
		}
	}
	run(small, limited)
	run(open, unlimited)
	// Nothing of the refused pushes was stored.
	var n int
	d.sql(t, `SELECT count(*) FROM serials WHERE value IN ('A1234567', 'B', 'U1')`).Scan(&n)
	if n != 0 {
		t.Errorf("refused pushes stored %d serials", n)
	}
	t.Logf("%d malformed requests", len(limited)+len(unlimited))
}

// client gives up on a call after 10 s: bad input must be answered, not hang.
var badInputClient = &http.Client{Timeout: 10 * time.Second}

func (c badRequest) check(t *testing.T, d *demo) {
	var body io.Reader = strings.NewReader(c.body)
	if c.chunked {
		body = io.MultiReader(body) // hides the length: sent chunked
	}
	req, err := http.NewRequest(c.method, d.url+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+d.keys.MAHOperator)
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	for h, v := range c.header {
		req.Header.Set(h, v)
	}
	start := time.Now()
	res, err := badInputClient.Do(req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	var r struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	decodeErr := json.Unmarshal(b, &r)
	switch {
	case res.StatusCode >= 500:
		t.Errorf("%d %.300s", res.StatusCode, b)
	case c.want != 0 && res.StatusCode != c.want:
		t.Errorf("%d %.300s; want %d", res.StatusCode, b, c.want)
	case c.want == 0 && res.StatusCode < 400 && (res.StatusCode != http.StatusOK || len(r.Errors) == 0):
		t.Errorf("%d %.300s; want a 4xx or a GraphQL error", res.StatusCode, b)
	case decodeErr != nil || len(r.Errors) == 0:
		t.Errorf("%d %s: %.300s; want a JSON error", res.StatusCode, res.Header.Get("Content-Type"), b)
	default:
		for _, e := range r.Errors {
			if e.Extensions.Code == "" || e.Extensions.Code == "INTERNAL" {
				t.Errorf("%d, error %.200q with code %q; want the caller's fault named by a code", res.StatusCode, e.Message, e.Extensions.Code)
			}
		}
	}
	if len(b) > 64<<10 {
		t.Errorf("a %d-byte answer to a bad request", len(b))
	}
	if c.within == 0 {
		c.within = 5 * time.Second
	}
	if took := time.Since(start); took > c.within {
		t.Errorf("answered after %v; want within %v", took, c.within)
	}
}
