package graph

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

func tenantCtx(t int64) context.Context {
	return pool.WithActor(context.Background(), pool.Actor{TenantID: t})
}

// waiter acquires a slot for tenant in a goroutine; its channel yields the
// release once the slot is granted.
func waiter(t *testing.T, s *Slots, ctx context.Context) <-chan func() {
	t.Helper()
	got := make(chan func(), 1)
	go func() {
		release, err := s.acquire(ctx)
		if err != nil {
			close(got)
			return
		}
		got <- release
	}()
	return got
}

func granted(t *testing.T, w <-chan func(), want bool) func() {
	t.Helper()
	select {
	case release, ok := <-w:
		if !ok {
			t.Fatal("acquire failed")
		}
		if !want {
			t.Fatal("granted a slot it should wait for")
		}
		return release
	case <-time.After(50 * time.Millisecond):
		if want {
			t.Fatal("still waiting for a slot it should have")
		}
		return nil
	}
}

// TestSlotsShareBetweenTenants: no tenant holds every slot, a freed slot goes
// to the waiting tenant holding the fewest, and a tenant's operations get
// theirs in the order they asked.
func TestSlotsShareBetweenTenants(t *testing.T) {
	s := NewSlots(3) // a tenant holds 2 at most
	a1 := granted(t, waiter(t, s, tenantCtx(1)), true)
	a2 := granted(t, waiter(t, s, tenantCtx(1)), true)
	a3 := waiter(t, s, tenantCtx(1))
	granted(t, a3, false) // A's third waits, though a slot is free
	b1 := granted(t, waiter(t, s, tenantCtx(2)), true)
	b2 := waiter(t, s, tenantCtx(2))
	a4 := waiter(t, s, tenantCtx(1))
	granted(t, b2, false)
	if n := s.Waiting(); n != 3 {
		t.Fatalf("%d waiting, want 3", n)
	}

	b1() // A holds 2, B none: B's waiter gets it, not A's older one
	b2r := granted(t, b2, true)
	granted(t, a3, false)
	a1() // A's waiters, oldest first
	a3r := granted(t, a3, true)
	granted(t, a4, false)
	a2()
	a4r := granted(t, a4, true)
	for _, r := range []func(){b2r, a3r, a4r} {
		r()
	}
	if s.free != 3 || len(s.held) != 0 || len(s.waiting) != 0 {
		t.Fatalf("after every release: free %d, held %v, waiting %v", s.free, s.held, s.waiting)
	}
}

// TestSlotsWaitEndsWithTheRequest: a wait cut by its request's deadline is
// UNAVAILABLE and leaves nothing behind, and under many operations coming
// and giving up at once no slot is lost or held twice.
func TestSlotsWaitEndsWithTheRequest(t *testing.T) {
	s := NewSlots(1)
	release, err := s.acquire(tenantCtx(1))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(tenantCtx(2), 20*time.Millisecond)
	defer cancel()
	if _, err := s.acquire(ctx); pool.ErrorCode(err) != pool.EUNAVAILABLE {
		t.Fatalf("a wait past the deadline: %v, want UNAVAILABLE", err)
	}
	release()
	if s.free != 1 || len(s.waiting) != 0 {
		t.Fatalf("free %d, waiting %v", s.free, s.waiting)
	}

	s = NewSlots(4)
	var mu sync.Mutex
	running := map[int64]int{}
	var wg sync.WaitGroup
	for i := range 400 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tenant := int64(i % 5)
			ctx, cancel := context.WithTimeout(tenantCtx(tenant), time.Duration(rand.IntN(3000))*time.Microsecond)
			defer cancel()
			release, err := s.acquire(ctx)
			if err != nil {
				return
			}
			mu.Lock()
			running[tenant]++
			total := 0
			for _, n := range running {
				total += n
			}
			if total > 4 || running[tenant] > 3 {
				t.Errorf("%d operations running, %d of tenant %d", total, running[tenant], tenant)
			}
			mu.Unlock()
			time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
			mu.Lock()
			running[tenant]--
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	if s.free != 4 || len(s.held) != 0 || len(s.waiting) != 0 {
		t.Fatalf("after every operation: free %d, held %v, waiting %v", s.free, s.held, s.waiting)
	}
}
