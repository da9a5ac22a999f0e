package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// countsOf is the caller's pool counts of the product whose id is the
// expression it is formatted with, as one row (available, assigned): a few
// index lookups of pool_counters, which the serials_count trigger keeps exact,
// whatever the pool size.
const countsOf = `SELECT coalesce(sum(n) FILTER (WHERE status = 'AVAILABLE'), 0)::bigint AS available,
		coalesce(sum(n) FILTER (WHERE status <> 'AVAILABLE'), 0)::bigint AS assigned
	FROM pool_counters WHERE tenant_id = @tenant AND product_id = %s`

// Counts implements pool.PoolService: one row per id, in order.
func (d *DB) Counts(ctx context.Context, productIDs []int64) ([]pool.Counts, error) {
	rows, err := tenantRead[pool.Counts](ctx, d, `SELECT c.* FROM unnest(@ids::bigint[]) WITH ORDINALITY AS p(id, i)
		CROSS JOIN LATERAL (`+fmt.Sprintf(countsOf, "p.id")+`) c ORDER BY p.i`, pgx.NamedArgs{"ids": productIDs})
	return rows, wrap("pool counts", err)
}

type serialRow struct {
	RequestID  int64 // set only by queries that page through requests
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
	partnerColumns = `id, product_id, value, partner_status AS status, 'PARTNER'::serial_source AS source, received_at, assigned_at,
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

// Serials implements pool.PoolService: one statement for every product, each
// product's page a LATERAL subquery. The owner pages through the primary key
// (product_id, id); a CMO through the serials_partner index.
func (d *DB) Serials(ctx context.Context, f pool.SerialFilter) ([]*pool.SerialPage, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	own, partner := []int64{}, []int64{}
	for _, p := range f.Products {
		if p.TenantID == a.TenantID {
			own = append(own, p.ID)
		} else {
			partner = append(partner, p.ID)
		}
	}
	status := func(column string) (string, error) {
		switch {
		case f.Status == nil:
			return "", nil
		case *f.Status == pool.Available || *f.Status == pool.Assigned:
			// A literal, not a parameter, so the planner can use the partial index of available serials.
			return " AND " + column + " = '" + string(*f.Status) + "'", nil
		}
		return "", pool.Invalid("status", "unknown status %q", *f.Status)
	}
	ownStatus, err := status("status")
	if err != nil {
		return nil, err
	}
	partnerStatus, _ := status("partner_status")
	// LIKE decides; where text sorts by bytes, the same prefix as a range lets
	// the (product_id, value) index find a rare one at once instead of a scan
	// of the product's serials (set 82 is ASCII, all below 0x7f).
	prefix := ""
	if f.Prefix != "" {
		prefix = ` AND value LIKE @prefix`
		if d.bytewise {
			prefix += ` AND value >= @lo AND value < @hi`
		}
	}
	rows, err := tenantRead[serialRow](ctx, d, `SELECT s.* FROM unnest(@own::bigint[]) AS p(id) CROSS JOIN LATERAL (
			SELECT `+serialColumns+` FROM serials
			WHERE product_id = p.id AND tenant_id = @tenant AND id > @after`+ownStatus+prefix+` ORDER BY id LIMIT @limit) s
		UNION ALL
		SELECT s.* FROM unnest(@partner::bigint[]) AS p(id) CROSS JOIN LATERAL (
			SELECT `+partnerColumns+` FROM serials
			WHERE partner_tenant_id = @tenant AND product_id = p.id AND id > @after`+partnerStatus+prefix+` ORDER BY id LIMIT @limit) s
		ORDER BY product_id, id`,
		pgx.NamedArgs{"own": own, "partner": partner, "after": f.AfterID, "limit": f.Limit + 1, "prefix": likeEscape(f.Prefix) + "%", "lo": f.Prefix, "hi": f.Prefix + "\x7f"})
	if err != nil {
		return nil, wrap("serials", err)
	}
	ids := make([]int64, len(f.Products))
	for i, p := range f.Products {
		ids[i] = p.ID
	}
	return pages(ids, rows, func(r *serialRow) int64 { return r.ProductID }, f.Limit), nil
}

// pages splits rows, each page's rows in order and at most limit+1 of them,
// into one page per key of keys, in order: the extra row says there is a next page.
func pages(keys []int64, rows []serialRow, key func(*serialRow) int64, limit int) []*pool.SerialPage {
	byKey := make(map[int64]*pool.SerialPage, len(keys))
	out := make([]*pool.SerialPage, len(keys))
	for i, k := range keys {
		if byKey[k] == nil {
			byKey[k] = &pool.SerialPage{Serials: []*pool.Serial{}}
		}
		out[i] = byKey[k]
	}
	for i := range rows {
		p := byKey[key(&rows[i])]
		if len(p.Serials) == limit {
			p.HasNext = true
			continue
		}
		p.Serials = append(p.Serials, rows[i].domain())
	}
	return out
}
