package db_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// TestProductOrdersAtScale reads the first and a later page of 2,000 products
// (50,000 serials) in every order, and logs how long each took (go test -v -run
// TestProductOrdersAtScale ./db): the Available order counts per product from
// pool_counters, never from serials.
func TestProductOrdersAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 2,000 products")
	}
	t.Parallel()
	w := newWorld(t)
	err := w.db.Gorm().Exec(`INSERT INTO products (tenant_id, code, code_schema, name, source)
		SELECT ?, '8' || lpad(g::text, 13, '0'), (ARRAY['GTIN','NTIN','PPN','NDC'])[1 + g % 4]::code_schema, 'Scale product ' || (g * 7919 % 2000),
			(ARRAY['SNM','SAP_ATTP','TRACELINK'])[1 + g % 3]::serial_source FROM generate_series(1, 2000) g`, w.mah).Error
	if err != nil {
		t.Fatal(err)
	}
	err = w.db.Gorm().Exec(`INSERT INTO serials (product_id, tenant_id, status, source, value)
		SELECT p.id, p.tenant_id, 'AVAILABLE', p.source, 'S' || s FROM products p, generate_series(1, 50) s
		WHERE p.tenant_id = ? AND s <= p.id % 51`, w.mah).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range []pool.ProductSort{pool.SortCode, pool.SortCodeSchema, pool.SortName, pool.SortSource, pool.SortAvailable} {
		for _, desc := range []bool{false, true} {
			f := pool.ProductFilter{Order: pool.ProductOrder{By: by, Desc: desc}, Limit: 50}
			var took []time.Duration
			for page := 0; page < 3; page++ {
				start := time.Now()
				p, err := w.db.Products(w.mahViewer, f)
				took = append(took, time.Since(start))
				if err != nil || len(p.Products) != 50 || !p.HasNext {
					t.Fatalf("%s desc=%v page %d: %d products, %v", by, desc, page, len(p.Products), err)
				}
				keys := slices.Clone(p.Keys)
				if by == pool.SortAvailable {
					n := make([]int, len(keys))
					for i, k := range keys {
						n[i], _ = strconv.Atoi(k)
					}
					if desc {
						slices.Reverse(n)
					}
					if !slices.IsSorted(n) {
						t.Fatalf("%s desc=%v: keys %v", by, desc, keys)
					}
				}
				last := len(p.Products) - 1
				f.AfterCode, f.AfterKey = p.Products[last].Code, p.Keys[last]
			}
			t.Logf("%-11s desc=%-5v pages of 50: %v", by, desc, took)
		}
	}
}
