package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/serialpool/serialpool/graph"
)

// TestConstantStatementsNested guards every read against N+1, including fields
// added later: from the schema itself it builds, for each Query field, a
// document selecting every field of what it returns, with lists nested two
// levels below the first (products -> serials -> history, requests -> serials
// -> history, SSCC pools -> SSCCs -> history, ...), and checks that pages of 4 cost as many
// SQL statements as pages of 2 while returning more items.
func TestConstantStatementsNested(t *testing.T) {
	t.Parallel()
	// Every field at once costs more than an operation may; the limits are not what is tested.
	d := newDemo(t).with(t, func(c *config) { c.MaxComplexity, c.MaxSelections = 1_000_000, 10_000 })
	var reqs struct{ RequestSerials struct{ ID string } }
	for i := range 4 {
		d.gql(t, d.keys.MAHOperator, `mutation($r: String!) { requestSerials(input: {productCode: "`+amoxicillin+`", count: 5, orderRef: $r}) { id } }`,
			map[string]any{"r": fmt.Sprintf("PO-N1-%d", i)}).ok(t, &reqs)
	}
	var sscc struct{ CreateSsccPool struct{ Code string } }
	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012345", extensionDigit: 3}) { code } }`, nil).ok(t, &sscc)
	d.gql(t, d.keys.MAHAdmin, `mutation($c: String!) { generateSerials(input: {productCode: $c, count: 10, mode: SEQUENTIAL}) { accepted } }`,
		map[string]any{"c": sscc.CreateSsccPool.Code}).ok(t, &struct{}{})
	var serial string
	if err := d.sql(t, `SELECT s.value FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 ORDER BY s.id LIMIT 1`,
		amoxicillin).Scan(&serial); err != nil {
		t.Fatal(err)
	}
	// A case holding five packs, each with its history.
	boxes := d.request(t, d.keys.MAHOperator, sscc.CreateSsccPool.Code, 1)
	packs := d.request(t, d.keys.MAHOperator, amoxicillin, 5)
	var events []any
	for _, p := range packs {
		events = append(events, map[string]any{"productCode": amoxicillin, "serial": p, "event": "COMMISSION", "lot": "L1", "expiry": "291231"},
			map[string]any{"productCode": amoxicillin, "serial": p, "event": "PACK", "container": boxes[0]})
	}
	d.gql(t, d.keys.MAHOperator, recordEvents, map[string]any{"in": events}).ok(t, &struct{}{})
	// Values for required arguments; a new one must be added here.
	args := map[string]string{
		"Query.ssccPool.code":              `"` + sscc.CreateSsccPool.Code + `"`,
		"Query.container.sscc":             `"` + boxes[0] + `"`,
		"Query.product.code":               `"` + amoxicillin + `"`,
		"Query.serial.productCode":         `"` + amoxicillin + `"`,
		"Query.serial.value":               `"` + serial + `"`,
		"Query.pack.identifier":            `"(01)` + amoxicillin + `(21)` + packs[0] + `"`,
		"Query.serialRequest.id":           `"` + reqs.RequestSerials.ID + `"`,
		"Query.intakeBatch.idempotencyKey": `"none"`,
		"Query.poolStats.groupBy":          `[PRODUCT, STATUS]`,
		"Query.poolActivity.from":          `"` + time.Now().AddDate(0, 0, -30).UTC().Format(time.RFC3339) + `"`,
		"Query.poolActivity.to":            `"` + time.Now().AddDate(0, 0, 1).UTC().Format(time.RFC3339) + `"`,
		"Query.poolActivity.groupBy":       `[KIND, PRODUCT]`,
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, root := range schema.Query.Fields {
		if strings.HasPrefix(root.Name, "__") {
			continue
		}
		doc := `query($n: Int) { ` + selectField(t, schema, schema.Query, root, args, 0, map[string]bool{}) + ` }`
		paged := strings.Contains(doc, "first: $n")
		if !paged {
			doc = strings.Replace(doc, "query($n: Int)", "query", 1)
		}
		t.Run(root.Name, func(t *testing.T) {
			small, smallItems := leastStatements(t, d, doc, 2)
			large, largeItems := leastStatements(t, d, doc, 4)
			if large != small {
				t.Errorf("pages of 4 cost %d statements, pages of 2 cost %d: N+1 in\n%s", large, small, doc)
			}
			if paged && largeItems <= smallItems {
				t.Errorf("pages of 4 returned %d items, pages of 2 %d: the test data is too small to show N+1 in\n%s", largeItems, smallItems, doc)
			}
			t.Logf("%d statements, %d and %d items", large, smallItems, largeItems)
		})
	}
}

// leastStatements runs doc with $n = n a few times and returns the fewest
// statements it cost (the loaders batch what arrives within a short wait, so a
// busy machine can split a batch; it never merges an N+1) and the items it
// returned.
func leastStatements(t *testing.T, d *demo, doc string, n int) (uint64, int) {
	t.Helper()
	least, items := ^uint64(0), 0
	for range 3 {
		before := d.db.Statements()
		var data any
		d.gql(t, d.keys.MAHAdmin, doc, map[string]any{"n": n}).ok(t, &data)
		least, items = min(least, d.db.Statements()-before), countItems(data)
	}
	return least, items
}

// countItems counts the elements of every list in an answer.
func countItems(v any) int {
	n := 0
	switch v := v.(type) {
	case []any:
		n = len(v)
		for _, e := range v {
			n += countItems(e)
		}
	case map[string]any:
		for _, e := range v {
			n += countItems(e)
		}
	}
	return n
}

// selectField writes a selection of f (a field of parent) with every field of
// its type: paged arguments get $n, required ones a value from args, and a list
// nested more than two levels below the first, or a type already on the path,
// is left out.
func selectField(t *testing.T, s *ast.Schema, parent *ast.Definition, f *ast.FieldDefinition, args map[string]string, lists int, path map[string]bool) string {
	t.Helper()
	var params []string
	for _, a := range f.Arguments {
		switch v, ok := args[parent.Name+"."+f.Name+"."+a.Name]; {
		case a.Name == "first":
			params = append(params, "first: $n")
		case ok:
			params = append(params, a.Name+": "+v)
		case a.Type.NonNull && a.DefaultValue == nil:
			t.Fatalf("no value for the required argument %s.%s(%s): add one to args", parent.Name, f.Name, a.Name)
		}
	}
	out := f.Name
	if len(params) > 0 {
		out += "(" + strings.Join(params, ", ") + ")"
	}
	typ := s.Types[f.Type.Name()]
	switch typ.Kind {
	case ast.Scalar, ast.Enum:
		return out
	case ast.Interface, ast.Union:
		t.Fatalf("%s.%s returns %s %s: teach this test fragments", parent.Name, f.Name, typ.Kind, typ.Name)
	}
	if f.Name != "edges" && (f.Type.Elem != nil || f.Arguments.ForName("first") != nil) {
		lists++
	}
	path = with(path, typ.Name)
	var fields []string
	for _, c := range typ.Fields {
		ct := s.Types[c.Type.Name()]
		isList := c.Name != "edges" && (c.Type.Elem != nil || c.Arguments.ForName("first") != nil)
		if strings.HasPrefix(c.Name, "__") || path[ct.Name] || (isList && ct.Kind == ast.Object && lists > 2) {
			continue
		}
		fields = append(fields, selectField(t, s, typ, c, args, lists, path))
	}
	return out + " { " + strings.Join(fields, " ") + " }"
}

func with(path map[string]bool, name string) map[string]bool {
	next := map[string]bool{name: true}
	for k := range path {
		next[k] = true
	}
	return next
}

// TestProductsPageOneStatement: the product list with its donuts, the web
// app's first page, is one statement after the tenant's set_config (sent
// together, one round trip), and its counts are the pool's COUNT(*).
func TestProductsPageOneStatement(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const doc = `query($n: Int) { products(first: $n) { edges { node { code pool { available assigned } } } } }`
	if n, _ := leastStatements(t, d, doc, 50); n != 2 {
		t.Errorf("the products page with counts cost %d statements; want 2 (set_config and the page)", n)
	}
	var data struct {
		Products struct {
			Edges []struct {
				Node struct {
					Code string
					Pool struct{ Available, Assigned int }
				}
			}
		}
	}
	d.gql(t, d.keys.MAHAdmin, doc, map[string]any{"n": 50}).ok(t, &data)
	var mah int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&mah)
	for _, e := range data.Products.Edges {
		var available, assigned int
		d.sql(t, `SELECT count(*) FILTER (WHERE s.status = 'AVAILABLE'), count(*) FILTER (WHERE s.status = 'ASSIGNED')
			FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.tenant_id = $2`, e.Node.Code, mah).Scan(&available, &assigned)
		if e.Node.Pool.Available != available || e.Node.Pool.Assigned != assigned {
			t.Errorf("%s: pool %+v, COUNT(*) says %d available, %d assigned", e.Node.Code, e.Node.Pool, available, assigned)
		}
	}
	if len(data.Products.Edges) < 3 {
		t.Errorf("%d products in the demo; want several", len(data.Products.Edges))
	}
}

