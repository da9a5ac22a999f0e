package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db/dbtest"
	"github.com/serialpool/serialpool/pool"
)

// TestCountersEqualCountAfterMixedWorkload runs inserts, status changes both ways,
// partner assignments, deletes and a rolled-back change, then checks every
// counter row against COUNT(*) over serials.
func TestCountersEqualCountAfterMixedWorkload(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	a := w.product(t, w.mahAdmin, gtin(1), "A")
	b := w.product(t, w.mahAdmin, gtin(2), "B")
	c := w.product(t, w.otherAdmin, gtin(3), "C")
	w.addSerials(t, a, "A", 5000)
	w.addSerials(t, b, "B", 1234)
	w.addSerials(t, c, "C", 777)
	w.assignToCMO(t, a, 1500)
	g := w.db.Gorm()
	for _, stmt := range []string{
		`UPDATE serials SET status = 'ASSIGNED', assigned_at = now() WHERE status = 'AVAILABLE' AND id % 3 = 0`,
		`UPDATE serials SET status = 'AVAILABLE' WHERE status = 'ASSIGNED' AND partner_tenant_id IS NULL AND id % 5 = 0`,
		`UPDATE serials SET partner_status = 'ASSIGNED' WHERE partner_status = 'AVAILABLE' AND id % 7 = 0`,
		// Deleted once their retention ended (handed out over 6 years ago).
		`UPDATE serials SET assigned_at = now() - interval '7 years' WHERE id % 11 = 0 AND assigned_at IS NOT NULL`,
		`DELETE FROM serials WHERE id % 11 = 0`,
		`UPDATE serials SET value = value || 'x' WHERE id % 13 = 0`, // no status change
	} {
		if err := g.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	// A change that rolls back leaves the counters as they were.
	tx := g.Begin()
	if err := tx.Exec(`UPDATE serials SET status = 'ASSIGNED'`).Error; err != nil {
		t.Fatal(err)
	}
	tx.Rollback()

	assertCountersExact(t, w)

	// The service reads the same numbers, per tenant view.
	counts, err := w.db.Counts(w.mahViewer, []int64{a.ID, b.ID, c.ID})
	if err != nil {
		t.Fatal(err)
	}
	var want [2]int64
	g.Raw(`SELECT count(*) FILTER (WHERE status = 'AVAILABLE'), count(*) FILTER (WHERE status = 'ASSIGNED') FROM serials WHERE product_id = ?`, a.ID).Row().Scan(&want[0], &want[1])
	if counts[0].Available != want[0] || counts[0].Assigned != want[1] || counts[0].Total() != 5000-5000/11 {
		t.Errorf("MAH counts for A = %+v, want %v", counts[0], want)
	}
	if counts[1].Total() == 0 || counts[2] != (pool.Counts{}) {
		t.Errorf("MAH counts for B, C = %+v, %+v; C belongs to another tenant and must read zero", counts[1], counts[2])
	}
	cmo, err := w.db.Counts(w.cmoAdmin, []int64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	g.Raw(`SELECT count(*) FILTER (WHERE partner_status = 'AVAILABLE'), count(*) FILTER (WHERE partner_status = 'ASSIGNED') FROM serials WHERE partner_tenant_id = ?`, w.cmo).Row().Scan(&want[0], &want[1])
	if cmo[0].Available != want[0] || cmo[0].Assigned != want[1] || cmo[0].Total() == 0 || cmo[1] != (pool.Counts{}) {
		t.Errorf("CMO counts = %+v, want A %v and nothing of B", cmo, want)
	}
}

// assertCountersExact checks every counter row against COUNT(*) over serials.
func assertCountersExact(t *testing.T, w *world) {
	t.Helper()
	var mismatches []dbtest.CounterMismatch
	err := w.db.OwnerPgx(context.Background(), func(tx pgx.Tx) (err error) {
		mismatches, err = dbtest.CounterMismatches(context.Background(), tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(mismatches) > 0 {
		t.Fatalf("counters differ from COUNT(*): %+v", mismatches)
	}
}
