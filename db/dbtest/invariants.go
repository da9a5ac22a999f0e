package dbtest

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Querier is a connection or transaction that reads as the database owner,
// outside every tenant: *pgx.Conn, pgx.Tx or a pgxpool.Pool.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// CounterMismatch is a pool_counters row that differs from COUNT(*) over serials.
type CounterMismatch struct {
	TenantID, ProductID int64
	Status, Source      string
	PartnerID           int64
	Counter, Actual     int64
}

// CounterMismatches compares every counter row, in every dimension, with
// COUNT(*) over serials, from both the owner's and the partner's view. Exact
// counters answer an empty list.
func CounterMismatches(ctx context.Context, q Querier) ([]CounterMismatch, error) {
	rows, err := q.Query(ctx, `
		WITH actual AS (
			SELECT tenant_id, product_id, status, source, coalesce(partner_tenant_id, 0) AS partner_id, count(*) AS n
			FROM serials GROUP BY 1, 2, 3, 4, 5
			UNION ALL
			SELECT partner_tenant_id, product_id, partner_status, 'PARTNER'::serial_source, tenant_id, count(*) FROM serials
			WHERE partner_tenant_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5)
		SELECT coalesce(c.tenant_id, a.tenant_id), coalesce(c.product_id, a.product_id),
		       coalesce(c.status, a.status)::text, coalesce(c.source, a.source)::text, coalesce(c.partner_id, a.partner_id),
		       coalesce(c.n, 0), coalesce(a.n, 0)
		FROM pool_counters c FULL JOIN actual a USING (tenant_id, product_id, status, source, partner_id)
		WHERE coalesce(c.n, 0) <> coalesce(a.n, 0)`)
	if err != nil {
		return nil, fmt.Errorf("dbtest: counters: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (CounterMismatch, error) {
		var m CounterMismatch
		err := r.Scan(&m.TenantID, &m.ProductID, &m.Status, &m.Source, &m.PartnerID, &m.Counter, &m.Actual)
		return m, err
	})
}
