package graph

import (
	"context"
	"sync"
	"time"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

// Live counts (Subscription.poolCounts) fan out from one read per change: the
// counter trigger notifies the product id of each changed pool (db.WatchCounts,
// one listening connection per server), and the server's hub reads that
// pool's counts once per tenant among its subscribers (a CMO sees its partner
// counts, the MAH its own) and pushes them to every subscriber of it. Changes
// that arrive within liveGap of each other share one read of all the pools
// they touched, so a busy pool costs a few reads a second however many watch it.
const (
	maxSubscriptions = 10 // per WebSocket connection
	liveGap          = 200 * time.Millisecond
	// liveResync re-reads every watched pool, in case a notification was lost
	// (the listening connection re-reads all of them whenever it reconnects).
	liveResync  = 30 * time.Second
	liveTimeout = 5 * time.Second // of one read
	// pollEvery is the period of the per-subscriber polling that
	// Options.PollLiveCounts brings back: the bench's baseline, nothing else.
	pollEvery = time.Second
)

// WatchCounts calls changed with the product id of each change of pool
// counts, until ctx ends, and resync whenever changes may have been missed
// (after each connection of its listener). db.DB.WatchCounts is one.
type WatchCounts func(ctx context.Context, changed func(productID int64), resync func())

// live is one server's hub of live counts. It runs its reader and listener
// only while anyone watches.
type live struct {
	svc   Services
	watch WatchCounts // nil: changes are seen at the resync only
	poll  bool

	mu    sync.Mutex
	pools map[int64]map[int64]map[*watcher]bool // product id -> tenant id -> its watchers
	dirty map[int64]bool                        // product ids to read at the next flush
	wake  chan struct{}
	stop  context.CancelFunc // of the reader and listener, while anyone watches
}

// watcher is one subscription: the hub offers it the newest counts, and nil
// when the product is no longer visible to its tenant.
type watcher struct {
	tenant, product int64
	updates         chan *model.PoolUpdate // one place: a newer update replaces an unsent one
}

func newLive(svc Services, watch WatchCounts, poll bool) *live {
	return &live{svc: svc, watch: watch, poll: poll, pools: map[int64]map[int64]map[*watcher]bool{},
		dirty: map[int64]bool{}, wake: make(chan struct{}, 1)}
}

// watchPool sends a product's counts at once and then on each change, until
// ctx ends or the product is no longer visible to the caller.
func (l *live) watchPool(ctx context.Context, code string) (<-chan *model.PoolUpdate, error) {
	p, err := l.svc.ProductByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	release, err := takeSubscription(ctx)
	if err != nil {
		return nil, err
	}
	var w *watcher
	if !l.poll {
		// Before the first read, so that no change after it goes unseen.
		w = &watcher{tenant: a.TenantID, product: p.ID, updates: make(chan *model.PoolUpdate, 1)}
		l.add(w)
	}
	out := make(chan *model.PoolUpdate)
	go func() {
		defer release()
		defer close(out)
		if w != nil {
			defer l.remove(w)
		}
		var tick <-chan time.Time
		if l.poll {
			t := time.NewTicker(pollEvery)
			defer t.Stop()
			tick = t.C
		}
		u, gone := readPool(ctx, l.svc, code)
		var last *model.PoolUpdate
		for !gone {
			if u != nil && (last == nil || *u.Pool != *last.Pool || u.LowThreshold != last.LowThreshold) {
				select {
				case out <- u:
					last = u
				case <-ctx.Done():
					return
				}
			}
			if l.poll {
				select {
				case <-tick:
				case <-ctx.Done():
					return
				}
				u, gone = readPool(ctx, l.svc, code)
				continue
			}
			select {
			case u = <-w.updates:
				gone = u == nil
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// readPool reads the product's counts now, for one subscriber; a failure such
// as an unreachable database is tried again at the next change (or tick).
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

// add registers w, starting the reader and listener for the first watcher.
func (l *live) add(w *watcher) {
	l.mu.Lock()
	defer l.mu.Unlock()
	byTenant := l.pools[w.product]
	if byTenant == nil {
		byTenant = map[int64]map[*watcher]bool{}
		l.pools[w.product] = byTenant
	}
	if byTenant[w.tenant] == nil {
		byTenant[w.tenant] = map[*watcher]bool{}
	}
	byTenant[w.tenant][w] = true
	if l.stop == nil {
		ctx, cancel := context.WithCancel(context.Background())
		l.stop = cancel
		go l.run(ctx)
		if l.watch != nil {
			go l.watch(ctx, l.changed, l.resync)
		}
	}
}

// remove forgets w, stopping the reader and listener after the last watcher.
func (l *live) remove(w *watcher) {
	l.mu.Lock()
	defer l.mu.Unlock()
	byTenant := l.pools[w.product]
	delete(byTenant[w.tenant], w)
	if len(byTenant[w.tenant]) == 0 {
		delete(byTenant, w.tenant)
	}
	if len(byTenant) == 0 {
		delete(l.pools, w.product)
	}
	if len(l.pools) == 0 && l.stop != nil {
		l.stop()
		l.stop = nil
	}
}

// changed marks a product to read, if anyone watches it.
func (l *live) changed(productID int64) {
	l.mu.Lock()
	_, watched := l.pools[productID]
	if watched {
		l.dirty[productID] = true
	}
	l.mu.Unlock()
	if watched {
		l.poke()
	}
}

// resync marks every watched product to read.
func (l *live) resync() {
	l.mu.Lock()
	for id := range l.pools {
		l.dirty[id] = true
	}
	l.mu.Unlock()
	l.poke()
}

func (l *live) poke() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run reads the marked products whenever there are any, at most once per
// liveGap, and every watched one each liveResync.
func (l *live) run(ctx context.Context) {
	resync := time.NewTicker(liveResync)
	defer resync.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-l.wake:
		case <-resync.C:
			l.resync()
		}
		l.flush(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(liveGap):
		}
	}
}

// flush reads the marked products' counts, one read per tenant watching any
// of them, and offers each watcher its tenant's view.
func (l *live) flush(ctx context.Context) {
	l.mu.Lock()
	byTenant := map[int64][]int64{}
	for id := range l.dirty {
		for tenant := range l.pools[id] {
			byTenant[tenant] = append(byTenant[tenant], id)
		}
	}
	clear(l.dirty)
	l.mu.Unlock()
	for tenant, ids := range byTenant {
		// The tenant's row-level security decides what its watchers see.
		rctx, cancel := context.WithTimeout(pool.WithActor(ctx, pool.Actor{TenantID: tenant, Role: pool.RoleViewer, System: "live counts"}), liveTimeout)
		updates, err := l.read(rctx, ids)
		cancel()
		l.mu.Lock()
		for i, id := range ids {
			if err != nil {
				if l.pools[id] != nil {
					l.dirty[id] = true // tried again after the gap
				}
				continue
			}
			for w := range l.pools[id][tenant] {
				offer(w.updates, updates[i])
			}
		}
		l.mu.Unlock()
		if err != nil {
			l.poke()
		}
	}
}

// read returns the counts of products ids as the actor of ctx sees them, nil
// for one it no longer sees.
func (l *live) read(ctx context.Context, ids []int64) ([]*model.PoolUpdate, error) {
	products, err := l.svc.ProductsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	counts, err := l.svc.Counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	updates := make([]*model.PoolUpdate, len(ids))
	for i, p := range products {
		if p != nil {
			updates[i] = &model.PoolUpdate{ProductCode: p.Code, Pool: poolModel(counts[i], p.LowThreshold), LowThreshold: p.LowThreshold}
		}
	}
	return updates, nil
}

// offer puts u in the one place of ch, replacing what its reader has not taken.
func offer(ch chan *model.PoolUpdate, u *model.PoolUpdate) {
	for {
		select {
		case ch <- u:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}
