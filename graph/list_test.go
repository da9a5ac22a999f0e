package graph_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/pool/mock"
)

// TestProductOrderAndCursors: orderBy and the filters reach the service; the
// end cursor carries the order's key, and a cursor of one order is refused in
// another (BAD_USER_INPUT on after), not read as something else.
func TestProductOrderAndCursors(t *testing.T) {
	svc := &mock.Services{}
	var got []pool.ProductFilter
	svc.ProductsFn = func(_ context.Context, f pool.ProductFilter) (*pool.ProductPage, error) {
		got = append(got, f)
		return &pool.ProductPage{Products: []*pool.Product{{ID: 1, Code: "04012340051013", Name: "A"}}, Keys: []string{"17"}, HasNext: true}, nil
	}
	c := gqlClient(svc)
	var res struct {
		Products struct{ PageInfo struct{ EndCursor string } }
	}
	c.MustPost(`{ products(filter: {source: TRACELINK, codeSchema: PPN}, orderBy: {field: AVAILABLE, direction: DESC}, first: 1) {
		pageInfo { endCursor } } }`, &res)
	if len(got) != 1 || got[0].Order != (pool.ProductOrder{By: pool.SortAvailable, Desc: true}) ||
		got[0].Source != pool.SourceTraceLink || got[0].CodeSchema != pool.PPN {
		t.Fatalf("service asked %+v", got)
	}
	cursor := res.Products.PageInfo.EndCursor
	c.MustPost(`query($after: String) { products(orderBy: {field: AVAILABLE}, first: 1, after: $after) { __typename } }`,
		&map[string]any{}, client.Var("after", cursor))
	if last := got[len(got)-1]; last.AfterCode != "04012340051013" || last.AfterKey != "17" || last.Order.Desc {
		t.Errorf("second page asked %+v", last)
	}
	for _, order := range []string{``, `orderBy: {field: NAME}`} {
		errs := errorsOf(t, c, `query($after: String) { products(`+order+` after: $after) { __typename } }`, client.Var("after", cursor))
		if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "after" {
			t.Errorf("%q with an AVAILABLE cursor: %+v", order, errs)
		}
	}
}

// TestSerialSearchIsValidated: the serials search is a start of a serial, so
// characters outside GS1 set 82 are BAD_USER_INPUT on search.
func TestSerialSearchIsValidated(t *testing.T) {
	svc := &mock.Services{}
	svc.ProductsFn = func(_ context.Context, f pool.ProductFilter) (*pool.ProductPage, error) {
		return &pool.ProductPage{Products: []*pool.Product{{ID: 42, TenantID: 1, Code: f.Code}}, Keys: []string{f.Code}}, nil
	}
	var asked []pool.SerialFilter
	svc.SerialsFn = func(_ context.Context, f pool.SerialFilter) ([]*pool.SerialPage, error) {
		asked = append(asked, f)
		return []*pool.SerialPage{{}}, nil
	}
	c := gqlClient(svc)
	errs := errorsOf(t, c, `{ product(code: "04012340051013") { serials(search: "A#1") { edges { cursor } } } }`)
	if len(errs) != 1 || errs[0].Extensions["code"] != "BAD_USER_INPUT" || errs[0].Extensions["field"] != "search" {
		t.Errorf("search A#1: %+v", errs)
	}
	c.MustPost(`{ product(code: "04012340051013") { serials(search: " A%1 ") { edges { cursor } } } }`, &map[string]any{})
	if len(asked) == 0 || asked[len(asked)-1].Prefix != "A%1" {
		t.Errorf("asked %+v, want prefix A%%1", asked)
	}
}

// TestEdgeCursors: edges carry their cursors when asked for them, through a
// fragment too, and each is the one to page on from there; the end cursor is
// the last edge's whether the edges' cursors are asked for or not.
func TestEdgeCursors(t *testing.T) {
	svc := &mock.Services{}
	svc.ProductsFn = func(_ context.Context, f pool.ProductFilter) (*pool.ProductPage, error) {
		return &pool.ProductPage{Products: []*pool.Product{{ID: 1, Code: "04012340051013"}, {ID: 2, Code: "04012340051020"}}, Keys: []string{"04012340051013", "04012340051020"}}, nil
	}
	c := gqlClient(svc)
	type page struct {
		Products struct {
			Edges []struct {
				Cursor string
				Node   struct{ Code string }
			}
			PageInfo struct{ EndCursor string }
		}
	}
	var asked, fragment, notAsked page
	c.MustPost(`{ products(first: 2) { edges { cursor } pageInfo { endCursor } } }`, &asked)
	c.MustPost(`{ products(first: 2) { edges { ...e } pageInfo { endCursor } } } fragment e on ProductEdge { cursor }`, &fragment)
	c.MustPost(`{ products(first: 2) { edges { node { code } } pageInfo { endCursor } } }`, &notAsked)
	e := asked.Products.Edges
	if len(e) != 2 || e[0].Cursor == "" || e[0].Cursor == e[1].Cursor || e[1].Cursor != asked.Products.PageInfo.EndCursor {
		t.Fatalf("cursors asked for: %+v", asked)
	}
	if fmt.Sprint(fragment) != fmt.Sprint(asked) {
		t.Errorf("through a fragment: %+v, want %+v", fragment, asked)
	}
	if notAsked.Products.PageInfo.EndCursor != e[1].Cursor {
		t.Errorf("end cursor without the edges' cursors: %q, want %q", notAsked.Products.PageInfo.EndCursor, e[1].Cursor)
	}
}
