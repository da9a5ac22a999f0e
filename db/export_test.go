package db

import (
	"context"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// TenantExec runs raw SQL inside the caller's tenant transaction, bypassing every
// application-level filter, so tests can show what row-level security alone allows.
func (d *DB) TenantExec(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return d.tenantTx(ctx, false, func(tx *gorm.DB, _ pool.Actor) error { return fn(tx) })
}

// Gorm exposes the connection as its own (privileged) role, for test set-up.
func (d *DB) Gorm() *gorm.DB { return d.gorm }
