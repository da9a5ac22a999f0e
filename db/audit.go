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
		ID        int64
		At        time.Time
		Actor     string
		Action    string
		ProductID *int64
		Count     *int64
		Detail    []byte
	}
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		q := tx.Table("audit_log").Select("id, at, actor, action, product_id, count, detail").Where("tenant_id = ?", a.TenantID)
		if f.Action != "" {
			q = q.Where("action = ?", f.Action)
		}
		if f.ProductCode != "" {
			q = q.Where("product_id = (SELECT id FROM products WHERE code = ?)", f.ProductCode)
		}
		if !f.From.IsZero() {
			q = q.Where("at >= ?", f.From)
		}
		if !f.To.IsZero() {
			q = q.Where("at < ?", f.To)
		}
		if f.BeforeID > 0 {
			q = q.Where("id < ?", f.BeforeID)
		}
		return q.Order("id DESC").Limit(f.Limit + 1).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("audit log", err)
	}
	page := &pool.AuditPage{HasNext: len(rows) > f.Limit}
	for i := range rows[:min(len(rows), f.Limit)] {
		r := rows[i]
		e := &pool.AuditEntry{ID: r.ID, At: r.At, Actor: r.Actor, Action: r.Action, ProductID: r.ProductID, Count: r.Count}
		if len(r.Detail) > 0 {
			if err := json.Unmarshal(r.Detail, &e.Detail); err != nil {
				return nil, wrap("audit log detail", err)
			}
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}
