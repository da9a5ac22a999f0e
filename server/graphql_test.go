package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

const productFields = `id code codeSchema name source lowThreshold owner { id name }
	pool { available assigned total low }`

type product struct {
	ID, Code, CodeSchema, Name, Source string
	LowThreshold                       int
	Owner                              struct{ ID, Name string }
	Pool                               struct {
		Available, Assigned, Total int
		Low                        bool
	}
	Serials struct {
		Edges []struct {
			Cursor string
			Node   struct {
				ID, Value, Status, Source, ReceivedAt string
				AssignedAt                            *string
				Product                               struct{ Code string }
			}
		}
		PageInfo pageInfo
	}
}

type pageInfo struct {
	HasNextPage bool
	EndCursor   *string
}

type productsData struct {
	Products struct {
		TotalCount int
		Edges      []struct {
			Cursor string
			Node   product
		}
		PageInfo pageInfo
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	for _, key := range []string{"", "nonsense", "sp_unknown", d.keys.MAHAdmin + "x"} {
		r := d.gql(t, key, `{ viewer { role } }`, nil)
		if r.status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
			t.Errorf("key %q: status %d code %q, want 401 UNAUTHENTICATED", key, r.status, r.code())
		}
	}
	for _, tc := range []struct{ key, tenant, role string }{
		{d.keys.MAHAdmin, "Demo Pharma", "ADMIN"},
		{d.keys.MAHOperator, "Demo Pharma", "OPERATOR"},
		{d.keys.MAHViewer, "Demo Pharma", "VIEWER"},
		{d.keys.CMOAdmin, "Demo Contract Manufacturing", "ADMIN"},
	} {
		var v struct {
			Viewer struct {
				Tenant struct{ ID, Name string }
				Role   string
			}
		}
		d.gql(t, tc.key, `{ viewer { tenant { id name } role } }`, nil).ok(t, &v)
		if v.Viewer.Tenant.Name != tc.tenant || v.Viewer.Role != tc.role || v.Viewer.Tenant.ID == "" {
			t.Errorf("viewer = %+v, want %s %s", v.Viewer, tc.tenant, tc.role)
		}
	}
}

// TestProductContract reads every field of the read API and checks it against
// the database.
func TestProductContract(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var data struct{ Product product }
	d.gql(t, d.keys.MAHViewer, `query($code: String!) { product(code: $code) { `+productFields+`
		serials(first: 3) { edges { cursor node { id value status source receivedAt assignedAt product { code } } }
		pageInfo { hasNextPage endCursor } } } }`, map[string]any{"code": "04012340051006"}).ok(t, &data)
	p := data.Product
	if p.Code != "04012340051006" || p.CodeSchema != "GTIN" || p.Name != "Amoxicillin 500 mg capsules" ||
		p.Source != "SNM" || p.Owner.Name != "Demo Pharma" || p.LowThreshold != 1000 || p.ID == "" || p.Owner.ID == "" {
		t.Errorf("product = %+v", p)
	}
	var avail, assigned int
	d.sql(t, `SELECT count(*) FILTER (WHERE status = 'AVAILABLE'), count(*) FILTER (WHERE status = 'ASSIGNED')
		FROM serials JOIN products ON products.id = product_id WHERE code = $1`, p.Code).Scan(&avail, &assigned)
	if p.Pool.Available != avail || p.Pool.Assigned != assigned || p.Pool.Total != avail+assigned || p.Pool.Low {
		t.Errorf("pool = %+v, want available %d assigned %d", p.Pool, avail, assigned)
	}
	if len(p.Serials.Edges) != 3 || !p.Serials.PageInfo.HasNextPage || *p.Serials.PageInfo.EndCursor != p.Serials.Edges[2].Cursor {
		t.Fatalf("serials = %+v", p.Serials)
	}
	for _, e := range p.Serials.Edges {
		n := e.Node
		if n.ID == "" || n.Value == "" || n.Source != "SNM" || n.ReceivedAt == "" || n.Product.Code != p.Code ||
			(n.Status == "ASSIGNED") != (n.AssignedAt != nil) {
			t.Errorf("serial = %+v", n)
		}
	}

	// Status filter and paging through serials.
	var next struct{ Product product }
	d.gql(t, d.keys.MAHViewer, `query($code: String!, $after: String) { product(code: $code) {
		serials(status: AVAILABLE, first: 1000, after: $after) { edges { node { status value } } pageInfo { hasNextPage endCursor } } } }`,
		map[string]any{"code": p.Code, "after": *p.Serials.PageInfo.EndCursor}).ok(t, &next)
	if len(next.Product.Serials.Edges) != 1000 {
		t.Fatalf("got %d available serials", len(next.Product.Serials.Edges))
	}
	for _, e := range next.Product.Serials.Edges {
		if e.Node.Status != "AVAILABLE" {
			t.Fatalf("status filter let %+v through", e.Node)
		}
		for _, first := range p.Serials.Edges {
			if first.Node.Value == e.Node.Value {
				t.Fatalf("serial %s repeated after the cursor", e.Node.Value)
			}
		}
	}

	// A code nobody has, and bad page arguments.
	var missing struct{ Product *product }
	d.gql(t, d.keys.MAHViewer, `{ product(code: "00000000000000") { id } }`, nil).ok(t, &missing)
	if missing.Product != nil {
		t.Error("unknown product is not null")
	}
	for _, q := range []string{
		`{ products(first: 0) { totalCount } }`,
		`{ products(first: 1001) { totalCount } }`,
		`{ products(after: "bm9wZQ") { totalCount } }`,
		`{ product(code: "04012340051006") { serials(after: "forged") { edges { cursor } } } }`,
	} {
		r := d.gql(t, d.keys.MAHViewer, q, nil)
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] == nil {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT naming the field", q, r.Errors)
		}
	}
}

