package graph

import (
	"context"
	"time"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

// Live counts (Subscription.poolCounts) read the exact counters every second:
// one indexed read per subscriber, and no work at all for intake, which change
// notifications from the counter trigger would add to every statement.
const (
	pollEvery        = time.Second
	maxSubscriptions = 10 // per WebSocket connection
)

// watchPool sends a product's counts at once and then on each change, until
// ctx ends or the product is no longer visible to the caller.
func watchPool(ctx context.Context, svc Services, code string) (<-chan *model.PoolUpdate, error) {
	if _, err := svc.ProductByCode(ctx, code); err != nil {
		return nil, err
	}
	release, err := takeSubscription(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan *model.PoolUpdate)
	go func() {
		defer release()
		defer close(out)
		tick := time.NewTicker(pollEvery)
		defer tick.Stop()
		var last *model.PoolUpdate
		for {
			u, gone := readPool(ctx, svc, code)
			if gone {
				return
			}
			if u != nil && (last == nil || *u.Pool != *last.Pool || u.LowThreshold != last.LowThreshold) {
				select {
				case out <- u:
					last = u
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-tick.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// readPool reads the product's counts now; a failure such as an unreachable
// database is tried again at the next tick.
func readPool(ctx context.Context, svc Services, code string) (u *model.PoolUpdate, gone bool) {
	p, err := svc.ProductByCode(ctx, code)
	if err != nil {
		return nil, pool.ErrorCode(err) == pool.ENOTFOUND
	}
	c, err := svc.Counts(ctx, []int64{p.ID})
	if err != nil {
		return nil, false
	}
	return &model.PoolUpdate{ProductCode: p.Code, Pool: poolModel(c[0], p.LowThreshold), LowThreshold: p.LowThreshold}, false
}
