package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// poolView is a product's pool as the caller sees it: the owner's pool, or the
// part of it its MAH assigned to the caller (a CMO).
type poolView struct {
	productID  int64
	owner      int64
	cap        int
	schema     pool.CodeSchema
	asPartner  bool
	statusCol  string // the column holding the caller's pool status
	requestCol string // the column holding the caller's latest request
}

// noProduct answers a product code the caller may not use as one that does not exist.
func noProduct(code string) error {
	return &pool.Error{Code: pool.ENOTFOUND, Field: "productCode", Message: fmt.Sprintf("no product with code %q", code)}
}

// visiblePool finds a product's pool for the caller and locks nothing; before
// moving serials, the caller holds it.
func visiblePool(ctx context.Context, tx pgx.Tx, a pool.Actor, code string) (*poolView, error) {
	v := &poolView{}
	err := tx.QueryRow(ctx, `SELECT id, tenant_id, request_cap, code_schema FROM products
		WHERE code = $1 AND (tenant_id = $2 OR EXISTS (
			SELECT FROM pool_counters c WHERE c.product_id = products.id AND c.tenant_id = $2))`,
		code, a.TenantID).Scan(&v.productID, &v.owner, &v.cap, &v.schema)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noProduct(code)
	}
	if err != nil {
		return nil, err
	}
	v.asPartner = v.owner != a.TenantID
	v.statusCol, v.requestCol = "status", "request_id"
	if v.asPartner {
		v.statusCol, v.requestCol = "partner_status", "partner_request_id"
	}
	return v, nil
}

// hold holds a CMO's partnership with the product's owner until the
// transaction ends; an ended partnership leaves the CMO its history to read
// but nothing to move, answered as for a product it does not see. An owner
// holds nothing.
func (v *poolView) hold(ctx context.Context, tx pgx.Tx, a pool.Actor, code string) error {
	if !v.asPartner {
		return nil
	}
	mahs, err := holdMAHs(ctx, tx, a, []string{code})
	if err != nil {
		return err
	}
	if len(mahs) == 0 {
		return noProduct(code)
	}
	return nil
}

