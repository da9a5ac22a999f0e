package db

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// packEventSelect lists pack events, oldest recorded first, as the caller
// sees them (PackHistories' scope: the owner's events and, for a CMO, those
// of the serials assigned to it), one index range per side merged in id
// order. @filter is ANDed in both; x.parent is the container a PACK put the
// pack into or an UNPACK took it out of (the container it had before).
const packEventSelect = `WITH picked AS (
	(SELECT e.*, x.parent FROM pack_events e CROSS JOIN LATERAL (` + parentOf + `) x
	 WHERE e.tenant_id = @tenant AND e.id > @after AND @filter ORDER BY e.id LIMIT @limit)
	UNION ALL
	(SELECT e.*, x.parent FROM pack_events e CROSS JOIN LATERAL (` + parentOf + `) x
	 WHERE e.partner_tenant_id = @tenant AND e.tenant_id <> @tenant AND e.id > @after AND @filter ORDER BY e.id LIMIT @limit))
SELECT e.id, p.code AS product_code, p.code_schema, s.value AS serial, e.event, e.status, e.reason, e.at, e.recorded_at, e.actor,
	coalesce(e.lot, '') AS lot, e.expiry AS expiry_date, coalesce(e.nhrn, '') AS nhrn, e.tz_offset, coalesce(e.container, '') AS container,
	coalesce(e.parent, '') AS parent,
	coalesce(CASE WHEN p.code_schema = 'SSCC' THEN length(p.code) - 1 ELSE (` + gtinPrefixLen + `) END, 0) AS prefix_len,
	coalesce((SELECT length(c.code) - 1 FROM products c WHERE c.code_schema = 'SSCC' AND c.code = left(e.parent, length(c.code)) LIMIT 1), 0) AS parent_prefix_len
FROM picked e JOIN products p ON p.id = e.product_id JOIN serials s ON s.product_id = e.product_id AND s.id = e.serial_id
ORDER BY e.id LIMIT @limit`

const parentOf = `SELECT CASE e.event
	WHEN 'PACK' THEN e.container
	WHEN 'UNPACK' THEN (SELECT q.container FROM pack_events q WHERE q.product_id = e.product_id AND q.serial_id = e.serial_id
		AND (q.at, q.id) < (e.at, e.id) ORDER BY q.at DESC, q.id DESC LIMIT 1) END AS parent`

// gtinPrefixLen is the company prefix length of a GTIN product p as an SSCC
// pool of the same company tells it: a GTIN-14 carries the prefix after its
// indicator digit, an SSCC pool's code after its extension digit.
const gtinPrefixLen = `SELECT length(c.code) - 1 FROM products c WHERE c.code_schema = 'SSCC' AND c.tenant_id = p.tenant_id
	AND substr(p.code, 2, length(c.code) - 1) = substr(c.code, 2) ORDER BY length(c.code) DESC LIMIT 1`

