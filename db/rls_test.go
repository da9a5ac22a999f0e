package db_test

import (
	"context"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// TestRowLevelSecurityWithoutAppFilters runs queries with no tenant condition at
// all inside each tenant's transaction: row-level security alone must confine
// every table to what that tenant may see.
func TestRowLevelSecurityWithoutAppFilters(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mine := w.product(t, w.mahAdmin, gtin(1), "Mine")
	shared := w.product(t, w.mahAdmin, gtin(2), "Shared with CMO")
	theirs := w.product(t, w.otherAdmin, gtin(3), "Theirs")
	w.addSerials(t, mine, "M", 100)
	w.addSerials(t, shared, "S", 100)
	w.addSerials(t, theirs, "T", 100)
	w.assignToCMO(t, shared, 40)

	count := func(ctx context.Context, query string) int64 {
		t.Helper()
		var n int64
		if err := w.db.TenantExec(ctx, func(tx *gorm.DB) error { return tx.Raw(query).Scan(&n).Error }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		who   string
		ctx   context.Context
		query string
		want  int64
	}{
		{"MAH", w.mahAdmin, `SELECT count(*) FROM products`, 2},
		{"MAH", w.mahAdmin, `SELECT count(*) FROM serials`, 200},
		{"MAH", w.mahAdmin, `SELECT count(*) FROM tenants`, 2}, // itself and its CMO
		{"MAH", w.mahAdmin, `SELECT count(*) FROM pool_counters WHERE tenant_id <> app_tenant()`, 0},
		{"MAH", w.mahAdmin, `SELECT count(*) FROM api_keys WHERE tenant_id <> app_tenant()`, 0},
		{"MAH", w.mahAdmin, `SELECT count(*) FROM audit_log WHERE tenant_id <> app_tenant()`, 0},
		{"CMO", w.cmoAdmin, `SELECT count(*) FROM products`, 1},
		{"CMO", w.cmoAdmin, `SELECT count(*) FROM serials`, 40},
		{"CMO", w.cmoAdmin, `SELECT count(*) FROM serials WHERE product_id <> ` + itoa(shared.ID), 0},
		{"CMO", w.cmoAdmin, `SELECT count(*) FROM tenants`, 2},
		{"CMO", w.cmoAdmin, `SELECT count(*) FROM audit_log WHERE tenant_id <> app_tenant() OR action NOT IN ('tenant.create', 'key.create', 'partnership.invite', 'partnership.accepted', 'serials.receive_partner')`, 0},
		{"CMO", w.cmoAdmin, `SELECT count(*) FROM partner_invitations`, 1},
		{"MAH", w.mahAdmin, `SELECT count(*) FROM partner_invitations`, 0}, // it accepted the CMO's
		{"Other", w.otherAdmin, `SELECT count(*) FROM products`, 1},
		{"Other", w.otherAdmin, `SELECT count(*) FROM serials`, 100},
		{"Other", w.otherAdmin, `SELECT count(*) FROM serials WHERE value LIKE 'M%' OR value LIKE 'S%'`, 0},
		{"Other", w.otherAdmin, `SELECT count(*) FROM tenants`, 1},
		{"Other", w.otherAdmin, `SELECT count(*) FROM partnerships`, 0},
	} {
		if got := count(tc.ctx, tc.query); got != tc.want {
			t.Errorf("%s: %s = %d, want %d", tc.who, tc.query, got, tc.want)
		}
		// The one-round-trip read path (a pgx batch) is confined the same way.
		if got, err := w.db.TenantReadCount(tc.ctx, strings.Replace(tc.query, "count(*)", "count(*) AS n", 1)); err != nil || got != tc.want {
			t.Errorf("%s on the batch read path: %s = %d (%v), want %d", tc.who, tc.query, got, err, tc.want)
		}
	}

	// Writes are confined too: another tenant's rows cannot be changed or claimed.
	err := w.db.TenantExec(w.otherAdmin, func(tx *gorm.DB) error {
		res := tx.Exec(`UPDATE serials SET status = 'ASSIGNED' WHERE product_id = ?`, mine.ID)
		if res.Error == nil && res.RowsAffected != 0 {
			t.Errorf("other tenant updated %d of the MAH's serials", res.RowsAffected)
		}
		return res.Error
	})
	if err != nil {
		t.Fatal(err)
	}
	err = w.db.TenantExec(w.otherAdmin, func(tx *gorm.DB) error {
		return tx.Exec(`INSERT INTO products (tenant_id, code, code_schema, name, source) VALUES (?, ?, 'GTIN', 'forged', 'SNM')`, w.mah, gtin(9)).Error
	})
	if err == nil {
		t.Error("other tenant inserted a product owned by the MAH")
	}
	// The append-only audit log refuses even the owner.
	if err := w.db.Gorm().Exec(`DELETE FROM audit_log`).Error; err == nil {
		t.Error("audit log entries were deleted")
	}
}

// TestServicesConfineTenants checks the same through the services.
func TestServicesConfineTenants(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	shared := w.product(t, w.mahAdmin, gtin(2), "Shared")
	private := w.product(t, w.mahAdmin, gtin(1), "Private")
	w.addSerials(t, shared, "S", 50)
	w.addSerials(t, private, "P", 50)
	w.assignToCMO(t, shared, 20)

	// The CMO sees the shared product with source PARTNER, and only its 20 serials.
	p, err := w.db.ProductByCode(w.cmoAdmin, shared.Code)
	if err != nil || p.Source != pool.SourcePartner {
		t.Fatalf("CMO product = %+v, %v", p, err)
	}
	page, err := serialPage(w.cmoAdmin, w, pool.SerialFilter{Products: []*pool.Product{p}, Limit: 100})
	if err != nil || len(page.Serials) != 20 {
		t.Fatalf("CMO serials = %d, %v", len(page.Serials), err)
	}
	avail := pool.Available
	page, err = serialPage(w.cmoAdmin, w, pool.SerialFilter{Products: []*pool.Product{p}, Status: &avail, Limit: 100})
	if err != nil || len(page.Serials) != 10 {
		t.Fatalf("CMO available serials = %d, %v", len(page.Serials), err)
	}
	for _, s := range page.Serials {
		if s.Status != pool.Available || s.Source != pool.SourcePartner {
			t.Fatalf("CMO serial %+v", s)
		}
	}
	for _, who := range []context.Context{w.cmoAdmin, w.otherAdmin} {
		if _, err := w.db.ProductByCode(who, private.Code); pool.ErrorCode(err) != pool.ENOTFOUND {
			t.Errorf("private product visible: %v", err)
		}
		ps, err := w.db.ProductsByID(who, []int64{private.ID})
		if err != nil || ps[0] != nil {
			t.Errorf("ProductsByID leaked %+v, %v", ps, err)
		}
		// Asking for serials of a product the caller cannot see yields nothing.
		page, err := serialPage(who, w, pool.SerialFilter{Products: []*pool.Product{private}, Limit: 100})
		if err != nil || len(page.Serials) != 0 {
			t.Errorf("serials of an invisible product leaked: %d, %v", len(page.Serials), err)
		}
	}
	if n, _ := w.db.CountProducts(w.otherAdmin, pool.ProductFilter{}); n != 0 {
		t.Errorf("other tenant counts %d products", n)
	}
	ts, err := w.db.TenantsByID(w.otherAdmin, []int64{w.mah, w.cmo, w.other})
	if err != nil || ts[0] != nil || ts[1] != nil || ts[2] == nil {
		t.Errorf("TenantsByID for an unrelated tenant = %v, %v", ts, err)
	}
}
