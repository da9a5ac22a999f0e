package db_test

import (
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// TestSerialPrefixAtScale searches a pool of 500,000 serials for common, rare
// and absent prefixes and logs how long each page took (go test -v -run
// TestSerialPrefixAtScale ./db); a rare prefix is an index range, not a scan.
func TestSerialPrefixAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 500,000 serials")
	}
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(777), "Big")
	err := w.db.Gorm().Exec(`INSERT INTO serials (product_id, tenant_id, status, source, value)
		SELECT ?, ?, 'AVAILABLE', 'SNM', lpad((g::bigint * 7919 % 1000000007)::text, 12, '0') FROM generate_series(1, 500000) g`,
		p.ID, p.TenantID).Error
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.Gorm().Exec(`ANALYZE serials`).Error; err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prefix string
		want   int
	}{{"0", 50}, {"00001", 50}, {lpadSerial(7919 * 1234), 1}, {"9", 0}, {"A", 0}} {
		start := time.Now()
		page, err := serialPage(w.mahViewer, w, pool.SerialFilter{Products: []*pool.Product{p}, Prefix: tc.prefix, Limit: 50})
		took := time.Since(start)
		if err != nil || len(page.Serials) != tc.want {
			t.Fatalf("prefix %q: %d serials, %v; want %d", tc.prefix, len(page.Serials), err, tc.want)
		}
		t.Logf("prefix %-14q %2d serials in %v", tc.prefix, tc.want, took)
	}
}

// lpadSerial is the value the seed above gives the serial of n = g * 7919.
func lpadSerial(n int) string {
	s := itoa(int64(n % 1000000007))
	for len(s) < 12 {
		s = "0" + s
	}
	return s
}
