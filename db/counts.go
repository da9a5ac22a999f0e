package db

import (
	"context"

	"fmt"
	"github.com/jackc/pgx/v5"
	"time"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// Counts implements pool.PoolService from pool_counters, which the serials_count
// trigger keeps exact: a few index lookups, whatever the pool size.
func (d *DB) Counts(ctx context.Context, productIDs []int64) ([]pool.Counts, error) {
	rows, err := tenantRead[struct {
		ProductID int64  `db:"product_id"`
		Status    string `db:"status"`
		N         int64  `db:"n"`
	}](ctx, d, `SELECT product_id, status, sum(n)::bigint AS n FROM pool_counters
		WHERE tenant_id = @tenant AND product_id = ANY(@ids) GROUP BY product_id, status`, pgx.NamedArgs{"ids": productIDs})
	if err != nil {
		return nil, wrap("pool counts", err)
	}
	at := make(map[int64]int, len(productIDs))
	for i, id := range productIDs {
		at[id] = i
	}
	counts := make([]pool.Counts, len(productIDs))
	for _, r := range rows {
		c := &counts[at[r.ProductID]]
		if pool.Status(r.Status) == pool.Available {
			c.Available = r.N
		} else {
			c.Assigned = r.N
		}
	}
	return counts, nil
}

type serialRow struct {
	ID         int64
	ProductID  int64
	Value      string
	Status     string
	Source     string
	ReceivedAt time.Time
	AssignedAt *time.Time
	PackStatus string
	PackReason *string
}

// serialColumns selects a serial as its owner sees it; partnerColumns as its CMO does.
const (
	serialColumns  = `id, product_id, value, status, source, received_at, assigned_at, coalesce(pack_status, 'ACTIVE') AS pack_status, pack_reason`
	partnerColumns = `id, product_id, value, partner_status AS status, 'PARTNER' AS source, received_at, assigned_at,
		coalesce(pack_status, 'ACTIVE') AS pack_status, pack_reason`
)

func (r *serialRow) domain() *pool.Serial {
	s := &pool.Serial{ID: r.ID, ProductID: r.ProductID, Value: r.Value, Status: pool.Status(r.Status), Source: pool.Source(r.Source),
		ReceivedAt: r.ReceivedAt, AssignedAt: r.AssignedAt, PackStatus: pool.PackStatus(r.PackStatus)}
	if r.PackReason != nil && s.PackStatus == pool.PackDecommissioned {
		s.DecommissionReason = (*pool.Reason)(r.PackReason)
	}
	return s
}

// Serials implements pool.PoolService. The owner pages through the primary key
// (product_id, id); a CMO through the serials_partner index.
func (d *DB) Serials(ctx context.Context, f pool.SerialFilter) (*pool.SerialPage, error) {
	var rows []serialRow
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		args := map[string]any{"tenant": a.TenantID, "product": f.Product.ID, "after": f.AfterID, "limit": f.Limit + 1}
		query := `SELECT ` + serialColumns + ` FROM serials
			WHERE product_id = @product AND tenant_id = @tenant AND id > @after`
		statusColumn := "status"
		if f.Product.TenantID != a.TenantID {
			query = `SELECT ` + partnerColumns + ` FROM serials
			WHERE partner_tenant_id = @tenant AND product_id = @product AND id > @after`
			statusColumn = "partner_status"
		}
		switch {
		case f.Status == nil:
		case *f.Status == pool.Available || *f.Status == pool.Assigned:
			// A literal, not a parameter, so the planner can use the partial index of available serials.
			query += " AND " + statusColumn + " = '" + string(*f.Status) + "'"
		default:
			return pool.Invalid("status", "unknown status %q", *f.Status)
		}
		return tx.Raw(query+" ORDER BY id LIMIT @limit", args).Scan(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("db: serials: %w", err)
	}
	page := &pool.SerialPage{HasNext: len(rows) > f.Limit}
	if page.HasNext {
		rows = rows[:f.Limit]
	}
	for i := range rows {
		page.Serials = append(page.Serials, rows[i].domain())
	}
	return page, nil
}
