package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// TenantExec runs raw SQL inside the caller's tenant transaction, bypassing every
// application-level filter, so tests can show what row-level security alone allows.
func (d *DB) TenantExec(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.tenantTx(ctx, writeTx, func(tx *gorm.DB, _ pool.Actor) error { return fn(tx) })
}

// Gorm exposes the connection as its own (privileged) role, for test set-up.
func (d *DB) Gorm() *gorm.DB { return d.gorm }

// TenantReadCount runs a count query on the single-round-trip read path, with no
// application filter, so tests can show that RLS applies there too.
func (d *DB) TenantReadCount(ctx context.Context, query string) (int64, error) {
	rows, err := tenantRead[struct{ N int64 }](ctx, d, query, pgx.NamedArgs{})
	if err != nil {
		return 0, err
	}
	return rows[0].N, nil
}

// TenantReadText runs a query of one text column n on the single-round-trip
// read path, so tests can ask PostgreSQL who runs it.
func (d *DB) TenantReadText(ctx context.Context, query string) (string, error) {
	rows, err := tenantRead[struct{ N string }](ctx, d, query, pgx.NamedArgs{})
	if err != nil {
		return "", err
	}
	return rows[0].N, nil
}

// MigrateDownTo rolls migrations back to version, so tests can migrate up over
// data written under an older schema.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// ReleaseQueries are the statements ReleaseSerials looks serials up with ($1 the
// product, $2 the values), so tests can check their plans.
var ReleaseQueries = map[string]string{"lock": lockReleased, "candidates": releaseCandidates}

// TenantPgx runs fn in the caller's tenant transaction on pgx, as the
// statements of the intake and lifecycle services run.
func (d *DB) TenantPgx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return d.inTenant(ctx, writeTx, func(tx pgx.Tx, _ pool.Actor) error { return fn(tx) })
}

// OwnerPgx runs fn in a transaction on pgx as the database owner, outside every
// tenant, for invariant checks across tenants.
func (d *DB) OwnerPgx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return d.systemTx(ctx, fn)
}

// CollectByName is collectByName, for tests of the package's outside.
func CollectByName[T any](rows pgx.Rows) ([]T, error) { return collectByName[T](rows, 1) }

// ProductsQuery is the statement of Products' page for f, so tests can check its plans.
func ProductsQuery(f pool.ProductFilter) (string, pgx.NamedArgs, error) { return productsQuery(f) }
