package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) RecordPackEvents(ctx context.Context, input []*model.PackEventInput, signature *pool.SignatureInput) (*model.RecordPackEventsResult, error) {
	ctx = signed(ctx, signature)
	events := make([]pool.PackEventInput, len(input))
	for i, e := range input {
		events[i] = pool.PackEventInput{ProductCode: strings.TrimSpace(e.ProductCode), Serial: e.Serial, Event: e.Event, Reason: e.Reason}
		if e.At != nil {
			events[i].At = *e.At
		}
	}
	res, err := r.svc.RecordPackEvents(ctx, events)
	if err != nil {
		return nil, err
	}
	return &model.RecordPackEventsResult{Recorded: res.Recorded, StoredExternal: res.StoredExternal}, nil
}
