package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// PackEventService fakes pool.PackEventService: each method calls its Fn field.
type PackEventService struct {
	RecordPackEventsFn func(ctx context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error)
	PackHistoriesFn    func(ctx context.Context, serials []pool.SerialKey) ([][]*pool.PackEvent, error)
	PackEventsFn       func(ctx context.Context, f pool.PackEventFilter) (*pool.PackEventPage, error)
}

// PackEvents calls PackEventsFn (pool.EPCISService's listing).
func (s *PackEventService) PackEvents(ctx context.Context, f pool.PackEventFilter) (*pool.PackEventPage, error) {
	return s.PackEventsFn(ctx, f)
}

// RecordPackEvents calls RecordPackEventsFn.
func (s *PackEventService) RecordPackEvents(ctx context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
	return s.RecordPackEventsFn(ctx, events)
}

// PackHistories calls PackHistoriesFn.
func (s *PackEventService) PackHistories(ctx context.Context, serials []pool.SerialKey) ([][]*pool.PackEvent, error) {
	return s.PackHistoriesFn(ctx, serials)
}
