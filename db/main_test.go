package db_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/dbtest"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// world is two unrelated tenants plus a CMO partner of the first, each with keys.
type world struct {
	db              *db.DB
	mah, cmo, other int64
	mahAdmin        context.Context
	mahViewer       context.Context
	cmoAdmin        context.Context
	otherAdmin      context.Context
}

func newWorld(t testing.TB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: dbtest.New(t)}
	var err error
	for _, tn := range []struct {
		id   *int64
		name string
	}{{&w.mah, "MAH"}, {&w.cmo, "CMO"}, {&w.other, "Other"}} {
		if *tn.id, err = w.db.CreateTenant(ctx, tn.name); err != nil {
			t.Fatal(err)
		}
	}
	w.mahAdmin = w.actor(t, w.mah, pool.RoleAdmin)
	w.cmoAdmin = w.actor(t, w.cmo, pool.RoleAdmin)
	inv, err := w.db.CreatePartnerInvitation(w.cmoAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.CreatePartnership(w.mahAdmin, inv.Code); err != nil {
		t.Fatal(err)
	}
	w.mahViewer = w.actor(t, w.mah, pool.RoleViewer)
	w.otherAdmin = w.actor(t, w.other, pool.RoleAdmin)
	return w
}

// actor issues a real key and authenticates it, as the server does. The
// caller signs what it does (a key's signature: meaning and reason), so that
// significant actions go through; TestSignatures tests callers that do not.
func (w *world) actor(t testing.TB, tenant int64, role pool.Role) context.Context {
	t.Helper()
	ctx := context.Background()
	key, err := w.db.CreateKey(ctx, tenant, role)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.db.Authenticate(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	return pool.WithSignature(pool.WithActor(ctx, a), pool.SignatureInput{Meaning: pool.Performed, Reason: "test"})
}

// product registers a GTIN product for the tenant of ctx.
func (w *world) product(t *testing.T, ctx context.Context, code, name string) *pool.Product {
	t.Helper()
	p, err := w.db.CreateProduct(ctx, pool.NewProduct{Code: code, CodeSchema: pool.GTIN, Name: name, Source: pool.SourceSNM, LowThreshold: 10})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// addSerials inserts n available serials "<prefix>N" as the database owner (the
// intake API arrives in a later change; the counters trigger sees any insert).
func (w *world) addSerials(t testing.TB, p *pool.Product, prefix string, n int) {
	t.Helper()
	err := w.db.Gorm().Exec(`INSERT INTO serials (product_id, tenant_id, status, source, value)
		SELECT ?, ?, 'AVAILABLE', 'SNM', ? || g FROM generate_series(1, ?) g`, p.ID, p.TenantID, prefix, n).Error
	if err != nil {
		t.Fatal(err)
	}
}

// assignToCMO assigns n available serials of p to the CMO, half of them then used by it.
func (w *world) assignToCMO(t *testing.T, p *pool.Product, n int) {
	t.Helper()
	err := w.db.Gorm().Exec(`UPDATE serials SET status = 'ASSIGNED', assigned_at = now(), partner_tenant_id = ?,
		partner_status = CASE WHEN id % 2 = 0 THEN 'ASSIGNED'::serial_status ELSE 'AVAILABLE' END
		WHERE product_id = ? AND id IN (SELECT id FROM serials WHERE product_id = ? AND status = 'AVAILABLE' ORDER BY id LIMIT ?)`,
		w.cmo, p.ID, p.ID, n).Error
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func gs1ValidSSCC(s string) error { return gs1.ValidSSCC(s) }

// The services read in batches (one statement for a page of items); these read one.

func serialPage(ctx context.Context, w *world, f pool.SerialFilter) (*pool.SerialPage, error) {
	pages, err := w.db.Serials(ctx, f)
	if err != nil {
		return nil, err
	}
	return pages[0], nil
}

func requestPage(ctx context.Context, w *world, r *pool.SerialRequest, afterID int64, limit int) (*pool.SerialPage, error) {
	pages, err := w.db.RequestSerialsPages(ctx, []*pool.SerialRequest{r}, afterID, limit)
	if err != nil {
		return nil, err
	}
	return pages[0], nil
}

func history(ctx context.Context, w *world, productID, serialID int64) ([]*pool.PackEvent, error) {
	h, err := w.db.PackHistories(ctx, []pool.SerialKey{{ProductID: productID, SerialID: serialID}})
	if err != nil {
		return nil, err
	}
	return h[0], nil
}
