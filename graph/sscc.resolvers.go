package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) CreateSsccPool(ctx context.Context, input model.CreateSsccPoolInput) (*pool.Product, error) {
	return r.svc.CreateSSCCPool(ctx, strings.TrimSpace(input.CompanyPrefix), input.ExtensionDigit)
}

func (r *queryResolver) SsccPools(ctx context.Context) ([]*pool.Product, error) {
	pools, err := r.svc.SSCCPools(ctx)
	if err != nil {
		return nil, err
	}
	return pools, primeProducts(ctx, r.svc, pools, below(ctx))
}

func (r *queryResolver) SsccPool(ctx context.Context, code string) (*pool.Product, error) {
	p, err := r.svc.SSCCPool(ctx, strings.TrimSpace(code))
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	return p, err
}

func (r *ssccPoolResolver) CompanyPrefix(ctx context.Context, obj *pool.Product) (string, error) {
	return obj.Code[1:], nil
}

func (r *ssccPoolResolver) ExtensionDigit(ctx context.Context, obj *pool.Product) (int, error) {
	return int(obj.Code[0] - '0'), nil
}

func (r *ssccPoolResolver) Pool(ctx context.Context, obj *pool.Product) (*model.Pool, error) {
	return poolOf(ctx, obj)
}

func (r *ssccPoolResolver) Ssccs(ctx context.Context, obj *pool.Product, status *pool.Status, first *int, after *string) (*model.SerialConnection, error) {
	return r.Product().Serials(ctx, obj, status, first, after)
}

func (r *Resolver) SsccPool() SsccPoolResolver { return &ssccPoolResolver{r} }

type ssccPoolResolver struct{ *Resolver }
