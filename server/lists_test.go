package main

import (
	"slices"
	"testing"
)

// TestProductsOrderedEndToEnd pages the demo's products five at a time in each
// order over the real server and database: the pages join into the same list
// the server gives in one page, which is in that order, and a filter narrows
// both the page and its totalCount.
func TestProductsOrderedEndToEnd(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	type node struct {
		Code, Name, Source string
		Pool               struct{ Available int }
	}
	type page struct {
		Products struct {
			TotalCount int
			Edges      []struct{ Node node }
			PageInfo   struct {
				HasNextPage bool
				EndCursor   *string
			}
		}
	}
	const q = `query($o: ProductOrder, $f: ProductFilter, $first: Int, $after: String) { products(orderBy: $o, filter: $f, first: $first, after: $after) {
		totalCount edges { node { code name source pool { available } } } pageInfo { hasNextPage endCursor } } }`
	for _, order := range []map[string]any{
		{"field": "AVAILABLE", "direction": "DESC"}, {"field": "NAME"}, {"field": "SOURCE", "direction": "DESC"}, {"field": "CODE", "direction": "DESC"},
	} {
		var whole page
		d.gql(t, d.keys.MAHViewer, q, map[string]any{"o": order, "first": 50}).ok(t, &whole)
		var all []node
		for _, e := range whole.Products.Edges {
			all = append(all, e.Node)
		}
		desc := order["direction"] == "DESC"
		ordered := slices.IsSortedFunc(all, func(a, b node) int {
			c := 0
			switch order["field"] {
			case "AVAILABLE":
				c = a.Pool.Available - b.Pool.Available
			case "NAME":
				c = cmpString(a.Name, b.Name)
			case "SOURCE":
				c = cmpString(a.Source, b.Source)
			}
			if c == 0 {
				c = cmpString(a.Code, b.Code)
			}
			if desc {
				c = -c
			}
			return c
		})
		if len(all) != 12 || !ordered {
			t.Fatalf("order %v: %d products, ordered %v: %+v", order, len(all), ordered, all)
		}
		var paged []node
		var after *string
		for i := 0; i < 5; i++ {
			var p page
			d.gql(t, d.keys.MAHViewer, q, map[string]any{"o": order, "first": 5, "after": after}).ok(t, &p)
			for _, e := range p.Products.Edges {
				paged = append(paged, e.Node)
			}
			if !p.Products.PageInfo.HasNextPage {
				break
			}
			after = p.Products.PageInfo.EndCursor
		}
		if !slices.Equal(paged, all) {
			t.Errorf("order %v: pages of 5 gave %v, want %v", order, paged, all)
		}
	}

	var attp page
	d.gql(t, d.keys.MAHViewer, q, map[string]any{"f": map[string]any{"source": "SAP_ATTP"}, "first": 50}).ok(t, &attp)
	if attp.Products.TotalCount == 0 || attp.Products.TotalCount != len(attp.Products.Edges) || attp.Products.TotalCount == 12 {
		t.Fatalf("SAP ATTP: totalCount %d, %d edges", attp.Products.TotalCount, len(attp.Products.Edges))
	}
	for _, e := range attp.Products.Edges {
		if e.Node.Source != "SAP_ATTP" {
			t.Errorf("SAP ATTP filter gave %+v", e.Node)
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
