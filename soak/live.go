package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/serialpool/serialpool/internal/liveclient"
)

// liveChurn keeps subscribers of the pool's live counts coming and going while
// the load runs: each opens a WebSocket, subscribes, reads updates for a few
// seconds and closes. A goroutine or connection kept per subscription would
// show as growth in the server's samples.
type liveChurn struct {
	mu                        sync.Mutex
	sessions, updates, failed int
	firstErr                  error
}

const liveQuery = `subscription($c: String!) { poolCounts(productCode: $c) { pool { available assigned } } }`

func (l *liveChurn) run(ctx context.Context, wg *sync.WaitGroup, url, key, code string) {
	defer wg.Done()
	for ctx.Err() == nil {
		updates, err := liveSession(ctx, url, key, code)
		l.mu.Lock()
		l.sessions++
		l.updates += updates
		if err != nil && ctx.Err() == nil {
			l.failed++
			if l.firstErr == nil {
				l.firstErr = err
			}
		}
		l.mu.Unlock()
	}
}

// liveSession subscribes for three seconds and returns the updates received.
func liveSession(ctx context.Context, url, key, code string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := liveclient.Dial(ctx, url, key, nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := c.Subscribe(ctx, "1", liveQuery, map[string]any{"c": code}); err != nil {
		return 0, err
	}
	updates := 0
	for {
		m, err := c.Next(ctx, "1")
		switch {
		case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
			if updates == 0 {
				return 0, errors.New("no update within 3 s")
			}
			return updates, nil
		case err != nil:
			return updates, err
		case m.Type != "next":
			return updates, fmt.Errorf("subscription answered %s %s", m.Type, m.Payload)
		}
		updates++
	}
}

func (l *liveChurn) report() (string, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	summary := fmt.Sprintf("%d live sessions, %d updates, %d failed", l.sessions, l.updates, l.failed)
	if l.failed > 0 {
		return summary, []string{fmt.Sprintf("live counts: %d of %d sessions failed, first: %v", l.failed, l.sessions, l.firstErr)}
	}
	return summary, nil
}
