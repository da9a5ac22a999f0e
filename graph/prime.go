package graph

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/serialpool/serialpool/pool"
)

// Priming: a resolver that returns a list loads, for all its items at once,
// what the selection below them asks for (a product's counts, owner and
// serials; a serial's history and product; a request's product, partner and
// serials), two levels down and further, and puts it into the operation's
// loaders. The items' own resolvers then find it there: one statement per
// field whatever the page size, and no loader waiting for a batch to fill,
// which on a busy machine could split one batch into several.

// below returns the selection under the current field at path (through
// fragments and aliases), e.g. below(ctx, "edges", "node"); nil if none.
func below(ctx context.Context, path ...string) ast.SelectionSet {
	return under(graphql.GetOperationContext(ctx), graphql.GetFieldContext(ctx).Field.Selections, path...)
}

func under(oc *graphql.OperationContext, set ast.SelectionSet, path ...string) ast.SelectionSet {
	for _, name := range path {
		var next ast.SelectionSet
		for _, f := range graphql.CollectFields(oc, set, nil) {
			if f.Name == name {
				next = append(next, f.Selections...)
			}
		}
		set = next
	}
	return set
}

// primeProducts primes what set asks of each product (or SSCC pool). counts
// are the products' pool counts when the caller read them with the products
// (pool.ProductFilter.WithCounts); nil reads them if set asks for them.
func primeProducts(ctx context.Context, svc Services, products []*pool.Product, set ast.SelectionSet, counts []pool.Counts) error {
	if len(products) == 0 || len(set) == 0 {
		return nil
	}
	oc, l := graphql.GetOperationContext(ctx), loadersFrom(ctx)
	ids, owners := make([]int64, len(products)), make([]int64, len(products))
	for i, p := range products {
		ids[i], owners[i] = p.ID, p.TenantID
	}
	done := map[string]bool{}
	for _, f := range graphql.CollectFields(oc, set, nil) {
		switch f.Name {
		case "pool":
			if done["pool"] {
				continue
			}
			done["pool"] = true
			if counts == nil {
				var err error
				if counts, err = svc.Counts(ctx, ids); err != nil {
					return err
				}
			}
			for i, id := range ids {
				l.counts.Prime(id, counts[i])
			}
		case "owner":
			if done["owner"] {
				continue
			}
			done["owner"] = true
			if err := primeTenants(ctx, svc, owners); err != nil {
				return err
			}
		case "serials", "ssccs":
			p, ok := pageOfArgs(f.ArgumentMap(oc.Variables))
			if !ok {
				continue // the field's resolver reports the bad arguments
			}
			filter := pool.SerialFilter{Products: products, Prefix: p.prefix, AfterID: p.afterID, Limit: p.limit}
			if p.status != "" {
				filter.Status = &p.status
			}
			pages, err := svc.Serials(ctx, filter)
			if err != nil {
				return err
			}
			var all []*pool.Serial
			for i, pr := range products {
				l.serials.Prime(productPage{pr.ID, pr.TenantID, p}, pages[i])
				all = append(all, pages[i].Serials...)
			}
			if err := primeSerials(ctx, svc, all, under(oc, f.Selections, "edges", "node")); err != nil {
				return err
			}
		}
	}
	return nil
}

// primeSerials primes what set asks of each serial.
func primeSerials(ctx context.Context, svc Services, serials []*pool.Serial, set ast.SelectionSet) error {
	if len(serials) == 0 || len(set) == 0 {
		return nil
	}
	oc, l := graphql.GetOperationContext(ctx), loadersFrom(ctx)
	var products ast.SelectionSet
	asked, needProducts := false, false
	for _, f := range graphql.CollectFields(oc, set, nil) {
		switch f.Name {
		case "history":
			if asked {
				continue
			}
			asked = true
			keys := make([]pool.SerialKey, len(serials))
			for i, s := range serials {
				keys[i] = pool.SerialKey{ProductID: s.ProductID, SerialID: s.ID}
			}
			h, err := svc.PackHistories(ctx, keys)
			if err != nil {
				return err
			}
			for i, k := range keys {
				l.histories.Prime(k, h[i])
			}
		case "product", "digitalLink":
			products, needProducts = append(products, f.Selections...), true
		}
	}
	if !needProducts {
		return nil
	}
	ids := make([]*int64, len(serials))
	for i, s := range serials {
		ids[i] = &s.ProductID
	}
	return primeProductIDs(ctx, svc, ids, products)
}

