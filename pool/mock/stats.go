package mock

import (
	"context"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// StatsService fakes pool.StatsService: each method calls its Fn field.
type StatsService struct {
	PoolStatsFn    func(ctx context.Context, groupBy []pool.StatsDimension, f pool.StatsFilter) ([]*pool.StatsRow, error)
	PoolActivityFn func(ctx context.Context, from, to time.Time, interval pool.ActivityInterval, groupBy []pool.ActivityDimension) ([]*pool.ActivityRow, error)
}

// PoolStats calls PoolStatsFn.
func (s *StatsService) PoolStats(ctx context.Context, groupBy []pool.StatsDimension, f pool.StatsFilter) ([]*pool.StatsRow, error) {
	return s.PoolStatsFn(ctx, groupBy, f)
}

// PoolActivity calls PoolActivityFn.
func (s *StatsService) PoolActivity(ctx context.Context, from, to time.Time, interval pool.ActivityInterval, groupBy []pool.ActivityDimension) ([]*pool.ActivityRow, error) {
	return s.PoolActivityFn(ctx, from, to, interval, groupBy)
}
