package db

import (
	"context"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// SerialByValue implements pool.LifecycleService. SSCC pools answer too.
func (d *DB) SerialByValue(ctx context.Context, code, value string) (*pool.Serial, error) {
	var rows []serialRow
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		args := map[string]any{"tenant": a.TenantID, "code": code, "value": value}
		return tx.Raw(`SELECT `+serialColumns+` FROM serials
			WHERE tenant_id = @tenant AND value = @value AND product_id = (SELECT id FROM products WHERE code = @code)
			UNION ALL
			SELECT `+partnerColumns+` FROM serials
			WHERE partner_tenant_id = @tenant AND value = @value AND product_id = (SELECT id FROM products WHERE code = @code)`,
			args).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("serial", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no serial %q of product %q", value, code)
	}
	return rows[0].domain(), nil
}

// PackHistory implements pool.LifecycleService.
func (d *DB) PackHistory(ctx context.Context, productID, serialID int64) ([]*pool.PackEvent, error) {
	events := []*pool.PackEvent{}
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT event, status, reason, at, recorded_at, actor FROM pack_events
			WHERE product_id = ? AND serial_id = ? AND (tenant_id = ? OR partner_tenant_id = ?)
			ORDER BY id`, productID, serialID, a.TenantID, a.TenantID).Scan(&events).Error
	})
	if err != nil {
		return nil, wrap("pack history", err)
	}
	return events, nil
}

// SerialRequestByID implements pool.LifecycleService.
func (d *DB) SerialRequestByID(ctx context.Context, id int64) (*pool.SerialRequest, error) {
	var rows []pool.SerialRequest
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT id, product_id, order_ref, partner_tenant_id AS partner_id, count, created_at
			FROM serial_requests WHERE id = ? AND tenant_id = ?`, id, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("serial request", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no such serial request")
	}
	return &rows[0], nil
}

// RequestSerialsPage implements pool.LifecycleService. A request names the
// serials through the requester's column: the owner's request_id, or a CMO's
// partner_request_id.
func (d *DB) RequestSerialsPage(ctx context.Context, r *pool.SerialRequest, afterID int64, limit int) (*pool.SerialPage, error) {
	var rows []serialRow
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		args := map[string]any{"tenant": a.TenantID, "request": r.ID, "product": r.ProductID, "after": afterID, "limit": limit + 1}
		return tx.Raw(`SELECT `+serialColumns+` FROM serials
			WHERE request_id = @request AND product_id = @product AND tenant_id = @tenant AND id > @after
			UNION ALL
			SELECT `+partnerColumns+` FROM serials
			WHERE partner_request_id = @request AND product_id = @product AND partner_tenant_id = @tenant AND id > @after
			ORDER BY id LIMIT @limit`, args).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("request serials", err)
	}
	page := &pool.SerialPage{HasNext: len(rows) > limit}
	if page.HasNext {
		rows = rows[:limit]
	}
	for i := range rows {
		page.Serials = append(page.Serials, rows[i].domain())
	}
	return page, nil
}

// CreatePartnership implements pool.LifecycleService.
func (d *DB) CreatePartnership(ctx context.Context, cmo int64) (*pool.Partner, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.Require(pool.RoleAdmin); err != nil {
		return nil, err
	}
	if cmo == a.TenantID {
		return nil, pool.Invalid("cmoTenantId", "a tenant cannot partner with itself")
	}
	err = d.tenantTx(ctx, false, func(tx *gorm.DB, a pool.Actor) error {
		// The foreign key sees the CMO tenant even though RLS hides it until partnered.
		if err := tx.Exec(`INSERT INTO partnerships (mah_tenant_id, cmo_tenant_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			a.TenantID, cmo).Error; err != nil {
			return err
		}
		return audit(tx, a, "partnership.create", nil, nil, map[string]any{"cmo": cmo})
	})
	if pgCode(err) == foreignKeyViolation {
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "cmoTenantId", Message: "no such tenant"}
	}
	if err != nil {
		return nil, wrap("create partnership", err)
	}
	return &pool.Partner{TenantID: cmo, IsCMO: true}, nil
}

// Partners implements pool.LifecycleService.
func (d *DB) Partners(ctx context.Context) ([]*pool.Partner, error) {
	var rows []struct {
		Mah, Cmo int64
	}
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT mah_tenant_id AS mah, cmo_tenant_id AS cmo FROM partnerships
			WHERE mah_tenant_id = ? OR cmo_tenant_id = ? ORDER BY id`, a.TenantID, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("partners", err)
	}
	a, _ := pool.ActorFrom(ctx)
	partners := make([]*pool.Partner, len(rows))
	for i, r := range rows {
		partners[i] = &pool.Partner{TenantID: r.Cmo, IsCMO: true}
		if r.Cmo == a.TenantID {
			partners[i] = &pool.Partner{TenantID: r.Mah}
		}
	}
	return partners, nil
}
