package graph

import (
	"context"
	"strings"
	"time"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) RecordPackEvents(ctx context.Context, input []*model.PackEventInput, signature *pool.SignatureInput) (*model.RecordPackEventsResult, error) {
	ctx = signed(ctx, signature)
	events := make([]pool.PackEventInput, len(input))
	for i, e := range input {
		events[i] = pool.PackEventInput{ProductCode: strings.TrimSpace(e.ProductCode), Serial: e.Serial, Event: e.Event, Reason: e.Reason,
			Lot: deref(e.Lot), NHRN: deref(e.Nhrn), TZOffset: deref(e.TimeZoneOffset), Container: deref(e.Container)}
		if e.At != nil {
			events[i].At = *e.At
		}
		if e.Expiry != nil {
			expiry, err := pool.ParseExpiry(*e.Expiry, time.Now())
			if err != nil {
				return nil, pool.Invalid("expiry", "event %d: %s", i+1, pool.ErrorMessage(err))
			}
			events[i].Expiry = expiry
		}
	}
	res, err := r.svc.RecordPackEvents(ctx, events)
	if err != nil {
		return nil, err
	}
	return &model.RecordPackEventsResult{Recorded: res.Recorded, StoredExternal: res.StoredExternal}, nil
}

func (r *packEventResolver) Lot(ctx context.Context, obj *pool.PackEvent) (*string, error) {
	return optional(obj.Lot), nil
}

func (r *packEventResolver) Expiry(ctx context.Context, obj *pool.PackEvent) (*string, error) {
	if obj.Expiry.IsZero() {
		return nil, nil
	}
	return optional(obj.Expiry.Format(time.DateOnly)), nil
}

func (r *packEventResolver) Nhrn(ctx context.Context, obj *pool.PackEvent) (*string, error) {
	return optional(obj.NHRN), nil
}

func (r *packEventResolver) Container(ctx context.Context, obj *pool.PackEvent) (*string, error) {
	return optional(obj.Container), nil
}

func (r *Resolver) PackEvent() PackEventResolver { return &packEventResolver{r} }

type packEventResolver struct{ *Resolver }
