package graph

import (
	"context"
	"slices"
	"sync"

	"github.com/serialpool/serialpool/pool"
)

// Slots bound the GraphQL operations a server executes at once, and share
// them between tenants. Past the bound an operation waits for a slot, first
// come first served within its tenant; a freed slot goes to the waiting
// tenant holding the fewest, and no tenant holds them all, so one tenant's
// burst or slow operations leave the others a slot soon.
//
// Under a load of more operations than cores, running them all at once made
// each wait for the CPU behind all the others, in no order: on the products
// page (32 connections, 2 cores) p99 was eight times the median. In slots,
// the same load runs as fast with a p99 of about twice the median
// (bench/README.md, "The read path").
type Slots struct {
	mu        sync.Mutex
	free      int
	perTenant int                       // the most one tenant holds
	held      map[int64]int             // by tenant
	waiting   map[int64][]chan struct{} // by tenant, oldest first
}

// NewSlots makes n slots.
func NewSlots(n int) *Slots {
	return &Slots{free: n, perTenant: max(n-1, 1), held: map[int64]int{}, waiting: map[int64][]chan struct{}{}}
}

// acquire waits for a slot for the caller's tenant, until ctx ends
// (UNAVAILABLE: the server is busy); release gives it back. Nil slots bound
// nothing.
func (s *Slots) acquire(ctx context.Context) (release func(), err error) {
	if s == nil {
		return func() {}, nil
	}
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	t := a.TenantID
	release = func() { s.release(t) }
	s.mu.Lock()
	if s.free > 0 && s.held[t] < s.perTenant && len(s.waiting[t]) == 0 {
		s.take(t)
		s.mu.Unlock()
		return release, nil
	}
	granted := make(chan struct{})
	s.waiting[t] = append(s.waiting[t], granted)
	s.mu.Unlock()
	select {
	case <-granted:
		return release, nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if i := slices.Index(s.waiting[t], granted); i >= 0 {
		s.dequeue(t, i)
		s.mu.Unlock()
	} else { // granted meanwhile: handed on
		s.mu.Unlock()
		release()
	}
	return nil, pool.Errorf(pool.EUNAVAILABLE, "the server is busy with other operations; retry in a moment")
}

// Waiting is how many operations wait for a slot.
func (s *Slots) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, w := range s.waiting {
		n += len(w)
	}
	return n
}

func (s *Slots) release(t int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[t]--; s.held[t] == 0 {
		delete(s.held, t)
	}
	s.free++
	for s.free > 0 {
		next, ok := int64(0), false
		for w := range s.waiting {
			if s.held[w] < s.perTenant && (!ok || s.held[w] < s.held[next]) {
				next, ok = w, true
			}
		}
		if !ok {
			return
		}
		granted := s.waiting[next][0]
		s.dequeue(next, 0)
		s.take(next)
		close(granted)
	}
}

func (s *Slots) take(t int64) {
	s.free--
	s.held[t]++
}

func (s *Slots) dequeue(t int64, i int) {
	if s.waiting[t] = slices.Delete(s.waiting[t], i, i+1); len(s.waiting[t]) == 0 {
		delete(s.waiting, t)
	}
}
