package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) ReleaseSerials(ctx context.Context, input model.ReleaseSerialsInput, signature *pool.SignatureInput) (*model.ReleaseResult, error) {
	ctx = signed(ctx, signature)
	n, err := r.svc.ReleaseSerials(ctx, strings.TrimSpace(input.ProductCode), input.Serials)
	if err != nil {
		return nil, err
	}
	return &model.ReleaseResult{Released: n}, nil
}

func (r *queryResolver) Serial(ctx context.Context, productCode string, value string) (*pool.Serial, error) {
	s, err := r.svc.SerialByValue(ctx, strings.TrimSpace(productCode), value)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s, primeSerials(ctx, r.svc, []*pool.Serial{s}, below(ctx))
}

func (r *serialResolver) ID(ctx context.Context, obj *pool.Serial) (string, error) {
	return globalID("Serial", obj.ID), nil
}

func (r *serialResolver) Product(ctx context.Context, obj *pool.Serial) (*pool.Product, error) {
	return loadersFrom(ctx).products.Load(ctx, obj.ProductID)
}

func (r *serialResolver) History(ctx context.Context, obj *pool.Serial) ([]*pool.PackEvent, error) {
	return loadersFrom(ctx).histories.Load(ctx, pool.SerialKey{ProductID: obj.ProductID, SerialID: obj.ID})
}

func (r *serialResolver) DigitalLink(ctx context.Context, obj *pool.Serial) (*string, error) {
	p, err := loadersFrom(ctx).products.Load(ctx, obj.ProductID)
	if err != nil || p == nil || p.CodeSchema == pool.SSCC || p.CodeSchema == pool.PPN {
		return nil, err // Digital Link carries GTINs (AI 01)
	}
	link := gs1.DigitalLink(p.Code, obj.Value)
	return &link, nil
}

func (r *Resolver) Serial() SerialResolver { return &serialResolver{r} }

type serialResolver struct{ *Resolver }
