package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// SerialByValue implements pool.PoolService. SSCC pools answer too.
func (d *DB) SerialByValue(ctx context.Context, code, value string) (*pool.Serial, error) {
	var rows []serialRow
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
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

// PackHistories implements pool.PackEventService: one statement for any number of serials.
func (d *DB) PackHistories(ctx context.Context, serials []pool.SerialKey) ([][]*pool.PackEvent, error) {
	products, ids := make([]int64, len(serials)), make([]int64, len(serials))
	for i, s := range serials {
		products[i], ids[i] = s.ProductID, s.SerialID
	}
	rows, err := tenantRead[struct {
		SerialID int64
		pool.PackEvent
		ExpiryDate *time.Time
	}](ctx, d, `SELECT serial_id, event, status, reason, at, recorded_at, actor, coalesce(lot, '') AS lot, expiry AS expiry_date,
			coalesce(nhrn, '') AS nhrn, tz_offset, coalesce(container, '') AS container FROM pack_events
		WHERE (product_id, serial_id) IN (SELECT * FROM unnest(@products::bigint[], @serials::bigint[]))
		AND (tenant_id = @tenant OR partner_tenant_id = @tenant)
		ORDER BY serial_id, at, recorded_at, id`, pgx.NamedArgs{"products": products, "serials": ids})
	if err != nil {
		return nil, wrap("pack history", err)
	}
	bySerial := make(map[int64][]*pool.PackEvent, len(serials))
	for i := range rows {
		r := &rows[i]
		if r.ExpiryDate != nil {
			r.Expiry = *r.ExpiryDate
		}
		// The event time as it was on the line, in its time zone.
		if loc, err := time.Parse("-07:00", r.TZOffset); err == nil {
			r.At = r.At.In(loc.Location())
		}
		bySerial[r.SerialID] = append(bySerial[r.SerialID], &r.PackEvent)
	}
	out := make([][]*pool.PackEvent, len(serials))
	for i, s := range serials {
		out[i] = bySerial[s.SerialID]
		if out[i] == nil {
			out[i] = []*pool.PackEvent{}
		}
	}
	return out, nil
}

// SerialRequestByID implements pool.RequestService.
func (d *DB) SerialRequestByID(ctx context.Context, id int64) (*pool.SerialRequest, error) {
	var rows []pool.SerialRequest
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
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

// SerialRequests implements pool.RequestService. A product code the caller
// cannot see matches nothing, like a code that does not exist.
func (d *DB) SerialRequests(ctx context.Context, f pool.RequestFilter) (*pool.RequestPage, error) {
	var rows []*pool.SerialRequest
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		q := tx.Table("serial_requests").Select("id, product_id, order_ref, partner_tenant_id AS partner_id, count, created_at").
			Where("tenant_id = ?", a.TenantID)
		if f.ProductCode != "" {
			q = q.Where("product_id = (SELECT id FROM products WHERE code = ?)", f.ProductCode)
		}
		if f.OrderRef != "" {
			q = q.Where("order_ref = ?", f.OrderRef)
		}
		return newestFirst(q, "id", f.BeforeID, f.Limit).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("serial requests", err)
	}
	page := &pool.RequestPage{Requests: rows, HasNext: len(rows) > f.Limit}
	if page.HasNext {
		page.Requests = rows[:f.Limit]
	}
	return page, nil
}

// newestFirst pages q by its id column, newest first, from before beforeID
// (0: the newest); the one row past limit tells whether more follow.
func newestFirst(q *gorm.DB, id string, beforeID int64, limit int) *gorm.DB {
	if beforeID > 0 {
		q = q.Where(id+" < ?", beforeID)
	}
	return q.Order(id + " DESC").Limit(limit + 1)
}

// RequestSerialsPages implements pool.RequestService: one statement for any
// number of requests. A request names the serials through the requester's
// column: the owner's request_id, or a CMO's partner_request_id.
func (d *DB) RequestSerialsPages(ctx context.Context, reqs []*pool.SerialRequest, afterID int64, limit int) ([]*pool.SerialPage, error) {
	ids, products := make([]int64, len(reqs)), make([]int64, len(reqs))
	for i, r := range reqs {
		ids[i], products[i] = r.ID, r.ProductID
	}
	rows, err := tenantRead[serialRow](ctx, d, `SELECT s.* FROM unnest(@requests::bigint[], @products::bigint[]) AS r(id, product) CROSS JOIN LATERAL (
			SELECT r.id AS request_id, `+serialColumns+` FROM serials
			WHERE request_id = r.id AND product_id = r.product AND tenant_id = @tenant AND id > @after
			UNION ALL
			SELECT r.id, `+partnerColumns+` FROM serials
			WHERE partner_request_id = r.id AND product_id = r.product AND partner_tenant_id = @tenant AND id > @after
			ORDER BY id LIMIT @limit) s
		ORDER BY request_id, id`, pgx.NamedArgs{"requests": ids, "products": products, "after": afterID, "limit": limit + 1})
	if err != nil {
		return nil, wrap("request serials", err)
	}
	return pages(ids, rows, func(r *serialRow) int64 { return r.RequestID }, limit), nil
}
