package db_test

import (
	"fmt"
	"testing"
	"time"
)

// TestReleaseInABigPool releases a few hundred serials of a pool of 300,000,
// five times: the calls PostgreSQL plans for their actual values before it
// settles on a generic plan. Each must probe the index per serial, not scan the
// pool, as it did under row-level security (6.5 s a call).
func TestReleaseInABigPool(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(8), "Big")
	w.addSerials(t, p, "B", 300_000)
	for i := 0; i < 5; i++ {
		req, err := w.db.RequestSerials(w.mahAdmin, p.Code, 300, fmt.Sprint("PO-", i))
		if err != nil {
			t.Fatal(err)
		}
		page, err := w.db.RequestSerialsPage(w.mahAdmin, req, 0, 300)
		if err != nil {
			t.Fatal(err)
		}
		values := make([]string, len(page.Serials))
		for j, s := range page.Serials {
			values[j] = s.Value
		}
		start := time.Now()
		if n, err := w.db.ReleaseSerials(w.mahAdmin, p.Code, values); err != nil || n != 300 {
			t.Fatalf("release: %d, %v", n, err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("releasing 300 of 300,000 serials took %v", took)
		}
	}
}
