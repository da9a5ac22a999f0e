package db_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/dbtest"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// TestReadFromReplica: with a read replica, the reads whose context
// pool.AllowStale marks go there, by both ways of reading (the one-round-trip
// fast path and a GORM transaction); unmarked reads and every write go to the
// primary. Two databases stand in for primary and replica, holding different
// products, so where each answer came from shows.
func TestReadFromReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primaryURL, replicaURL := dbtest.URL(t), dbtest.URL(t)
	code := func(n int) string {
		check, err := gs1.CheckDigit(fmt.Sprintf("0409999%06d", n))
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("0409999%06d%c", n, check)
	}
	admin := pool.WithActor(ctx, pool.Actor{TenantID: 1, KeyID: 1, Role: pool.RoleAdmin})
	for i, u := range []string{primaryURL, replicaURL} {
		d, err := db.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if id, err := d.CreateTenant(ctx, "MAH"); err != nil || id != 1 {
			t.Fatalf("tenant %d, %v; want 1", id, err)
		}
		if _, err := d.CreateProduct(admin, pool.NewProduct{Code: code(i + 1), CodeSchema: pool.GTIN, Name: "p", Source: pool.SourceSNM}); err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	d, err := db.Open(ctx, primaryURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.ReadFrom(ctx, replicaURL); err != nil {
		t.Fatal(err)
	}
	stale := pool.AllowStale(admin)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want string // the code the database read holds
	}{{"unmarked", admin, code(1)}, {"AllowStale", stale, code(2)}} {
		if p, err := d.ProductByCode(tc.ctx, tc.want); err != nil || p.Code != tc.want {
			t.Errorf("%s: ProductByCode(%s) = %v, %v; want it found", tc.name, tc.want, p, err)
		}
		page, err := d.Products(tc.ctx, pool.ProductFilter{Limit: 10})
		if err != nil || len(page.Products) != 1 || page.Products[0].Code != tc.want {
			t.Errorf("%s: Products = %+v, %v; want only %s", tc.name, page, err, tc.want)
		}
	}
	// A write marked AllowStale still goes to the primary.
	if _, err := d.CreateProduct(stale, pool.NewProduct{Code: code(3), CodeSchema: pool.GTIN, Name: "p", Source: pool.SourceSNM}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ProductByCode(admin, code(3)); err != nil {
		t.Errorf("a write with AllowStale did not land on the primary: %v", err)
	}
}
