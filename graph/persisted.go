package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// persistedQueries are gqlgen's automatic persisted queries with documents
// kept per tenant: a hash another tenant sent finds nothing, so no tenant can
// confirm what another ran. Its own refusals (a hash that does not match the
// query, a bad version) carry no code; they are the caller's mistake.
type persistedQueries struct {
	extension.AutomaticPersistedQuery
}

func newPersistedQueries(size int) persistedQueries {
	return persistedQueries{extension.AutomaticPersistedQuery{Cache: tenantCache{lru.New[string](size)}}}
}

func (p persistedQueries) MutateOperationParameters(ctx context.Context, raw *graphql.RawParams) *gqlerror.Error {
	err := p.AutomaticPersistedQuery.MutateOperationParameters(ctx, raw)
	if err != nil && err.Extensions["code"] == nil {
		err.Extensions = map[string]any{"code": pool.EINVALID, "field": "extensions.persistedQuery"}
	}
	return err
}

// tenantCache keys a cache by the caller's tenant; without one it keeps nothing.
type tenantCache struct {
	graphql.Cache[string]
}

func (c tenantCache) Get(ctx context.Context, hash string) (string, bool) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return "", false
	}
	return c.Cache.Get(ctx, tenantKey(a, hash))
}

func (c tenantCache) Add(ctx context.Context, hash, query string) {
	if a, err := pool.ActorFrom(ctx); err == nil {
		c.Cache.Add(ctx, tenantKey(a, hash), query)
	}
}

func tenantKey(a pool.Actor, hash string) string {
	return strconv.FormatInt(a.TenantID, 10) + ":" + hash
}
