package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) RequestSerials(ctx context.Context, input model.RequestSerialsInput) (*pool.SerialRequest, error) {
	return r.svc.RequestSerials(ctx, pool.Request{ProductCode: strings.TrimSpace(input.ProductCode), Count: input.Count,
		OrderRef: input.OrderRef, IdempotencyKey: deref(input.IdempotencyKey)})
}

func (r *queryResolver) SerialRequest(ctx context.Context, id string) (*pool.SerialRequest, error) {
	n, err := ParseRequestID(id)
	if err != nil {
		return nil, nil // a forged id finds nothing
	}
	req, err := r.svc.SerialRequestByID(ctx, n)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return req, primeRequests(ctx, r.svc, []*pool.SerialRequest{req}, below(ctx))
}

func (r *queryResolver) SerialRequests(ctx context.Context, filter *model.SerialRequestFilter, first *int, after *string) (*model.SerialRequestConnection, error) {
	limit, before, err := pageArgs("SerialRequestCursor", first, after)
	if err != nil {
		return nil, err
	}
	f := pool.RequestFilter{BeforeID: before, Limit: limit}
	if filter != nil {
		f.ProductCode, f.OrderRef = strings.TrimSpace(deref(filter.ProductCode)), deref(filter.OrderRef)
	}
	page, err := r.svc.SerialRequests(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := primeRequests(ctx, r.svc, page.Requests, below(ctx, "edges", "node")); err != nil {
		return nil, err
	}
	e, info := edges(ctx, page.Requests, page.HasNext, func(_ int, q *pool.SerialRequest) string { return requestCursor(q) },
		func(c string, q *pool.SerialRequest) *model.SerialRequestEdge {
			return &model.SerialRequestEdge{Cursor: c, Node: q}
		})
	return &model.SerialRequestConnection{Edges: e, PageInfo: info}, nil
}

func (r *serialRequestResolver) ID(ctx context.Context, obj *pool.SerialRequest) (string, error) {
	return RequestID(obj.ID), nil
}

func (r *serialRequestResolver) Partner(ctx context.Context, obj *pool.SerialRequest) (*pool.Tenant, error) {
	return loadOptional(ctx, loadersFrom(ctx).tenants, obj.PartnerID)
}

func (r *serialRequestResolver) Product(ctx context.Context, obj *pool.SerialRequest) (*pool.Product, error) {
	return loadersFrom(ctx).products.Load(ctx, obj.ProductID)
}

func (r *serialRequestResolver) Serials(ctx context.Context, obj *pool.SerialRequest, first *int, after *string) (*model.SerialConnection, error) {
	limit, afterID, err := pageArgs("SerialCursor", first, after)
	if err != nil {
		return nil, err
	}
	serials, err := loadersFrom(ctx).requestSerials.Load(ctx, requestPage{obj.ID, obj.ProductID, page{afterID: afterID, limit: limit}})
	if err != nil {
		return nil, err
	}
	return serialConnection(ctx, serials), nil
}

func (r *Resolver) SerialRequest() SerialRequestResolver { return &serialRequestResolver{r} }

type serialRequestResolver struct{ *Resolver }