// primeRequests primes what set asks of each serial request.
func primeRequests(ctx context.Context, svc Services, reqs []*pool.SerialRequest, set ast.SelectionSet) error {
	if len(reqs) == 0 || len(set) == 0 {
		return nil
	}
	oc, l := graphql.GetOperationContext(ctx), loadersFrom(ctx)
	productIDs, partners := make([]*int64, len(reqs)), []int64{}
	for i, r := range reqs {
		productIDs[i] = &r.ProductID
		if r.PartnerID != nil {
			partners = append(partners, *r.PartnerID)
		}
	}
	if err := primeProductsOf(ctx, svc, productIDs, set); err != nil {
		return err
	}
	if selectsAny(oc, set, "partner") {
		if err := primeTenants(ctx, svc, partners); err != nil {
			return err
		}
	}
	for _, f := range graphql.CollectFields(oc, set, nil) {
		if f.Name != "serials" {
			continue
		}
		p, ok := pageOfArgs(f.ArgumentMap(oc.Variables))
		if !ok {
			continue
		}
		pages, err := svc.RequestSerialsPages(ctx, reqs, p.afterID, p.limit)
		if err != nil {
			return err
		}
		var all []*pool.Serial
		for i, r := range reqs {
			l.requestSerials.Prime(requestPage{r.ID, r.ProductID, p}, pages[i])
			all = append(all, pages[i].Serials...)
		}
		if err := primeSerials(ctx, svc, all, under(oc, f.Selections, "edges", "node")); err != nil {
			return err
		}
	}
	return nil
}

// primeProductsOf primes the product of rows that name one (nil for none),
// when set selects it: audit entries, statistics and activity rows, requests.
func primeProductsOf(ctx context.Context, svc Services, ids []*int64, set ast.SelectionSet) error {
	oc := graphql.GetOperationContext(ctx)
	if !selectsAny(oc, set, "product") {
		return nil
	}
	return primeProductIDs(ctx, svc, ids, under(oc, set, "product"))
}

// primeProductIDs loads the products of rows that name one (nil for none),
// whose product is selected, then primes what set asks of them.
func primeProductIDs(ctx context.Context, svc Services, ids []*int64, set ast.SelectionSet) error {
	seen, distinct := map[int64]bool{}, []int64{}
	for _, id := range ids {
		if id != nil && !seen[*id] {
			seen[*id] = true
			distinct = append(distinct, *id)
		}
	}
	if len(distinct) == 0 {
		return nil
	}
	products, err := svc.ProductsByID(ctx, distinct)
	if err != nil {
		return err
	}
	l, visible := loadersFrom(ctx), []*pool.Product{}
	for i, id := range distinct {
		l.products.Prime(id, products[i])
		if products[i] != nil {
			visible = append(visible, products[i])
		}
	}
	return primeProducts(ctx, svc, visible, set, nil)
}

func primeTenants(ctx context.Context, svc Services, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	tenants, err := svc.TenantsByID(ctx, ids)
	if err != nil {
		return err
	}
	l := loadersFrom(ctx)
	for i, id := range ids {
		l.tenants.Prime(id, tenants[i])
	}
	return nil
}

// selectsAny reports whether set selects any of names.
func selectsAny(oc *graphql.OperationContext, set ast.SelectionSet, names ...string) bool {
	for _, f := range graphql.CollectFields(oc, set, nil) {
		for _, n := range names {
			if f.Name == n {
				return true
			}
		}
	}
	return false
}

// pageOfArgs reads a serials list's arguments as its resolver does; false when
// they are invalid (the resolver reports it).
func pageOfArgs(args map[string]any) (page, bool) {
	var first *int
	switch v := args["first"].(type) {
	case int64:
		n := int(v)
		first = &n
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			return page{}, false
		}
		m := int(n)
		first = &m
	case nil:
	default:
		return page{}, false
	}
	after, _ := args["after"].(string)
	var afterPtr *string
	if after != "" {
		afterPtr = &after
	}
	limit, afterID, err := pageArgs("SerialCursor", first, afterPtr)
	if err != nil {
		return page{}, false
	}
	p := page{afterID: afterID, limit: limit}
	if status, ok := args["status"].(string); ok {
		p.status = pool.Status(status)
	}
	if search, ok := args["search"].(string); ok {
		if p.prefix, err = serialPrefix(search); err != nil {
			return page{}, false
		}
	}
	return p, true
}
