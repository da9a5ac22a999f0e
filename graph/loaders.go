package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/serialpool/serialpool/graph/model"

	"github.com/serialpool/serialpool/pool"
)

// loaders batch the per-item lookups of one request (a product's owner and
// pool counts, a serial's product) into one SQL statement each, so a page of
// products costs a constant number of statements.
type loaders struct {
	counts   *dataloadgen.Loader[int64, pool.Counts]
	tenants  *dataloadgen.Loader[int64, *pool.Tenant]
	products *dataloadgen.Loader[int64, *pool.Product]
}

type loadersKey struct{}

func newLoaders(svc Services) *loaders {
	wait := dataloadgen.WithWait(200 * time.Microsecond) // gqlgen resolves a list's items concurrently, well within this
	return &loaders{
		counts:   dataloadgen.NewLoader(single(svc.Counts), wait),
		tenants:  dataloadgen.NewLoader(single(svc.TenantsByID), wait),
		products: dataloadgen.NewLoader(single(svc.ProductsByID), wait),
	}
}

// single adapts a batch method that fails as a whole to dataloadgen's fetch.
func single[V any](fetch func(context.Context, []int64) ([]V, error)) func(context.Context, []int64) ([]V, []error) {
	return func(ctx context.Context, ids []int64) ([]V, []error) {
		vs, err := fetch(ctx, ids)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}

// withLoaders gives an operation its own loaders.
func withLoaders(ctx context.Context, svc Services) context.Context {
	return context.WithValue(ctx, loadersKey{}, newLoaders(svc))
}

func loadersFrom(ctx context.Context) *loaders { return ctx.Value(loadersKey{}).(*loaders) }

// poolOf reads a product's (or SSCC pool's) counts through the request's loader.
func poolOf(ctx context.Context, p *pool.Product) (*model.Pool, error) {
	c, err := loadersFrom(ctx).counts.Load(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return poolModel(c, p.LowThreshold), nil
}

func poolModel(c pool.Counts, lowThreshold int) *model.Pool {
	return &model.Pool{Available: int(c.Available), Assigned: int(c.Assigned), Total: int(c.Total()), Low: c.Low(lowThreshold)}
}

// serialConnection turns a page of serials into a Relay connection.
func serialConnection(page *pool.SerialPage) *model.SerialConnection {
	e, info := edges(page.Serials, page.HasNext, serialCursor,
		func(c string, s *pool.Serial) *model.SerialEdge { return &model.SerialEdge{Cursor: c, Node: s} })
	return &model.SerialConnection{Edges: e, PageInfo: info}
}

// edges turns a page of nodes into a connection's edges and its page info.
func edges[N, E any](nodes []*N, hasNext bool, cursor func(*N) string, edge func(cursor string, node *N) E) ([]E, *model.PageInfo) {
	out := make([]E, len(nodes))
	info := &model.PageInfo{HasNextPage: hasNext}
	for i, n := range nodes {
		c := cursor(n)
		out[i], info.EndCursor = edge(c, n), &c
	}
	return out, info
}

// loadOptional loads the value of an optional id through a loader; nil stays nil.
func loadOptional[V any](ctx context.Context, l *dataloadgen.Loader[int64, *V], id *int64) (*V, error) {
	if id == nil {
		return nil, nil
	}
	return l.Load(ctx, *id)
}

// selects reports whether the current field's selection reaches path (through
// fragments), e.g. selects(ctx, "edges", "node", "pool").
func selects(ctx context.Context, path ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	set := graphql.GetFieldContext(ctx).Field.Selections
	for _, name := range path {
		var next ast.SelectionSet
		found := false
		for _, f := range graphql.CollectFields(oc, set, nil) {
			if f.Name == name {
				next, found = append(next, f.Selections...), true
			}
		}
		if !found {
			return false
		}
		set = next
	}
	return true
}

// prime loads the pool counts and owners of products the caller is about to
// resolve, when the selection (at path below the current field) asks for them:
// one query each, whatever the page size, and no loader waits for a batch.
func prime(ctx context.Context, svc Services, products []*pool.Product, path ...string) error {
	if len(products) == 0 {
		return nil
	}
	l := loadersFrom(ctx)
	ids := make([]int64, len(products))
	for i, p := range products {
		ids[i] = p.ID
	}
	if selects(ctx, append(path, "pool")...) {
		counts, err := svc.Counts(ctx, ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			l.counts.Prime(id, counts[i])
		}
	}
	if selects(ctx, append(path, "owner")...) {
		owners := make([]int64, len(products))
		for i, p := range products {
			owners[i] = p.TenantID
		}
		tenants, err := svc.TenantsByID(ctx, owners)
		if err != nil {
			return err
		}
		for i, id := range owners {
			l.tenants.Prime(id, tenants[i])
		}
	}
	return nil
}
