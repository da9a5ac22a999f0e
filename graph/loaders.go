package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/serialpool/serialpool/graph/model"

	"github.com/serialpool/serialpool/pool"
)

// loaders batch the per-item lookups of one operation (a product's owner, pool
// counts and serials, a serial's product and history, a request's serials) into
// one SQL statement each, so a page costs a constant number of statements
// however many items it holds (TestConstantStatementsNested).
type loaders struct {
	counts         *dataloadgen.Loader[int64, pool.Counts]
	tenants        *dataloadgen.Loader[int64, *pool.Tenant]
	products       *dataloadgen.Loader[int64, *pool.Product]
	histories      *dataloadgen.Loader[pool.SerialKey, []*pool.PackEvent]
	serials        *dataloadgen.Loader[productPage, *pool.SerialPage]
	requestSerials *dataloadgen.Loader[requestPage, *pool.SerialPage]
}

// page is what a paged list field was asked for; items asking alike share a statement.
type page struct {
	status  pool.Status // "" for any
	prefix  string      // "" for any
	afterID int64
	limit   int
}

// productPage asks for a page of a product's serials.
type productPage struct {
	productID, tenantID int64
	page
}

// requestPage asks for a page of a request's serials.
type requestPage struct {
	requestID, productID int64
	page
}

type loadersKey struct{}

func newLoaders(svc Services) *loaders {
	wait := dataloadgen.WithWait(200 * time.Microsecond) // a page primes what its items share; a lone load waits this at most
	return &loaders{
		counts:    dataloadgen.NewLoader(single(svc.Counts), wait),
		tenants:   dataloadgen.NewLoader(single(svc.TenantsByID), wait),
		products:  dataloadgen.NewLoader(single(svc.ProductsByID), wait),
		histories: dataloadgen.NewLoader(single(svc.PackHistories), wait),
		serials: dataloadgen.NewLoader(byPage(func(ctx context.Context, p page, keys []productPage) ([]*pool.SerialPage, error) {
			products := make([]*pool.Product, len(keys))
			for i, k := range keys {
				products[i] = &pool.Product{ID: k.productID, TenantID: k.tenantID}
			}
			f := pool.SerialFilter{Products: products, Prefix: p.prefix, AfterID: p.afterID, Limit: p.limit}
			if p.status != "" {
				f.Status = &p.status
			}
			return svc.Serials(ctx, f)
		}), wait),
		requestSerials: dataloadgen.NewLoader(byPage(func(ctx context.Context, p page, keys []requestPage) ([]*pool.SerialPage, error) {
			reqs := make([]*pool.SerialRequest, len(keys))
			for i, k := range keys {
				reqs[i] = &pool.SerialRequest{ID: k.requestID, ProductID: k.productID}
			}
			return svc.RequestSerialsPages(ctx, reqs, p.afterID, p.limit)
		}), wait),
	}
}

// single adapts a batch method that fails as a whole to dataloadgen's fetch.
func single[K comparable, V any](fetch func(context.Context, []K) ([]V, error)) func(context.Context, []K) ([]V, []error) {
	return func(ctx context.Context, keys []K) ([]V, []error) {
		vs, err := fetch(ctx, keys)
		if err != nil {
			return nil, []error{err}
		}
		return vs, nil
	}
}

// byPage adapts a batch method for pages: one call per set of page arguments.
func byPage[K interface {
	comparable
	pageOf() page
}](fetch func(context.Context, page, []K) ([]*pool.SerialPage, error)) func(context.Context, []K) ([]*pool.SerialPage, []error) {
	return func(ctx context.Context, keys []K) ([]*pool.SerialPage, []error) {
		groups := map[page][]int{}
		for i, k := range keys {
			groups[k.pageOf()] = append(groups[k.pageOf()], i)
		}
		out := make([]*pool.SerialPage, len(keys))
		for p, idx := range groups {
			group := make([]K, len(idx))
			for j, i := range idx {
				group[j] = keys[i]
			}
			pages, err := fetch(ctx, p, group)
			if err != nil {
				return nil, []error{err}
			}
			for j, i := range idx {
				out[i] = pages[j]
			}
		}
		return out, nil
	}
}

func (p page) pageOf() page { return p }

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
func serialConnection(ctx context.Context, page *pool.SerialPage) *model.SerialConnection {
	e, info := edges(ctx, page.Serials, page.HasNext, func(_ int, s *pool.Serial) string { return serialCursor(s) },
		func(c string, s *pool.Serial) *model.SerialEdge { return &model.SerialEdge{Cursor: c, Node: s} })
	return &model.SerialConnection{Edges: e, PageInfo: info}
}

// edges turns a page of nodes into the edges and page info of the connection
// ctx resolves. Each edge carries its cursor only when the operation asks for
// cursors; the page info's end cursor is always there.
func edges[N, E any](ctx context.Context, nodes []*N, hasNext bool, cursor func(i int, n *N) string, edge func(cursor string, node *N) E) ([]E, *model.PageInfo) {
	out := make([]E, len(nodes))
	info := &model.PageInfo{HasNextPage: hasNext}
	all := selectsAny(graphql.GetOperationContext(ctx), below(ctx, "edges"), "cursor")
	for i, n := range nodes {
		c := ""
		if all || i == len(nodes)-1 {
			c = cursor(i, n)
			info.EndCursor = &c
		}
		out[i] = edge(c, n)
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
