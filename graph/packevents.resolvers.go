package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *packEventEntryResolver) Event(ctx context.Context, obj *pool.PackEventRecord) (*pool.PackEvent, error) {
	return &obj.PackEvent, nil
}

func (r *queryResolver) PackEvents(ctx context.Context, filter *model.PackEventFilter, first *int, after *string) (*model.PackEventEntryConnection, error) {
	limit, err := pool.PageSize(first)
	if err != nil {
		return nil, err
	}
	before, err := decodePackEventCursor(after)
	if err != nil {
		return nil, err
	}
	f := pool.PackEventListFilter{Before: before, Limit: limit}
	if filter != nil {
		f.ProductCode, f.Events = strings.TrimSpace(deref(filter.ProductCode)), filter.Events
		f.From, f.To = deref(filter.From), deref(filter.To)
	}
	page, err := r.svc.RecentPackEvents(ctx, f)
	if err != nil {
		return nil, err
	}
	e, info := edges(ctx, page.Events, page.HasNext, func(_ int, n *pool.PackEventRecord) string { return packEventCursor(n) },
		func(c string, n *pool.PackEventRecord) *model.PackEventEntryEdge {
			return &model.PackEventEntryEdge{Cursor: c, Node: n}
		})
	return &model.PackEventEntryConnection{Edges: e, PageInfo: info}, nil
}

func (r *queryResolver) Pack(ctx context.Context, identifier string) (*pool.Serial, error) {
	key, err := pool.ParsePackIdentifier(identifier)
	if err != nil {
		return nil, err
	}
	return r.Serial(ctx, key.ProductCode, key.Serial)
}

func (r *Resolver) PackEventEntry() PackEventEntryResolver { return &packEventEntryResolver{r} }

type packEventEntryResolver struct{ *Resolver }