// PackEvents implements pool.EPCISService.
func (d *DB) PackEvents(ctx context.Context, f pool.PackEventFilter) (*pool.PackEventPage, error) {
	if f.Limit < 1 || f.Limit > pool.MaxPackEventPage {
		return nil, pool.Invalid("perPage", "a page holds 1 to %d events, got %d", pool.MaxPackEventPage, f.Limit)
	}
	filter := `true`
	args := pgx.NamedArgs{"after": f.AfterID, "limit": f.Limit + 1}
	if len(f.Kinds) > 0 {
		evs, rsn := make([]string, len(f.Kinds)), make([]string, len(f.Kinds))
		for i, k := range f.Kinds {
			evs[i] = string(k.Event)
			if k.Reason != nil {
				rsn[i] = string(*k.Reason)
			}
		}
		filter += ` AND (e.event::text, coalesce(e.reason::text, '')) IN (SELECT * FROM unnest(@kindEvents::text[], @kindReasons::text[]))`
		args["kindEvents"], args["kindReasons"] = evs, rsn
	}
	if len(f.Packs) > 0 || len(f.Containers) > 0 {
		codes, values := make([]string, len(f.Packs)), make([]string, len(f.Packs))
		for i, k := range f.Packs {
			codes[i], values[i] = k.ProductCode, k.Serial
		}
		// A pack named without its product code is an SSCC: of the SSCC pool
		// whose code begins it.
		filter += ` AND ((e.product_id, e.serial_id) IN (SELECT s.product_id, s.id FROM unnest(@codes::text[], @values::text[]) u(c, v)
				JOIN products p ON p.code = u.c OR (u.c = '' AND p.code_schema = 'SSCC' AND p.code = left(u.v, length(p.code)))
				JOIN serials s ON s.product_id = p.id AND s.value = u.v)
			OR x.parent = ANY(@containers::text[]))`
		args["codes"], args["values"], args["containers"] = codes, values, f.Containers
	}
	if f.Product != "" {
		filter += ` AND e.product_id IN (SELECT id FROM products WHERE code = @product)`
		args["product"] = f.Product
	}
	if !f.From.IsZero() {
		filter += ` AND e.at >= @from`
		args["from"] = f.From
	}
	if !f.To.IsZero() {
		filter += ` AND e.at < @to`
		args["to"] = f.To
	}
	rows, err := tenantRead[struct {
		pool.PackEventRecord
		ExpiryDate *time.Time
	}](ctx, d, strings.ReplaceAll(packEventSelect, "@filter", filter), args)
	if err != nil {
		return nil, wrap("pack events", err)
	}
	page := &pool.PackEventPage{HasNext: len(rows) > f.Limit}
	rows = rows[:min(len(rows), f.Limit)]
	page.Events = make([]*pool.PackEventRecord, len(rows))
	for i := range rows {
		r := &rows[i]
		if r.ExpiryDate != nil {
			r.Expiry = *r.ExpiryDate
		}
		page.Events[i] = &r.PackEventRecord
	}
	return page, nil
}

// StartCapture implements pool.EPCISService.
func (d *DB) StartCapture(ctx context.Context, n int, timeout time.Duration) (*pool.Capture, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleOperator); err != nil {
		return nil, err
	}
	c := &pool.Capture{State: pool.CaptureRunning, Events: n}
	err := d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		return tx.QueryRow(ctx, `INSERT INTO epcis_captures (tenant_id, events, actor, deadline)
			VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id, created_at`,
			a.TenantID, n, a.Name(), timeout.Seconds()).Scan(&c.ID, &c.CreatedAt)
	})
	if err != nil {
		return nil, wrap("start capture", err)
	}
	return c, nil
}

// CapturePackEvents implements pool.EPCISService. The hashes go in first:
// a concurrent capture of the same events waits on their unique index and
// then finds them captured.
func (d *DB) CapturePackEvents(ctx context.Context, id int64, events []pool.CapturedPackEvent) (*pool.Capture, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleOperator); err != nil {
		return nil, err
	}
	if len(events) == 0 || len(events) > pool.MaxBatch {
		return nil, pool.Invalid("eventList", "capture 1 to %d pack events at a time (an event of n packs counts n), got %d", pool.MaxBatch, len(events))
	}
	var c *pool.Capture
	err := d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		hashes := make([]string, len(events))
		for i, e := range events {
			hashes[i] = e.Hash
		}
		rows, err := tx.Query(ctx, `INSERT INTO epcis_event_hashes (tenant_id, event_hash, capture_id)
			SELECT $1, h, $2 FROM unnest($3::text[]) h ON CONFLICT DO NOTHING RETURNING event_hash`, a.TenantID, id, hashes)
		if err != nil {
			return err
		}
		fresh, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		isFresh := make(map[string]bool, len(fresh))
		for _, h := range fresh {
			isFresh[h] = true
		}
		// The first of each fresh hash is recorded; at[i] is its place in events.
		var inputs []pool.PackEventInput
		var at []int
		for i, e := range events {
			if isFresh[e.Hash] {
				delete(isFresh, e.Hash)
				inputs, at = append(inputs, e.PackEventInput), append(at, i)
			}
		}
		if err := ssccPools(ctx, tx, a, inputs); err != nil {
			return err
		}
		c = &pool.Capture{ID: id, Duplicates: len(events) - len(inputs)}
		if len(inputs) > 0 {
			res, err := d.recordPackEvents(ctx, tx, a, inputs)
			if err != nil {
				return renumber(err, at)
			}
			c.Recorded = res.Recorded
		}
		return tx.QueryRow(ctx, `UPDATE epcis_captures SET state = 'SUCCEEDED', recorded = $3, duplicates = $4, finished_at = now()
			WHERE id = $1 AND tenant_id = $2 AND state = 'RUNNING' AND deadline + make_interval(secs => $5) > now()
			RETURNING state, events, created_at, finished_at`,
			id, a.TenantID, c.Recorded, c.Duplicates, pool.CaptureGrace.Seconds()).Scan(&c.State, &c.Events, &c.CreatedAt, &c.FinishedAt)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, pool.Errorf(pool.ENOTFOUND, "no running capture %d", id)
	}
	if err != nil {
		return nil, wrap("capture pack events", err)
	}
	return c, nil
}

