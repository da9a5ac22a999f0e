package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// TestStatementsCountedOnEveryPath counts what the services send, exactly, on
// each kind of path: a pgx batch read, a GORM transaction (counted once, by
// the pgx tracer under it) and a COPY intake on pgx, whose statements the
// metric used to miss.
func TestStatementsCountedOnEveryPath(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	for _, tc := range []struct {
		name string
		want uint64
		run  func() error
	}{
		// enterTenant and the query, in one batch.
		{"a batch read", 2, func() error { _, err := w.db.ProductByCode(w.mahAdmin, p.Code); return err }},
		// BEGIN, enterTenant, the SELECT, COMMIT.
		{"a GORM read", 4, func() error { _, err := w.db.Channels(w.mahAdmin); return err }},
		// BEGIN, enterTenant, the product's lock, the staging table, COPY, the
		// batch row, SAVEPOINT, the INSERT into serials, the audit row, COMMIT.
		{"a COPY intake", 10, func() error {
			_, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: p.Code, Source: pool.SourceSAPATTP, Rows: rows("C1", "C2", "C3")})
			return err
		}},
	} {
		before := w.db.Statements()
		if err := tc.run(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := w.db.Statements() - before; n != tc.want {
			t.Errorf("%s counted %d statements, want %d", tc.name, n, tc.want)
		}
	}
}

// TestEveryViewIsInsideTheTenant asks PostgreSQL, on each way into a tenant,
// who runs the statements: the request role with the caller's tenant, on GORM,
// on pgx and on the one-round-trip read alike; and as the connecting role only
// outside every tenant.
func TestEveryViewIsInsideTheTenant(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	const who = `SELECT current_user || '/' || coalesce(current_setting('app.tenant_id', true), '') AS n`
	want := "serialpool_app/" + itoa(w.mah)
	var viaGorm, viaPgx, owner string
	if err := w.db.TenantExec(w.mahAdmin, func(tx *gorm.DB) error { return tx.Raw(who).Scan(&viaGorm).Error }); err != nil {
		t.Fatal(err)
	}
	if err := w.db.TenantPgx(w.mahAdmin, func(tx pgx.Tx) error { return tx.QueryRow(context.Background(), who).Scan(&viaPgx) }); err != nil {
		t.Fatal(err)
	}
	viaRead, err := w.db.TenantReadText(w.mahAdmin, who)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.OwnerPgx(context.Background(), func(tx pgx.Tx) error { return tx.QueryRow(context.Background(), who).Scan(&owner) }); err != nil {
		t.Fatal(err)
	}
	if viaGorm != want || viaPgx != want || viaRead != want {
		t.Errorf("GORM runs as %q, pgx as %q, the fast read as %q; want %q", viaGorm, viaPgx, viaRead, want)
	}
	if owner == want || owner[len(owner)-1] != '/' {
		t.Errorf("the system transaction runs as %q; want the connecting role, no tenant", owner)
	}
}

// TestWrapKeepsTheCause: text PostgreSQL cannot store is the caller's fault
// (BAD_USER_INPUT, all the caller is told), and the error still carries
// PostgreSQL's own for the logs.
func TestWrapKeepsTheCause(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, err := w.db.ProductByCode(w.mahAdmin, "0401234\x00")
	var pe *pgconn.PgError
	if pool.ErrorCode(err) != pool.EINVALID || !errors.As(err, &pe) || pe.Code != "22021" {
		t.Errorf("a NUL in a product code: %v (code %s); want BAD_USER_INPUT caused by SQLSTATE 22021", err, pool.ErrorCode(err))
	}
	if msg := pool.ErrorMessage(err); msg != "text must be UTF-8 without NUL characters" {
		t.Errorf("the caller is told %q", msg)
	}
}
