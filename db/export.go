package db

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// Exports stream rows from a cursor to fn one at a time, so a request of
// 500,000 serials is never held in memory; they run on the bulk pool, as fn
// waits for the caller to read.

// EachRequestSerial implements pool.RequestService.
func (d *DB) EachRequestSerial(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error {
	err := d.bulkTenantTx(ctx, func(tx pgx.Tx, a pool.Actor) error {
		rows, err := tx.Query(ctx, `SELECT s.value, s.extra FROM serial_requests r
			JOIN serials s ON s.product_id = r.product_id
				AND ((s.request_id = r.id AND s.tenant_id = r.tenant_id) OR (s.partner_request_id = r.id AND s.partner_tenant_id = r.tenant_id))
			WHERE r.id = $1 AND r.tenant_id = $2
			ORDER BY s.id`, requestID, a.TenantID)
		if err != nil {
			return err
		}
		defer rows.Close()
		var value string
		var extra map[string]string
		for rows.Next() {
			extra = nil
			if err := rows.Scan(&value, &extra); err != nil {
				return err
			}
			if err := fn(value, extra); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return wrap("export request", err)
}

// EachPartnerSerial implements pool.PartnerService: what the caller (an MAH)
// assigned to partner, optionally of one product.
func (d *DB) EachPartnerSerial(ctx context.Context, partner int64, productCode string, fn func(pool.PartnerSerial) error) error {
	err := d.bulkTenantTx(ctx, func(tx pgx.Tx, a pool.Actor) error {
		rows, err := tx.Query(ctx, `SELECT p.code, s.value, s.assigned_at, s.partner_status, coalesce(s.pack_status, 'ACTIVE')
			FROM serials s JOIN products p ON p.id = s.product_id
			WHERE s.tenant_id = $1 AND s.partner_tenant_id = $2 AND ($3 = '' OR p.code = $3)
			ORDER BY s.product_id, s.id`, a.TenantID, partner, productCode)
		if err != nil {
			return err
		}
		defer rows.Close()
		var s pool.PartnerSerial
		for rows.Next() {
			if err := rows.Scan(&s.ProductCode, &s.Value, &s.AssignedAt, &s.PartnerStatus, &s.PackStatus); err != nil {
				return err
			}
			if err := fn(s); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return wrap("export partner serials", err)
}