// ssccPools names each SSCC a capture names without its pool (see
// epcis.PackKeyOf) by the code of the caller's SSCC pool that begins it; an
// SSCC of no such pool is named by itself, which no product is.
func ssccPools(ctx context.Context, tx pgx.Tx, a pool.Actor, events []pool.PackEventInput) error {
	var ssccs []string
	for _, e := range events {
		if e.ProductCode == "" {
			ssccs = append(ssccs, e.Serial)
		}
	}
	if len(ssccs) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT ON (u.v) u.v, p.code FROM unnest($1::text[]) u(v)
		JOIN products p ON p.tenant_id = $2 AND p.code_schema = 'SSCC' AND p.code = left(u.v, length(p.code))
		ORDER BY u.v, length(p.code) DESC`, ssccs, a.TenantID)
	if err != nil {
		return err
	}
	codes := map[string]string{}
	var v, code string
	if _, err := pgx.ForEachRow(rows, []any{&v, &code}, func() error { codes[v] = code; return nil }); err != nil {
		return err
	}
	for i := range events {
		if events[i].ProductCode == "" {
			events[i].ProductCode = codes[events[i].Serial]
			if events[i].ProductCode == "" {
				events[i].ProductCode = events[i].Serial
			}
		}
	}
	return nil
}

// renumber makes the rows of a refused batch name the capture's events: row
// n of the recorded subset is the at[n-1]th of the capture.
func renumber(err error, at []int) error {
	var pe *pool.Error
	if errors.As(err, &pe) && pe.Batch != nil {
		for i := range pe.Batch.Rows {
			if r := pe.Batch.Rows[i].Row; r >= 1 && int(r) <= len(at) {
				pe.Batch.Rows[i].Row = int64(at[r-1] + 1)
			}
		}
	}
	return err
}

// FailCapture implements pool.EPCISService.
func (d *DB) FailCapture(ctx context.Context, id int64, refusals []pool.CaptureRefusal) error {
	err := d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		_, err := tx.Exec(ctx, `UPDATE epcis_captures SET state = 'FAILED', refusals = $3, finished_at = now()
			WHERE id = $1 AND tenant_id = $2 AND state = 'RUNNING'`, id, a.TenantID, refusals)
		return err
	})
	return wrap("fail capture", err)
}

// CaptureByID implements pool.EPCISService.
func (d *DB) CaptureByID(ctx context.Context, id int64) (*pool.Capture, error) {
	rows, err := tenantRead[struct {
		pool.Capture
		RefusalList []pool.CaptureRefusal
		Interrupted bool
	}](ctx, d, `SELECT id, state, events, recorded, duplicates, coalesce(refusals, '[]') AS refusal_list, created_at, finished_at,
			state = 'RUNNING' AND deadline + make_interval(secs => @grace) < now() AS interrupted
		FROM epcis_captures WHERE id = @id AND tenant_id = @tenant`, pgx.NamedArgs{"id": id, "grace": pool.CaptureGrace.Seconds()})
	if err != nil {
		return nil, wrap("capture", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no capture %d", id)
	}
	c := rows[0].Capture
	c.Refusals = rows[0].RefusalList
	if rows[0].Interrupted {
		// Read, not written: the read may be served by a standby.
		c.State = pool.CaptureFailed
		c.Refusals = []pool.CaptureRefusal{{Code: pool.CodeCaptureInterrupted,
			Reason: "the server stopped before the capture finished; nothing of it was stored: send the document again"}}
	}
	return &c, nil
}
