package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// auditTx appends one entry to the caller's audit trail, in the transaction of
// the change: the one writer of the trail, whether the change runs on pgx or on
// GORM. productID and count are NULL when 0: the change concerns no product,
// or moves no serials (every change that moves serials moves at least one).
func auditTx(ctx context.Context, tx execer, a pool.Actor, action string, productID, count int64, detail map[string]any) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (tenant_id, actor, action, product_id, count, detail)
		VALUES ($1, $2, $3, nullif($4::bigint, 0), nullif($5::bigint, 0), $6::jsonb)`,
		a.TenantID, a.Name(), action, productID, count, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// execer is what auditTx needs of a transaction: a pgx.Tx has it, a GORM
// transaction has it through gormTx.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// gormTx runs a statement in a GORM transaction as pgx.Tx.Exec does: the
// arguments go to pgx untouched, through GORM's connection (GORM itself would
// take a map for named parameters), so they are encoded as on pgx. It has no
// command tag to return; auditTx needs none.
type gormTx struct{ db *gorm.DB }

func (g gormTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	_, err := g.db.Statement.ConnPool.ExecContext(ctx, sql, args...)
	return pgconn.CommandTag{}, err
}

// AuditLog implements pool.AuditService. A product code the caller cannot see
// matches nothing, like a code that does not exist.
func (d *DB) AuditLog(ctx context.Context, f pool.AuditFilter) (*pool.AuditPage, error) {
	var rows []struct {
		ID          int64
		At          time.Time
		Actor       string
		Action      string
		ProductID   *int64
		ProductCode *string
		Count       *int64
		Detail      []byte
	}
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		// Row-level security leaves the code NULL when the product is no longer visible.
		q := tx.Table("audit_log l").Select("l.id, l.at, l.actor, l.action, l.product_id, p.code AS product_code, l.count, l.detail").
			Joins("LEFT JOIN products p ON p.id = l.product_id").Where("l.tenant_id = ?", a.TenantID)
		if f.Action != "" {
			q = q.Where("l.action = ?", f.Action)
		}
		if f.ProductCode != "" {
			q = q.Where("p.code = ?", f.ProductCode)
		}
		if !f.From.IsZero() {
			q = q.Where("l.at >= ?", f.From)
		}
		if !f.To.IsZero() {
			q = q.Where("l.at < ?", f.To)
		}
		return newestFirst(q, "l.id", f.BeforeID, f.Limit).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("audit log", err)
	}
	page := &pool.AuditPage{HasNext: len(rows) > f.Limit}
	for i := range rows[:min(len(rows), f.Limit)] {
		r := rows[i]
		e := &pool.AuditEntry{ID: r.ID, At: r.At, Actor: r.Actor, Action: r.Action, ProductID: r.ProductID, Count: r.Count}
		if r.ProductCode != nil {
			e.ProductCode = *r.ProductCode
		}
		if len(r.Detail) > 0 {
			if err := json.Unmarshal(r.Detail, &e.Detail); err != nil {
				return nil, wrap("audit log detail", err)
			}
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}