// available reads the caller's Available count from the counters.
func available(ctx context.Context, tx pgx.Tx, a pool.Actor, productID int64) (int64, error) {
	var n int64
	err := tx.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM pool_counters
		WHERE tenant_id = $1 AND product_id = $2 AND status = 'AVAILABLE'`, a.TenantID, productID).Scan(&n)
	return n, err
}

func checkCount(count, cap int, avail int64, code string) error {
	switch {
	case count < 1:
		return pool.Invalid("count", "count must be at least 1, got %d", count)
	case count > cap:
		return pool.Invalid("count", "asks for %d serials; the cap per request for %s is %d", count, code, cap)
	case int64(count) > avail:
		return pool.Errorf(pool.EINSUFFICIENT, "asks for %d serials of %s; %d are available", count, code, avail)
	}
	return nil
}

// RequestSerials implements pool.LifecycleService. Concurrent requests each lock
// and skip what the others hold (FOR UPDATE SKIP LOCKED on the index of
// available serials), so none waits for a global lock and none gets a serial twice.
func (d *DB) RequestSerials(ctx context.Context, in pool.Request) (*pool.SerialRequest, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	code, count := in.ProductCode, in.Count
	var req *pool.SerialRequest
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		v, err := visiblePool(ctx, tx, a, code)
		if err != nil {
			return err
		}
		// The request row first: under a key already used, the insert waits for
		// that request's transaction and then inserts nothing.
		req = &pool.SerialRequest{ProductID: v.productID, OrderRef: &in.OrderRef, Count: count}
		err = tx.QueryRow(ctx, `INSERT INTO serial_requests (tenant_id, product_id, order_ref, count, actor, idempotency_key)
			VALUES ($1, $2, $3, $4, $5, nullif($6, '')) ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
			RETURNING id, created_at`, a.TenantID, v.productID, in.OrderRef, count, a.Name(), in.IdempotencyKey).
			Scan(&req.ID, &req.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return replayRequest(ctx, tx, a, in.IdempotencyKey, req)
		}
		if err != nil {
			return err
		}
		// After the replay: a retry of a request made before its partnership
		// ended still gets that request (and its serials) back.
		if err := v.hold(ctx, tx, a, code); err != nil {
			return err
		}
		avail, err := available(ctx, tx, a, v.productID)
		if err != nil {
			return err
		}
		if err := checkCount(count, v.cap, avail, code); err != nil {
			return err
		}
		pick, args := `SELECT id FROM serials WHERE product_id = $1 AND status = 'AVAILABLE'`, []any{v.productID, req.ID, count}
		if v.asPartner {
			pick = `SELECT id FROM serials WHERE partner_tenant_id = $4 AND product_id = $1 AND partner_status = 'AVAILABLE'`
			args = append(args, a.TenantID)
		}
		// A locking CTE is materialised once; an IN (sub-select) may be re-run by
		// the planner and take more than LIMIT rows.
		tag, err := tx.Exec(ctx, `WITH picked AS (`+pick+` ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
			UPDATE serials s SET `+v.statusCol+` = 'ASSIGNED', assigned_at = now(), `+v.requestCol+` = $2
			FROM picked WHERE s.product_id = $1 AND s.id = picked.id`, args...)
		if err != nil {
			return err
		}
		if got := tag.RowsAffected(); got < int64(count) {
			return pool.Errorf(pool.EINSUFFICIENT, "asks for %d serials of %s; only %d could be assigned, the rest are being taken by other requests", count, code, got)
		}
		return auditTx(ctx, tx, a, "serials.request", v.productID, int64(count), map[string]any{"request": req.ID, "orderRef": in.OrderRef})
	})
	if err != nil {
		return nil, wrap("request serials", err)
	}
	return req, nil
}

// replayRequest fills req with the earlier request under key, which must have
// asked for the same (product, count, order or partner): else the key is CONFLICT.
func replayRequest(ctx context.Context, tx pgx.Tx, a pool.Actor, key string, req *pool.SerialRequest) error {
	var product int64
	var count int
	var orderRef *string
	var partner *int64
	if err := tx.QueryRow(ctx, `SELECT id, product_id, count, order_ref, partner_tenant_id, created_at FROM serial_requests
		WHERE tenant_id = $1 AND idempotency_key = $2`, a.TenantID, key).
		Scan(&req.ID, &product, &count, &orderRef, &partner, &req.CreatedAt); err != nil {
		return err
	}
	if product != req.ProductID || count != req.Count || !same(orderRef, req.OrderRef) || !same(partner, req.PartnerID) {
		return &pool.Error{Code: pool.ECONFLICT, Field: "idempotencyKey",
			Message: "this idempotency key was used for another request (a different product, count, order reference or partner)"}
	}
	req.Replayed = true
	return nil
}

// same reports whether two optional values are both absent or equal.
func same[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// AssignToPartner implements pool.LifecycleService: the serials become Assigned
// (to the CMO) in the MAH's pool and Available in the CMO's.
func (d *DB) AssignToPartner(ctx context.Context, in pool.Assignment) (*pool.SerialRequest, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	code, partner, count := in.ProductCode, in.Partner, in.Count
	var req *pool.SerialRequest
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		v, err := visiblePool(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if err := v.hold(ctx, tx, a, code); err != nil {
			return err
		}
		if v.asPartner {
			return pool.Errorf(pool.EFORBIDDEN, "only the owner of %s can assign its serials to a partner", code)
		}
		// An ended partnership took back what its assignments left unused, so a
		// retry of one after the end is refused too, not replayed.
		if err := holdCMO(ctx, tx, a, partner); err != nil {
			return err
		}
		// The request row first, as in RequestSerials: a used key replays.
		req = &pool.SerialRequest{ProductID: v.productID, PartnerID: &partner, Count: count}
		err = tx.QueryRow(ctx, `INSERT INTO serial_requests (tenant_id, product_id, partner_tenant_id, count, actor, idempotency_key)
			VALUES ($1, $2, $3, $4, $5, nullif($6, '')) ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
			RETURNING id, created_at`, a.TenantID, v.productID, partner, count, a.Name(), in.IdempotencyKey).Scan(&req.ID, &req.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return replayRequest(ctx, tx, a, in.IdempotencyKey, req)
		}
		if err != nil {
			return err
		}
		avail, err := available(ctx, tx, a, v.productID)
		if err != nil {
			return err
		}
		if err := checkCount(count, v.cap, avail, code); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `WITH picked AS (SELECT id FROM serials WHERE product_id = $1 AND status = 'AVAILABLE'
				ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
			UPDATE serials s SET status = 'ASSIGNED', assigned_at = now(), request_id = $2,
				partner_tenant_id = $4, partner_status = 'AVAILABLE', partner_request_id = NULL
			FROM picked WHERE s.product_id = $1 AND s.id = picked.id`, v.productID, req.ID, count, partner)
		if err != nil {
			return err
		}
		if got := tag.RowsAffected(); got < int64(count) {
			return pool.Errorf(pool.EINSUFFICIENT, "asks for %d serials of %s; only %d could be assigned, the rest are being taken by other requests", count, code, got)
		}
		return auditTx(ctx, tx, a, "serials.assign_partner", v.productID, int64(count), map[string]any{"request": req.ID, "partner": partner})
	})
	if err != nil {
		return nil, wrap("assign serials to partner", err)
	}
	return req, nil
}

// The statements of ReleaseSerials ($1 the product, $2 the values). Each looks
// every value up in the (product_id, value) index, in subqueries the planner
// cannot flatten into a join: under row-level security it misjudges the
// product's serials as a handful, and joined them by scanning the whole pool
// once per value (6.5 s for 300 of 300,000). TestReleasePlans holds them to it.
const (
	lockReleased = `SELECT 1 FROM unnest($2::text[]) u(v)
		CROSS JOIN LATERAL (SELECT 1 FROM serials WHERE product_id = $1 AND value = u.v FOR UPDATE) s`
	releaseCandidates = `SELECT u.v, s.id, s.tenant_id, s.status, s.source, s.partner_tenant_id, s.partner_status, s.pack_status
		FROM unnest($2::text[]) WITH ORDINALITY u(v, n)
		LEFT JOIN LATERAL (SELECT * FROM serials WHERE product_id = $1 AND value = u.v OFFSET 0) s ON true
		ORDER BY u.n`
)

// ReleaseSerials implements pool.LifecycleService.
func (d *DB) ReleaseSerials(ctx context.Context, code string, values []string) (int, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return 0, err
	}
	if len(values) == 0 || len(values) > pool.MaxBatch {
		return 0, pool.Invalid("serials", "release 1 to %d serials at a time, got %d", pool.MaxBatch, len(values))
	}
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		v, err := visiblePool(ctx, tx, a, code)
		if err != nil {
			return err
		}
		if err := v.hold(ctx, tx, a, code); err != nil {
			return err
		}
		// Lock what exists first, so the checks below see settled rows.
		if _, err := tx.Exec(ctx, lockReleased, v.productID, values); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, releaseCandidates, v.productID, values)
		if err != nil {
			return err
		}
		bad := &pool.BatchError{Code: pool.EINVALID}
		seen := make(map[string]bool, len(values))
		var ids []int64
		var row int64
		for rows.Next() {
			var value string
			var id, owner, partner *int64
			var status, source, partnerStatus, pack *string
			if err := rows.Scan(&value, &id, &owner, &status, &source, &partner, &partnerStatus, &pack); err != nil {
				return err
			}
			row++
			reject := func(code, reason string) { bad.Add(pool.RowError{Row: row, Value: value, Code: code, Reason: reason}) }
			mine := id != nil && (!v.asPartner || (partner != nil && *partner == a.TenantID))
			switch {
			case seen[value]:
				reject("duplicate_in_batch", "the serial is listed twice")
			case !mine:
				reject("not_found", "no such serial in your pool")
			case v.asPartner && *partnerStatus != string(pool.Assigned), !v.asPartner && *status != string(pool.Assigned):
				reject("not_assigned", "the serial is Available already")
			case *source == string(pool.SourceExternal):
				reject("external", "external serials were used outside the pool and can never be released")
			case !v.asPartner && partner != nil:
				reject("assigned_to_partner", "the serial is assigned to a partner")
			case pack != nil:
				reject("has_pack_events", "the serial has pack events: its pack exists")
			default:
				ids = append(ids, *id)
			}
			seen[value] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if bad.Total > 0 {
			return bad.AsError()
		}
		if _, err := tx.Exec(ctx, `UPDATE serials SET `+v.statusCol+` = 'AVAILABLE', `+v.requestCol+` = NULL
			WHERE product_id = $1 AND id = ANY($2)`, v.productID, ids); err != nil {
			return err
		}
		return auditTx(ctx, tx, a, "serials.release", v.productID, int64(len(ids)), nil)
	})
	if err != nil {
		return 0, wrap("release serials", err)
	}
	return len(values), nil
}

// RecordPackEvents implements pool.LifecycleService: set-based, so a batch of
// thousands costs a handful of statements.
func (d *DB) RecordPackEvents(ctx context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 || len(events) > pool.MaxBatch {
		return nil, pool.Invalid("input", "record 1 to %d pack events at a time, got %d", pool.MaxBatch, len(events))
	}
	codes, values := make([]string, len(events)), make([]string, len(events))
	for i, e := range events {
		codes[i], values[i] = e.ProductCode, e.Serial
	}
	res := &pool.PackEventsResult{}
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		// A CMO sees the products of an ended partnership, but records nothing on them.
		mahs, err := holdMAHs(ctx, tx, a, codes)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT 1 FROM serials s JOIN products p ON p.id = s.product_id
			JOIN unnest($1::text[], $2::text[]) u(code, v) ON p.code = u.code AND s.value = u.v
			FOR UPDATE OF s`, codes, values); err != nil {
			return err
		}
		type state struct {
			productID, owner   int64
			id                 *int64
			partner            *int64
			status, partnerSt  *string
			pack               pool.PackStatus
			reason             *pool.Reason
			visible, asPartner bool
		}
		states := make([]state, 0, len(events))
		rows, err := tx.Query(ctx, `SELECT coalesce(p.id, 0), coalesce(p.tenant_id, 0), s.id, s.partner_tenant_id, s.status, s.partner_status,
				coalesce(s.pack_status, 'ACTIVE'), s.pack_reason
			FROM unnest($1::text[], $2::text[]) WITH ORDINALITY u(code, v, n)
			LEFT JOIN products p ON p.code = u.code AND (p.tenant_id = $3 OR (p.tenant_id = ANY($4) AND EXISTS (
				SELECT FROM pool_counters c WHERE c.product_id = p.id AND c.tenant_id = $3)))
			LEFT JOIN serials s ON s.product_id = p.id AND s.value = u.v
			ORDER BY u.n`, codes, values, a.TenantID, mahs)
		if err != nil {
			return err
		}
		for rows.Next() {
			var s state
			var pack string
			if err := rows.Scan(&s.productID, &s.owner, &s.id, &s.partner, &s.status, &s.partnerSt, &pack, &s.reason); err != nil {
				return err
			}
			s.pack = pool.PackStatus(pack)
			s.asPartner = s.owner != a.TenantID
			s.visible = s.id != nil && (!s.asPartner || (s.partner != nil && *s.partner == a.TenantID))
			states = append(states, s)
		}
		if err := rows.Err(); err != nil {
			return err
		}

		// Apply events in order; later events on the same serial see earlier ones.
		type key struct {
			product int64
			value   string
		}
		current := map[key]*state{}
		bad := &pool.BatchError{Code: pool.EINVALID}
		var newExternal []int // indexes of events storing an unknown external serial
		type out struct {
			i      int
			status pool.PackStatus
		}
		var applied []out
		for i, e := range events {
			reject := func(code, reason string) {
				bad.Add(pool.RowError{Row: int64(i + 1), Value: e.Serial, Code: code, Reason: reason})
			}
			s := &states[i]
			if s.productID == 0 {
				reject("product_not_found", fmt.Sprintf("no product with code %q", e.ProductCode))
				continue
			}
			k := key{s.productID, e.Serial}
			if prev, ok := current[k]; ok {
				s = prev
			} else {
				current[k] = s
			}
			if !s.visible {
				if s.id != nil || s.asPartner || e.Event != pool.Commission {
					reject("not_found", "no such serial in your pool")
					continue
				}
				if err := gs1.ValidSerial(e.Serial); err != nil {
					reject("serial_"+err.(*gs1.Error).Rule, err.Error())
					continue
				}
				// An unknown but valid serial commissioned by a line: an external one.
				newExternal = append(newExternal, i)
				s.visible, s.status, s.pack = true, ptr(string(pool.Assigned)), pool.PackActive
			}
			poolStatus := s.status
			if s.asPartner {
				poolStatus = s.partnerSt
			}
			if e.Event == pool.Commission && *poolStatus != string(pool.Assigned) {
				reject("not_assigned", "an Available serial cannot be commissioned: request it first")
				continue
			}
			next, rerr := pool.Transition(s.pack, s.reason, e.Event, e.Reason)
			if rerr != nil {
				reject(rerr.Code, rerr.Reason)
				continue
			}
			s.pack, s.reason = next, e.Reason
			applied = append(applied, out{i, next})
		}
		if bad.Total > 0 {
			return bad.AsError()
		}

		if len(newExternal) > 0 {
			pids, vals := make([]int64, len(newExternal)), make([]string, len(newExternal))
			for j, i := range newExternal {
				pids[j], vals[j] = states[i].productID, events[i].Serial
			}
			rows, err := tx.Query(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value, assigned_at)
				SELECT u.p, $3, 'ASSIGNED', 'EXTERNAL', u.v, now() FROM unnest($1::bigint[], $2::text[]) u(p, v)
				ON CONFLICT (product_id, value) DO NOTHING
				RETURNING product_id, value, id`, pids, vals, a.TenantID)
			if err != nil {
				return err
			}
			for rows.Next() {
				var p, id int64
				var v string
				if err := rows.Scan(&p, &v, &id); err != nil {
					return err
				}
				current[key{p, v}].id = &id
				res.StoredExternal++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if res.StoredExternal != len(newExternal) {
				return pool.Errorf(pool.ECONFLICT, "some external serials were stored concurrently; retry the batch")
			}
		}

		var actor string
		if err := tx.QueryRow(ctx, `SELECT name || ' (' || $2 || ')' FROM tenants WHERE id = $1`, a.TenantID, a.Name()).Scan(&actor); err != nil {
			return err
		}
		n := len(applied)
		pids, ids, owners, partners := make([]int64, n), make([]int64, n), make([]int64, n), make([]*int64, n)
		evs, sts, rsn, ats := make([]string, n), make([]string, n), make([]*string, n), make([]*time.Time, n)
		for j, o := range applied {
			e, s := events[o.i], current[key{states[o.i].productID, events[o.i].Serial}]
			pids[j], ids[j], owners[j], partners[j] = states[o.i].productID, *s.id, states[o.i].owner, s.partner
			evs[j], sts[j] = string(e.Event), string(o.status)
			if e.Reason != nil {
				rsn[j] = ptr(string(*e.Reason))
			}
			if !e.At.IsZero() {
				ats[j] = &e.At
			}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pack_events (product_id, serial_id, tenant_id, partner_tenant_id, event, status, reason, at, actor)
			SELECT p, s, t, pt, e::pack_event_type, st::pack_status, r::decommission_reason, coalesce(at, now()), $9
			FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
				u(p, s, t, pt, e, st, r, at)`, pids, ids, owners, partners, evs, sts, rsn, ats, actor); err != nil {
			return err
		}
		// The last event of each serial decides its pack status.
		if _, err := tx.Exec(ctx, `UPDATE serials s SET pack_status = u.st::pack_status, pack_reason = u.r::decommission_reason
			FROM (SELECT DISTINCT ON (p, s) p, s, st, r FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])
				WITH ORDINALITY u(p, s, st, r, n) ORDER BY p, s, n DESC) u
			WHERE s.product_id = u.p AND s.id = u.s`, pids, ids, sts, rsn); err != nil {
			return err
		}
		res.Recorded = n
		return auditTx(ctx, tx, a, "pack.events", 0, int64(n), map[string]any{"storedExternal": res.StoredExternal})
	})
	if err != nil {
		return nil, wrap("record pack events", err)
	}
	return res, nil
}

func ptr[T any](v T) *T { return &v }
