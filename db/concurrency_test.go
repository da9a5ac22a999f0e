package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// TestConcurrentMovesDoNotDeadlock moves serials of one product both ways at
// once: requests (Available -> Assigned), releases (back), partner assignments,
// the CMO's own requests, and intake of new serials. Each statement moves
// several counter rows and every insert share-locks the product; locks must be
// taken in one order, or two transactions wait on each other until PostgreSQL
// aborts one (40P01).
func TestConcurrentMovesDoNotDeadlock(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p, err := w.db.CreateProduct(w.mahAdmin, pool.NewProduct{Code: gtin(7), CodeSchema: pool.GTIN, Name: "Busy", Source: pool.SourceSAPATTP})
	if err != nil {
		t.Fatal(err)
	}
	w.addSerials(t, p, "B", 20000)
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 2000}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actor := w.mahAdmin
			if i%4 == 3 {
				actor = w.cmoAdmin
			}
			for n := 0; n < 25 && ctx.Err() == nil; n++ {
				if i%4 == 1 && n%5 == 0 {
					rows := pool.SliceRows{{Value: fmt.Sprintf("N%d-%d", i, n)}}
					if _, err := w.db.Receive(actor, pool.Intake{ProductCode: p.Code, Source: pool.SourceSAPATTP, Rows: &rows}); err != nil {
						errs <- fmt.Errorf("receive: %w", err)
						return
					}
				}
				if i%4 == 2 && n%5 == 0 {
					if _, err := w.db.AssignToPartner(actor, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 5}); err != nil {
						errs <- fmt.Errorf("assign: %w", err)
						return
					}
				}
				req, err := w.db.RequestSerials(actor, pool.Request{ProductCode: p.Code, Count: 10, OrderRef: fmt.Sprintf("PO-%d-%d", i, n)})
				if err != nil {
					errs <- fmt.Errorf("request: %w", err)
					return
				}
				var values []string
				page, err := requestPage(actor, w, req, 0, 10)
				if err != nil {
					errs <- err
					return
				}
				for _, s := range page.Serials {
					values = append(values, s.Value)
				}
				if _, err := w.db.ReleaseSerials(actor, p.Code, values); err != nil {
					errs <- fmt.Errorf("release: %w", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if ctx.Err() != nil {
		t.Error("the workers did not finish within a minute")
	}
	assertCountersExact(t, w)
}
