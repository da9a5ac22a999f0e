package db

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// statsColumns are the poolStats dimensions, in output order: their SQL over
// pool_counters c (and products p, joined only for what needs it), what they
// group by, and their type. The enums are read as text (and ordered so), but
// grouped by as enums, in the counters' key order, so that grouping needs no
// sort. The NULL of a dimension not grouped by has its column's type: pgx
// scans a NULL it has no plan for by trying every type it knows, per row.
var statsColumns = []struct {
	dim                     pool.StatsDimension
	sql, group, column, typ string
}{
	{pool.ByProduct, "c.product_id", "c.product_id", "product_id", "bigint"},
	{pool.BySource, "c.source::text", "c.source", "source", "text"},
	{pool.ByStatus, "c.status::text", "c.status", "status", "text"},
	{pool.ByCodeSchema, "p.code_schema::text", "p.code_schema", "code_schema", "text"},
	{pool.ByPartner, "nullif(c.partner_id, 0)", "nullif(c.partner_id, 0)", "partner_id", "bigint"},
}

// PoolStats implements pool.StatsService: one GROUP BY over the caller's
// counter rows (a handful per product), never over serials. Only the filters
// given are in the statement, and products only when a filter or the code
// schema needs them: a counter row of the caller's is of a product the caller
// sees, and the join cost more than the grouping (3.2 against 1.5 ms for 2,000
// groups).
func (d *DB) PoolStats(ctx context.Context, groupBy []pool.StatsDimension, f pool.StatsFilter) ([]*pool.StatsRow, error) {
	wanted := map[pool.StatsDimension]bool{}
	for _, dim := range groupBy {
		wanted[dim] = true
	}
	sel, group, order := "", "", ""
	joinProducts := f.ProductCode != "" || f.CodeSchema != nil
	for _, c := range statsColumns {
		if wanted[c.dim] {
			joinProducts = joinProducts || strings.HasPrefix(c.sql, "p.")
			sel += c.sql + " AS " + c.column + ", "
			group += ", " + c.group
			order += ", " + c.sql
			delete(wanted, c.dim)
		} else {
			sel += "NULL::" + c.typ + " AS " + c.column + ", "
		}
	}
	for dim := range wanted {
		return nil, pool.Invalid("groupBy", "unknown dimension %q", dim)
	}
	args := pgx.NamedArgs{}
	from, where := "pool_counters c", "c.tenant_id = @tenant"
	if joinProducts {
		from += " JOIN products p ON p.id = c.product_id"
	}
	if f.ProductCode != "" {
		where, args["code"] = where+" AND p.code = @code", f.ProductCode
	}
	if f.Source != nil {
		where, args["source"] = where+" AND c.source::text = @source", string(*f.Source)
	}
	if f.Status != nil {
		where, args["status"] = where+" AND c.status::text = @status", string(*f.Status)
	}
	if f.CodeSchema != nil {
		where, args["schema"] = where+" AND p.code_schema::text = @schema", string(*f.CodeSchema)
	}
	query := `SELECT ` + sel + `sum(c.n)::bigint AS count FROM ` + from + ` WHERE ` + where
	if group != "" {
		query += ` GROUP BY ` + group[2:] + ` HAVING sum(c.n) > 0 ORDER BY ` + order[2:]
	} else {
		query += ` HAVING sum(c.n) > 0`
	}
	// One round trip (tenantRead): BI tools send it often, and a thousand products' rows scan into typed columns.
	rows, err := tenantRead[pool.StatsRow](ctx, d, query, args)
	if err != nil {
		return nil, wrap("pool stats", err)
	}
	out := make([]*pool.StatsRow, len(rows))
	for i := range rows {
		out[i] = &rows[i]
	}
	return out, nil
}

// activityKinds maps audit actions to what happened to serials.
const activityKind = `CASE action
	WHEN 'serials.receive' THEN 'RECEIVED' WHEN 'serials.generate' THEN 'GENERATED'
	WHEN 'serials.request' THEN 'ASSIGNED' WHEN 'serials.assign_partner' THEN 'ASSIGNED_TO_PARTNER'
	WHEN 'serials.release' THEN 'RELEASED' WHEN 'pack.events' THEN 'PACK_EVENTS' END`

// PoolActivity implements pool.StatsService: a range scan of the caller's audit
// entries (one per batch, not per serial) on the (tenant_id, at) index.
func (d *DB) PoolActivity(ctx context.Context, from, to time.Time, interval pool.ActivityInterval, groupBy []pool.ActivityDimension) ([]*pool.ActivityRow, error) {
	step := 24 * time.Hour
	if interval == pool.Week {
		step *= 7
	} else if interval != pool.Day {
		return nil, pool.Invalid("interval", "unknown interval %q", interval)
	}
	if !to.After(from) {
		return nil, pool.Invalid("to", "to must be after from")
	}
	if to.Sub(from)/step > pool.MaxActivityBuckets {
		return nil, pool.Invalid("to", "the range spans more than %d buckets; use a wider interval or a shorter range", pool.MaxActivityBuckets)
	}
	kind, product := "NULL", "NULL::bigint"
	group := "1"
	for _, dim := range groupBy {
		switch dim {
		case pool.ByKind:
			kind, group = activityKind, group+", 2"
		case pool.ByActivityProduct:
			product, group = "product_id", group+", 3"
		default:
			return nil, pool.Invalid("groupBy", "unknown dimension %q", dim)
		}
	}
	var rows []*pool.ActivityRow
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT date_trunc(@unit, at, 'UTC') AS bucket, `+kind+` AS kind, `+product+` AS product_id, sum(count) AS count
			FROM audit_log
			WHERE tenant_id = @tenant AND at >= @from AND at < @to AND `+activityKind+` IS NOT NULL
			GROUP BY `+group+` ORDER BY `+group, map[string]any{"unit": map[pool.ActivityInterval]string{pool.Day: "day", pool.Week: "week"}[interval],
			"tenant": a.TenantID, "from": from, "to": to}).Scan(&rows).Error
	})
	return rows, wrap("pool activity", err)
}
