package db_test

import (
	"context"
	"testing"

	"github.com/serialpool/serialpool/pool"
)

// TestMigrationsKeepCountersExactOverData rolls the counter migration back,
// writes serials (own, partner-assigned, external) under the older schema, and
// migrates up again, as `make run` does on an existing .data directory.
func TestMigrationsKeepCountersExactOverData(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.db.MigrateDownTo(ctx, 4); err != nil {
		t.Fatal(err)
	}
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "M", 3000)
	w.assignToCMO(t, p, 700)
	if err := w.db.Gorm().Exec(`INSERT INTO serials (product_id, tenant_id, status, source, value)
		SELECT ?, ?, 'ASSIGNED', 'EXTERNAL', 'X' || g FROM generate_series(1, 50) g`, p.ID, p.TenantID).Error; err != nil {
		t.Fatal(err)
	}
	if err := w.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	assertCountersExact(t, w)
	c, err := w.db.Counts(w.cmoAdmin, []int64{p.ID})
	if err != nil || c[0].Total() != 700 {
		t.Errorf("CMO counts after migrating = %+v, %v", c, err)
	}
}
