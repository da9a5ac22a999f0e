package graph

import (
	"context"
	"strings"
	"time"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *activityRowResolver) Product(ctx context.Context, obj *pool.ActivityRow) (*pool.Product, error) {
	return loadOptional(ctx, loadersFrom(ctx).products, obj.ProductID)
}

func (r *poolStatsRowResolver) Product(ctx context.Context, obj *pool.StatsRow) (*pool.Product, error) {
	return loadOptional(ctx, loadersFrom(ctx).products, obj.ProductID)
}

func (r *poolStatsRowResolver) Partner(ctx context.Context, obj *pool.StatsRow) (*pool.Tenant, error) {
	return loadOptional(ctx, loadersFrom(ctx).tenants, obj.PartnerID)
}

func (r *queryResolver) PoolStats(ctx context.Context, groupBy []pool.StatsDimension, filter *model.PoolStatsFilter) ([]*pool.StatsRow, error) {
	f := pool.StatsFilter{}
	if filter != nil {
		f = pool.StatsFilter{Source: filter.Source, Status: filter.Status, CodeSchema: filter.CodeSchema}
		if filter.ProductCode != nil {
			f.ProductCode = strings.TrimSpace(*filter.ProductCode)
		}
	}
	rows, err := r.svc.PoolStats(ctx, groupBy, f)
	if err != nil {
		return nil, err
	}
	products := make([]*int64, len(rows))
	for i, row := range rows {
		products[i] = row.ProductID
	}
	return rows, primeProductsOf(ctx, r.svc, products, below(ctx))
}

func (r *queryResolver) PoolActivity(ctx context.Context, from time.Time, to time.Time, interval *pool.ActivityInterval, groupBy []pool.ActivityDimension) ([]*pool.ActivityRow, error) {
	iv := pool.Day
	if interval != nil {
		iv = *interval
	}
	rows, err := r.svc.PoolActivity(ctx, from, to, iv, groupBy)
	if err != nil {
		return nil, err
	}
	products := make([]*int64, len(rows))
	for i, row := range rows {
		products[i] = row.ProductID
	}
	return rows, primeProductsOf(ctx, r.svc, products, below(ctx))
}

func (r *Resolver) ActivityRow() ActivityRowResolver { return &activityRowResolver{r} }

func (r *Resolver) PoolStatsRow() PoolStatsRowResolver { return &poolStatsRowResolver{r} }

type (
	activityRowResolver  struct{ *Resolver }
	poolStatsRowResolver struct{ *Resolver }
)
