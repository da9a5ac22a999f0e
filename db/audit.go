package db

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

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
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
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
