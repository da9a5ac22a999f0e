package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *containerResolver) Serial(ctx context.Context, obj *pool.Serial) (*pool.Serial, error) {
	return obj, primeSerials(ctx, r.svc, []*pool.Serial{obj}, below(ctx))
}

func (r *containerResolver) Contents(ctx context.Context, obj *pool.Serial, first *int, after *string) (*model.SerialConnection, error) {
	limit, afterID, err := pageArgs("SerialCursor", first, after)
	if err != nil {
		return nil, err
	}
	page, err := r.svc.ContainerContents(ctx, obj.Value, afterID, limit)
	if err != nil {
		return nil, err
	}
	return serialConnection(ctx, page), primeSerials(ctx, r.svc, page.Serials, below(ctx, "edges", "node"))
}

func (r *mutationResolver) CreateSsccPool(ctx context.Context, input model.CreateSsccPoolInput) (*pool.Product, error) {
	return r.svc.CreateSSCCPool(ctx, strings.TrimSpace(input.CompanyPrefix), input.ExtensionDigit)
}

func (r *mutationResolver) DecommissionContainer(ctx context.Context, input model.DecommissionContainerInput, signature *pool.SignatureInput) (*model.RecordPackEventsResult, error) {
	ctx = signed(ctx, signature)
	in := pool.ContainerDecommission{SSCC: strings.TrimSpace(input.Sscc), Reason: input.Reason}
	if input.At != nil {
		in.At = *input.At
	}
	if input.TimeZoneOffset != nil {
		in.TZOffset = *input.TimeZoneOffset
	}
	res, err := r.svc.DecommissionContainer(ctx, in)
	if err != nil {
		return nil, err
	}
	return &model.RecordPackEventsResult{Recorded: res.Recorded, StoredExternal: res.StoredExternal}, nil
}

func (r *queryResolver) SsccPools(ctx context.Context) ([]*pool.Product, error) {
	pools, err := r.svc.SSCCPools(ctx)
	if err != nil {
		return nil, err
	}
	return pools, primeProducts(ctx, r.svc, pools, below(ctx), nil)
}

func (r *queryResolver) SsccPool(ctx context.Context, code string) (*pool.Product, error) {
	p, err := r.svc.SSCCPool(ctx, strings.TrimSpace(code))
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return p, primeProducts(ctx, r.svc, []*pool.Product{p}, below(ctx), nil)
}

func (r *queryResolver) Container(ctx context.Context, sscc string) (*pool.Serial, error) {
	c, err := r.svc.Container(ctx, strings.TrimSpace(sscc))
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	return c, err
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
	return r.Product().Serials(ctx, obj, status, nil, first, after)
}

func (r *Resolver) Container() ContainerResolver { return &containerResolver{r} }

func (r *Resolver) SsccPool() SsccPoolResolver { return &ssccPoolResolver{r} }

type (
	containerResolver struct{ *Resolver }
	ssccPoolResolver  struct{ *Resolver }
)
