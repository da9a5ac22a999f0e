package db

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// recentPackEvents lists pack events newest event time first, as the caller
// sees them (PackHistories' scope: its own and, for a CMO, those of the
// serials assigned to it): one index range per side (pack_events_tenant_at,
// pack_events_partner_at) read backwards and merged. @filter is ANDed in both.
const recentPackEvents = `WITH picked AS (
	(SELECT e.* FROM pack_events e WHERE e.tenant_id = @tenant AND @filter ORDER BY e.at DESC, e.id DESC LIMIT @limit)
	UNION ALL
	(SELECT e.* FROM pack_events e WHERE e.partner_tenant_id = @tenant AND e.tenant_id <> @tenant AND @filter
	 ORDER BY e.at DESC, e.id DESC LIMIT @limit))
SELECT e.id, p.code AS product_code, p.code_schema, s.value AS serial, e.event, e.status, e.reason, e.at, e.recorded_at, e.actor,
	coalesce(e.lot, '') AS lot, e.expiry AS expiry_date, coalesce(e.nhrn, '') AS nhrn, e.tz_offset, coalesce(e.container, '') AS container
FROM picked e JOIN products p ON p.id = e.product_id JOIN serials s ON s.product_id = e.product_id AND s.id = e.serial_id
ORDER BY e.at DESC, e.id DESC LIMIT @limit`

// RecentPackEvents implements pool.PackEventListService.
func (d *DB) RecentPackEvents(ctx context.Context, f pool.PackEventListFilter) (*pool.PackEventPage, error) {
	if f.Limit < 1 || f.Limit > pool.MaxPageSize {
		return nil, pool.Invalid("first", "first must be between 1 and %d, got %d", pool.MaxPageSize, f.Limit)
	}
	filter := []string{"true"}
	args := pgx.NamedArgs{"limit": f.Limit + 1}
	if f.ProductCode != "" {
		// Row-level security: a product the caller cannot see matches nothing.
		filter = append(filter, `e.product_id IN (SELECT id FROM products WHERE code = @product)`)
		args["product"] = f.ProductCode
	}
	if len(f.Events) > 0 {
		evs := make([]string, len(f.Events))
		for i, e := range f.Events {
			evs[i] = string(e)
		}
		filter = append(filter, `e.event::text = ANY(@events::text[])`)
		args["events"] = evs
	}
	if !f.From.IsZero() {
		filter = append(filter, `e.at >= @from`)
		args["from"] = f.From
	}
	if !f.To.IsZero() {
		filter = append(filter, `e.at < @to`)
		args["to"] = f.To
	}
	if f.Before != nil {
		filter = append(filter, `(e.at, e.id) < (@beforeAt, @beforeID)`)
		args["beforeAt"], args["beforeID"] = f.Before.At, f.Before.ID
	}
	rows, err := tenantRead[struct {
		pool.PackEventRecord
		ExpiryDate *time.Time
	}](ctx, d, strings.ReplaceAll(recentPackEvents, "@filter", strings.Join(filter, " AND ")), args)
	if err != nil {
		return nil, wrap("recent pack events", err)
	}
	page := &pool.PackEventPage{HasNext: len(rows) > f.Limit}
	rows = rows[:min(len(rows), f.Limit)]
	page.Events = make([]*pool.PackEventRecord, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.ExpiryDate != nil {
			r.Expiry = *r.ExpiryDate
		}
		// The event time as it was on the line, in its time zone.
		if loc, err := time.Parse("-07:00", r.TZOffset); err == nil {
			r.At = r.At.In(loc.Location())
		}
		page.Events[i] = &r.PackEventRecord
	}
	return page, nil
}
