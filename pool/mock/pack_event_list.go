package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// PackEventListService fakes pool.PackEventListService: each method calls its Fn field.
type PackEventListService struct {
	RecentPackEventsFn func(ctx context.Context, f pool.PackEventListFilter) (*pool.PackEventPage, error)
}

// RecentPackEvents calls RecentPackEventsFn.
func (s *PackEventListService) RecentPackEvents(ctx context.Context, f pool.PackEventListFilter) (*pool.PackEventPage, error) {
	return s.RecentPackEventsFn(ctx, f)
}