func TestProductsPaginationAndSearch(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var seen []string
	var after *string
	for {
		var data productsData
		d.gql(t, d.keys.MAHViewer, `query($after: String) { products(first: 5, after: $after) {
			totalCount edges { cursor node { code } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"after": after}).ok(t, &data)
		if data.Products.TotalCount != 12 {
			t.Fatalf("totalCount = %d, want 12", data.Products.TotalCount)
		}
		for _, e := range data.Products.Edges {
			seen = append(seen, e.Node.Code)
		}
		if !data.Products.PageInfo.HasNextPage {
			break
		}
		after = data.Products.PageInfo.EndCursor
	}
	if len(seen) != 12 {
		t.Fatalf("paged through %d products: %v", len(seen), seen)
	}

	for _, tc := range []struct {
		search string
		want   []string
	}{
		{"amoxi", []string{"Amoxicillin 500 mg capsules"}},
		{"  TABLETS ", nil}, // many; checked by count below
		{"04012340051006", []string{"Amoxicillin 500 mg capsules"}},
		{"mg", nil},
		{"zzz", []string{}},
	} {
		var data productsData
		d.gql(t, d.keys.MAHViewer, `query($s: String) { products(filter: {search: $s}, first: 50) {
			totalCount edges { node { name code } } } }`, map[string]any{"s": tc.search}).ok(t, &data)
		if data.Products.TotalCount != len(data.Products.Edges) {
			t.Errorf("search %q: totalCount %d, %d edges", tc.search, data.Products.TotalCount, len(data.Products.Edges))
		}
		if tc.want != nil && len(data.Products.Edges) != len(tc.want) {
			t.Errorf("search %q: %d products, want %v", tc.search, len(data.Products.Edges), tc.want)
		}
		for i, e := range data.Products.Edges {
			s := strings.ToLower(strings.TrimSpace(tc.search))
			if !strings.Contains(strings.ToLower(e.Node.Name), s) && !strings.Contains(e.Node.Code, s) {
				t.Errorf("search %q matched %q", tc.search, e.Node.Name)
			}
			if tc.want != nil && e.Node.Name != tc.want[i] {
				t.Errorf("search %q: got %q", tc.search, e.Node.Name)
			}
		}
	}
}

// TestConstantStatementsPerPage shows there is no N+1: a page of 12 products
// with owners and pool counts costs as many SQL statements as a page of 2.
func TestConstantStatementsPerPage(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	statements := func(first int) uint64 {
		before := d.db.Statements()
		var data productsData
		d.gql(t, d.keys.MAHViewer, `query($n: Int) { products(first: $n) { totalCount edges { node { `+productFields+` } } } }`,
			map[string]any{"n": first}).ok(t, &data)
		if len(data.Products.Edges) != first {
			t.Fatalf("asked for %d products, got %d", first, len(data.Products.Edges))
		}
		return d.db.Statements() - before
	}
	statements(1) // the first request of a key also looks the key up
	small, large := statements(2), statements(12)
	if small != large || small == 0 {
		t.Errorf("statements for 2 products: %d, for 12: %d; want equal", small, large)
	}
	t.Logf("a products page costs %d statements", large)

	// Requests with their products and partners.
	for i := range 3 {
		d.gql(t, d.keys.MAHOperator, `mutation($r: String!) { requestSerials(input: {productCode: "`+amoxicillin+`", count: 1, orderRef: $r}) { id } }`,
			map[string]any{"r": "PO-" + strconv.Itoa(i)}).ok(t, &struct{}{})
	}
	requests := func(first int) uint64 {
		before := d.db.Statements()
		var data struct {
			SerialRequests struct{ Edges []struct{} }
		}
		d.gql(t, d.keys.MAHViewer, `query($n: Int) { serialRequests(first: $n) { edges { node { id product { code name pool { available } } partner { name } } } } }`,
			map[string]any{"n": first}).ok(t, &data)
		if len(data.SerialRequests.Edges) != first {
			t.Fatalf("asked for %d requests, got %d", first, len(data.SerialRequests.Edges))
		}
		return d.db.Statements() - before
	}
	if one, three := requests(1), requests(3); one != three || one == 0 {
		t.Errorf("statements for 1 request: %d, for 3: %d; want equal", one, three)
	}
}

// TestCMOSeesOnlyWhatWasAssigned checks the partnership view over HTTP.
func TestCMOSeesOnlyWhatWasAssigned(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var data productsData
	d.gql(t, d.keys.CMOAdmin, `{ products(first: 50) { totalCount edges { node { `+productFields+` } } } }`, nil).ok(t, &data)
	want := map[string]int{"Amoxicillin 500 mg capsules": 8000, "Ibuprofen 400 mg tablets": 5000, "Omeprazole 20 mg capsules": 3000}
	if data.Products.TotalCount != len(want) || len(data.Products.Edges) != len(want) {
		t.Fatalf("CMO sees %d products (total %d), want %d", len(data.Products.Edges), data.Products.TotalCount, len(want))
	}
	for _, e := range data.Products.Edges {
		p := e.Node
		var used int
		d.sql(t, `SELECT count(*) FROM serials JOIN products ON products.id = product_id
			WHERE code = $1 AND partner_status = 'ASSIGNED'`, p.Code).Scan(&used)
		if p.Source != "PARTNER" || p.Owner.Name != "Demo Pharma" || p.Pool.Total != want[p.Name] || p.Pool.Assigned != used || used == 0 {
			t.Errorf("CMO product %s: %+v, want total %d with %d assigned", p.Name, p, want[p.Name], used)
		}
	}
	// The MAH-only products do not exist for the CMO, whichever way it asks.
	var one struct{ Product *product }
	d.gql(t, d.keys.CMOAdmin, `{ product(code: "00312345001049") { id } }`, nil).ok(t, &one)
	if one.Product != nil {
		t.Error("CMO sees a product that was never assigned to it")
	}
	var search productsData
	d.gql(t, d.keys.CMOAdmin, `{ products(filter: {search: "Atorvastatin"}) { totalCount edges { node { id } } } }`, nil).ok(t, &search)
	if search.Products.TotalCount != 0 || len(search.Products.Edges) != 0 {
		t.Error("CMO search finds a product that was never assigned to it")
	}
}

func TestCreateProductMutation(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const m = `mutation($in: CreateProductInput!) { createProduct(input: $in) { ` + productFields + ` } }`
	var data struct{ CreateProduct product }
	d.gql(t, d.keys.MAHAdmin, m, map[string]any{"in": map[string]any{
		"code": "4012345000016", "codeSchema": "GTIN", "name": "New product", "source": "TRACELINK"}}).ok(t, &data)
	p := data.CreateProduct
	if p.Code != "04012345000016" || p.Pool.Total != 0 || !p.Pool.Low || p.LowThreshold != 1000 || p.Source != "TRACELINK" {
		t.Errorf("created %+v", p)
	}
	for _, tc := range []struct {
		key, code, field string
		in               map[string]any
	}{
		{d.keys.MAHViewer, "FORBIDDEN", "", map[string]any{"code": "4012345000023", "codeSchema": "GTIN", "name": "x", "source": "SNM"}},
		{d.keys.MAHOperator, "FORBIDDEN", "", map[string]any{"code": "4012345000023", "codeSchema": "GTIN", "name": "x", "source": "SNM"}},
		{d.keys.MAHAdmin, "BAD_USER_INPUT", "code", map[string]any{"code": "4012345000024", "codeSchema": "GTIN", "name": "x", "source": "SNM"}},
		{d.keys.MAHAdmin, "BAD_USER_INPUT", "code", map[string]any{"code": "110375286415", "codeSchema": "PPN", "name": "x", "source": "SNM"}},
		{d.keys.MAHAdmin, "BAD_USER_INPUT", "lowThreshold", map[string]any{"code": "4012345000023", "codeSchema": "GTIN", "name": "x", "source": "SNM", "lowThreshold": -1}},
		{d.keys.CMOAdmin, "CONFLICT", "code", map[string]any{"code": "04012345000016", "codeSchema": "GTIN", "name": "x", "source": "SNM"}},
	} {
		r := d.gql(t, tc.key, m, map[string]any{"in": tc.in})
		if r.code() != tc.code || (tc.field != "" && r.Errors[0].Extensions["field"] != tc.field) {
			t.Errorf("%v: errors %+v, want %s on %q", tc.in, r.Errors, tc.code, tc.field)
		}
	}
	// An invalid enum value is refused by the schema itself.
	r := d.gql(t, d.keys.MAHAdmin, m, map[string]any{"in": map[string]any{"code": "4012345000023", "codeSchema": "EAN", "name": "x", "source": "SNM"}})
	if len(r.Errors) == 0 {
		t.Error("unknown code schema accepted")
	}
}