// TestDonutOneStatement: the donut (a product's pool counts) is one statement
// after the tenant's set_config, for the owner and for a CMO seeing the
// product through its partner, and its counts are the caller's own serials.
func TestDonutOneStatement(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const doc = `query($c: String!) { product(code: $c) { pool { available assigned } } }`
	var mah, cmo int64
	var shared string
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&mah)
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Contract Manufacturing'`).Scan(&cmo)
	d.sql(t, `SELECT p.code FROM serials s JOIN products p ON p.id = s.product_id
		WHERE s.tenant_id = $1 AND s.partner_tenant_id = $2 ORDER BY p.code LIMIT 1`, mah, cmo).Scan(&shared)
	if shared == "" {
		t.Fatal("the demo shares no product with its CMO")
	}
	for _, who := range []struct {
		name, key, truth string
		tenant           int64
	}{
		{"owner", d.keys.MAHAdmin, `SELECT count(*) FILTER (WHERE s.status = 'AVAILABLE'), count(*) FILTER (WHERE s.status = 'ASSIGNED')
			FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.tenant_id = $2`, mah},
		{"cmo", d.keys.CMOAdmin, `SELECT count(*) FILTER (WHERE s.partner_status = 'AVAILABLE'), count(*) FILTER (WHERE s.partner_status = 'ASSIGNED')
			FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.partner_tenant_id = $2`, cmo},
	} {
		least := ^uint64(0)
		var data struct {
			Product struct {
				Pool struct{ Available, Assigned int }
			}
		}
		for range 3 {
			before := d.db.Statements()
			d.gql(t, who.key, doc, map[string]any{"c": shared}).ok(t, &data)
			least = min(least, d.db.Statements()-before)
		}
		if least != 2 {
			t.Errorf("%s: the donut cost %d statements; want 2 (set_config and the product with its counts)", who.name, least)
		}
		var available, assigned int
		d.sql(t, who.truth, shared, who.tenant).Scan(&available, &assigned)
		if p := data.Product.Pool; p.Available != available || p.Assigned != assigned || available+assigned == 0 {
			t.Errorf("%s: pool %+v, COUNT(*) says %d available, %d assigned", who.name, p, available, assigned)
		}
	}
}
