package db

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// poolView is a product's pool as the caller sees it: the owner's pool, or the
// part of it its MAH assigned to the caller (a CMO).
type poolView struct {
	code       string
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
	v := &poolView{code: code}
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

// RequestSerials implements pool.RequestService. Concurrent requests each lock
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
	var req *pool.SerialRequest
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		v, err := visiblePool(ctx, tx, a, in.ProductCode)
		if err != nil {
			return err
		}
		req = &pool.SerialRequest{ProductID: v.productID, OrderRef: &in.OrderRef, Count: in.Count}
		// The partnership is held after the replay: a retry of a request made
		// before its partnership ended still gets that request (and its serials) back.
		return handOut(ctx, tx, a, v, req, in.IdempotencyKey, func() error { return v.hold(ctx, tx, a, in.ProductCode) })
	})
	if err != nil {
		return nil, wrap("request serials", err)
	}
	return req, nil
}

// handOut is the one path on which serials leave a pool: to an order
// (req.OrderRef) or, from the owner's pool, to a CMO (req.PartnerID). The
// request row comes first: under an idempotency key already used, the insert
// waits for that request's transaction, inserts nothing, and the earlier
// request is replayed. Only a new request runs hold, then checks the count
// against the cap and the Available counter and picks the serials.
func handOut(ctx context.Context, tx pgx.Tx, a pool.Actor, v *poolView, req *pool.SerialRequest, key string, hold func() error) error {
	err := tx.QueryRow(ctx, `INSERT INTO serial_requests (tenant_id, product_id, order_ref, partner_tenant_id, count, actor, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, nullif($7, '')) ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
		RETURNING id, created_at`, a.TenantID, v.productID, req.OrderRef, req.PartnerID, req.Count, a.Name(), key).
		Scan(&req.ID, &req.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return replayRequest(ctx, tx, a, key, req)
	}
	if err != nil {
		return err
	}
	if hold != nil {
		if err := hold(); err != nil {
			return err
		}
	}
	avail, err := available(ctx, tx, a, v.productID)
	if err != nil {
		return err
	}
	if err := checkCount(req.Count, v.cap, avail, v.code); err != nil {
		return err
	}
	pick, args := `SELECT id FROM serials WHERE product_id = $1 AND status = 'AVAILABLE'`, []any{v.productID, req.ID, req.Count}
	set := v.statusCol + ` = 'ASSIGNED', assigned_at = now(), ` + v.requestCol + ` = $2`
	action, detail := "serials.request", map[string]any{"request": req.ID}
	switch {
	case req.PartnerID != nil: // the owner's Assigned serials become Available in the CMO's pool
		set += `, partner_tenant_id = $4, partner_status = 'AVAILABLE', partner_request_id = NULL`
		args = append(args, *req.PartnerID)
		action, detail["partner"] = "serials.assign_partner", *req.PartnerID
	case v.asPartner:
		pick = `SELECT id FROM serials WHERE partner_tenant_id = $4 AND product_id = $1 AND partner_status = 'AVAILABLE'`
		args = append(args, a.TenantID)
		detail["orderRef"] = *req.OrderRef
	default:
		detail["orderRef"] = *req.OrderRef
	}
	// A locking CTE is materialised once; an IN (sub-select) may be re-run by
	// the planner and take more than LIMIT rows.
	tag, err := tx.Exec(ctx, `WITH picked AS (`+pick+` ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
		UPDATE serials s SET `+set+` FROM picked WHERE s.product_id = $1 AND s.id = picked.id`, args...)
	if err != nil {
		return err
	}
	if got := tag.RowsAffected(); got < int64(req.Count) {
		return pool.Errorf(pool.EINSUFFICIENT, "asks for %d serials of %s; only %d could be assigned, the rest are being taken by other requests", req.Count, v.code, got)
	}
	if err := auditTx(ctx, tx, a, action, v.productID, int64(req.Count), detail); err != nil {
		return err
	}
	if req.PartnerID != nil { // the CMO's trail says what it received
		if _, err := tx.Exec(ctx, `SELECT audit_partner_receipt($1, $2)`, req.ID, a.Name()); err != nil {
			return fmt.Errorf("audit serials.receive_partner: %w", err)
		}
	}
	return nil
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

// AssignToPartner implements pool.PartnerService: the serials become Assigned
// (to the CMO) in the MAH's pool and Available in the CMO's.
func (d *DB) AssignToPartner(ctx context.Context, in pool.Assignment) (*pool.SerialRequest, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var req *pool.SerialRequest
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		v, err := visiblePool(ctx, tx, a, in.ProductCode)
		if err != nil {
			return err
		}
		if err := v.hold(ctx, tx, a, in.ProductCode); err != nil {
			return err
		}
		if v.asPartner {
			return pool.Errorf(pool.EFORBIDDEN, "only the owner of %s can assign its serials to a partner", in.ProductCode)
		}
		// Held before the replay: an ended partnership took back what its
		// assignments left unused, so a retry of one after the end is refused
		// too, not replayed.
		if err := holdCMO(ctx, tx, a, in.Partner); err != nil {
			return err
		}
		req = &pool.SerialRequest{ProductID: v.productID, PartnerID: &in.Partner, Count: in.Count}
		return handOut(ctx, tx, a, v, req, in.IdempotencyKey, nil)
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
	releaseCandidates = `SELECT u.v, s.id, s.status, s.source, s.partner_tenant_id, s.partner_status, s.pack_status
		FROM unnest($2::text[]) WITH ORDINALITY u(v, n)
		LEFT JOIN LATERAL (SELECT * FROM serials WHERE product_id = $1 AND value = u.v OFFSET 0) s ON true
		ORDER BY u.n`
)

// ReleaseSerials implements pool.RequestService.
func (d *DB) ReleaseSerials(ctx context.Context, code string, values []string) (int, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return 0, err
	}
	if len(values) == 0 || len(values) > pool.MaxBatch {
		return 0, pool.Invalid("serials", "release 1 to %d serials at a time, got %d", pool.MaxBatch, len(values))
	}
	if ctx, err = d.sign(ctx); err != nil {
		return 0, err
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
		ids, err := releasable(ctx, tx, a, v, values)
		if err != nil {
			return err
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

// releasable returns the ids of the serials named values, in order, once
// every one of them may be released (pool.ReleaseCandidate); else a
// BatchError naming each that may not.
func releasable(ctx context.Context, tx pgx.Tx, a pool.Actor, v *poolView, values []string) ([]int64, error) {
	rows, err := tx.Query(ctx, releaseCandidates, v.productID, values)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	bad := &pool.BatchError{Code: pool.EINVALID}
	seen := make(map[string]bool, len(values))
	var ids []int64
	for row := int64(1); rows.Next(); row++ {
		var value string
		var id, partner *int64
		var status, source, partnerStatus, pack *string
		if err := rows.Scan(&value, &id, &status, &source, &partner, &partnerStatus, &pack); err != nil {
			return nil, err
		}
		c := pool.ReleaseCandidate{ListedEarlier: seen[value], HasPackEvents: pack != nil}
		seen[value] = true
		if c.InPool = id != nil && (!v.asPartner || (partner != nil && *partner == a.TenantID)); c.InPool {
			c.Status, c.Source, c.AtPartner = pool.Status(*status), pool.Source(*source), !v.asPartner && partner != nil
			if v.asPartner {
				c.Status = pool.Status(*partnerStatus)
			}
		}
		if refusal := c.ReleaseRefusal(); refusal != nil {
			refusal.Row, refusal.Value = row, value
			bad.Add(*refusal)
			continue
		}
		ids = append(ids, *id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if bad.Total > 0 {
		return nil, bad.AsError()
	}
	return ids, nil
}

// packSerial is a serial named in a batch of pack events: what the rules see
// of it, and what its events are written with.
type packSerial struct {
	state            pool.PackState
	productID, owner int64
	id, partner      *int64
}

// RecordPackEvents implements pool.PackEventService: it loads the serials the
// batch names, applies the events to them (pool.ApplyPackEvents), and writes
// the result set-based, so a batch of thousands costs a handful of statements.
func (d *DB) RecordPackEvents(ctx context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if len(events) == 0 || len(events) > pool.MaxBatch {
		return nil, pool.Invalid("input", "record 1 to %d pack events at a time, got %d", pool.MaxBatch, len(events))
	}
	if pool.NeedsSignature(events) {
		if ctx, err = d.sign(ctx); err != nil {
			return nil, err
		}
	}
	var res *pool.PackEventsResult
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		res, err = d.recordPackEvents(ctx, tx, a, events)
		return err
	})
	if err != nil {
		return nil, wrap("record pack events", err)
	}
	return res, nil
}

// recordPackEvents records a batch of pack events in tx, all or nothing.
func (d *DB) recordPackEvents(ctx context.Context, tx pgx.Tx, a pool.Actor, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
	var actor string
	if err := tx.QueryRow(ctx, `SELECT name || ' (' || $2 || ')' FROM tenants WHERE id = $1`, a.TenantID, a.Name()).Scan(&actor); err != nil {
		return nil, err
	}
	serials, containers, err := loadPackSerials(ctx, tx, a, events)
	if err != nil {
		return nil, err
	}
	b := pool.PackBatch{States: make(map[pool.PackKey]pool.PackState, len(serials)), Containers: containers,
		Now: time.Now(), Skew: d.clockSkew, Actor: actor}
	for k, s := range serials {
		b.States[k] = s.state
	}
	w, bad := pool.ApplyPackEvents(b, events)
	if bad != nil {
		return nil, bad.AsError()
	}
	if err := storeExternal(ctx, tx, a, serials, events, w); err != nil {
		return nil, err
	}
	if err := writePackEvents(ctx, tx, actor, serials, events, w.Events); err != nil {
		return nil, err
	}
	if err := auditPackEvents(ctx, tx, a, serials, events, w); err != nil {
		return nil, err
	}
	return &pool.PackEventsResult{Recorded: len(w.Events), StoredExternal: len(w.External)}, nil
}

// auditFirstSerials is how many serials an audit entry of pack events names.
const auditFirstSerials = 10

// auditPackEvents writes one audit entry per product, event, reason and lot
// of a batch: its count and first serials (the serial, for one event), how
// many of them were stored as external, and the container of an aggregation.
func auditPackEvents(ctx context.Context, tx pgx.Tx, a pool.Actor, serials map[pool.PackKey]*packSerial, events []pool.PackEventInput, w *pool.PackWrites) error {
	type group struct {
		product                  int64
		event, reason, lot, sscc string
	}
	type entry struct {
		count, external int64
		first           []string
	}
	external := make(map[pool.PackKey]bool, len(w.External))
	for _, k := range w.External {
		external[k] = true
	}
	var order []group
	entries := map[group]*entry{}
	for _, pw := range w.Events {
		e := events[pw.Event]
		k := pool.PackKey{ProductCode: e.ProductCode, Serial: e.Serial}
		g := group{product: serials[k].productID, event: string(e.Event), lot: pw.Lot, sscc: e.Container}
		if e.Reason != nil {
			g.reason = string(*e.Reason)
		}
		en := entries[g]
		if en == nil {
			en = &entry{}
			entries[g] = en
			order = append(order, g)
		}
		en.count++
		if len(en.first) < auditFirstSerials {
			en.first = append(en.first, e.Serial)
		}
		if external[k] && e.Event == pool.Commission {
			en.external++
		}
	}
	for _, g := range order {
		en := entries[g]
		detail := map[string]any{"event": g.event, "serials": en.first, "storedExternal": en.external}
		for k, v := range map[string]string{"reason": g.reason, "lot": g.lot, "container": g.sscc} {
			if v != "" {
				detail[k] = v
			}
		}
		if err := auditTx(ctx, tx, a, "pack.events", g.product, en.count, detail); err != nil {
			return err
		}
	}
	return nil
}

// loadPackSerials locks the serials the events name, and the containers they
// name with the containers those are in, and reads them as the caller sees
// them; it also returns where the named containers are found (the keys of
// pool.PackBatch.Containers). A CMO sees the products of an ended
// partnership, but records nothing on them: its lasting partnerships are
// held, and only their MAHs' products count as found.
func loadPackSerials(ctx context.Context, tx pgx.Tx, a pool.Actor, events []pool.PackEventInput) (map[pool.PackKey]*packSerial, map[string]pool.PackKey, error) {
	codes, values := make([]string, len(events)), make([]string, len(events))
	var ssccs []string
	for i, e := range events {
		codes[i], values[i] = e.ProductCode, e.Serial
		if e.Container != "" {
			ssccs = append(ssccs, e.Container)
		}
	}
	containers, err := findContainers(ctx, tx, a, ssccs)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range containers {
		codes, values = append(codes, k.ProductCode), append(values, k.Serial)
	}
	mahs, err := holdMAHs(ctx, tx, a, codes)
	if err != nil {
		return nil, nil, err
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM serials s JOIN products p ON p.id = s.product_id
		JOIN unnest($1::text[], $2::text[]) u(code, v) ON p.code = u.code AND s.value = u.v
		FOR UPDATE OF s`, codes, values); err != nil {
		return nil, nil, err
	}
	// A pack's latest event is its state (every event carries the lot of the
	// commissioning); its last decommissioning says who may undo it, until when.
	// A serial without events (pack_status NULL) or not decommissioned skips
	// the look-up.
	rows, err := tx.Query(ctx, `SELECT u.code, u.v, coalesce(p.id, 0), coalesce(p.tenant_id, 0), coalesce(p.code_schema = 'SSCC', false),
			s.id, s.partner_tenant_id, s.status, s.partner_status, coalesce(s.pack_status, 'ACTIVE'), s.pack_reason,
			s.received_at, coalesce(s.container, ''), l.at, coalesce(l.lot, ''), l.expiry, coalesce(l.nhrn, ''), dc.at, coalesce(dc.actor, '')
		FROM unnest($1::text[], $2::text[]) u(code, v)
		LEFT JOIN products p ON p.code = u.code AND (p.tenant_id = $3 OR (p.tenant_id = ANY($4) AND EXISTS (
			SELECT FROM pool_counters c WHERE c.product_id = p.id AND c.tenant_id = $3)))
		LEFT JOIN serials s ON s.product_id = p.id AND s.value = u.v
		LEFT JOIN LATERAL (SELECT at, lot, expiry, nhrn FROM pack_events e WHERE s.pack_status IS NOT NULL
			AND e.product_id = s.product_id AND e.serial_id = s.id ORDER BY at DESC, id DESC LIMIT 1) l ON true
		LEFT JOIN LATERAL (SELECT at, actor FROM pack_events e WHERE s.pack_status = 'DECOMMISSIONED'
			AND e.product_id = s.product_id AND e.serial_id = s.id AND e.event = 'DECOMMISSION' ORDER BY at DESC, id DESC LIMIT 1) dc ON true`, codes, values, a.TenantID, mahs)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	serials := make(map[pool.PackKey]*packSerial, len(events))
	for rows.Next() {
		var k pool.PackKey
		var status, partnerStatus *string
		var received, latest, expiry, decommissioned *time.Time
		s := &packSerial{}
		st := &s.state
		if err := rows.Scan(&k.ProductCode, &k.Serial, &s.productID, &s.owner, &st.SSCC, &s.id, &s.partner, &status, &partnerStatus,
			&st.Pack, &st.Reason, &received, &st.Container, &latest, &st.Lot, &expiry, &st.NHRN, &decommissioned, &st.DecommissionedBy); err != nil {
			return nil, nil, err
		}
		st.Product, st.AsPartner, st.Stored = s.productID != 0, s.owner != a.TenantID, s.id != nil
		if st.InPool = st.Stored && (!st.AsPartner || (s.partner != nil && *s.partner == a.TenantID)); st.InPool {
			st.Status = pool.Status(*status)
			if st.AsPartner {
				st.Status = pool.Status(*partnerStatus)
			}
			st.Intake = *received
		}
		for _, t := range []struct {
			dst *time.Time
			src *time.Time
		}{{&st.Latest, latest}, {&st.Expiry, expiry}, {&st.DecommissionedAt, decommissioned}} {
			if t.src != nil {
				*t.dst = *t.src
			}
		}
		if !st.InPool { // what the caller may not see of a serial stays unseen
			st.Pack, st.Reason, st.Container, st.Latest, st.Lot, st.Expiry, st.NHRN, st.DecommissionedAt, st.DecommissionedBy =
				pool.PackActive, nil, "", time.Time{}, "", time.Time{}, "", time.Time{}, ""
		}
		serials[k] = s
	}
	return serials, containers, rows.Err()
}

// findContainers finds SSCCs among the caller's own SSCC pools, and the
// containers they are in, up to the outermost: the keys a batch names them by.
// An SSCC pool's code (extension digit and company prefix) begins its SSCCs.
func findContainers(ctx context.Context, tx pgx.Tx, a pool.Actor, ssccs []string) (map[string]pool.PackKey, error) {
	found := map[string]pool.PackKey{}
	if len(ssccs) == 0 {
		return found, nil
	}
	rows, err := tx.Query(ctx, `WITH RECURSIVE c(code, v, container, depth) AS (
			SELECT p.code, s.value, s.container, 1 FROM unnest($1::text[]) u(v)
			JOIN products p ON p.tenant_id = $2 AND p.code_schema = 'SSCC' AND p.code = left(u.v, length(p.code))
			JOIN serials s ON s.product_id = p.id AND s.value = u.v
			UNION
			SELECT p.code, s.value, s.container, c.depth + 1 FROM c
			JOIN products p ON p.tenant_id = $2 AND p.code_schema = 'SSCC' AND p.code = left(c.container, length(p.code))
			JOIN serials s ON s.product_id = p.id AND s.value = c.container
			WHERE c.depth < 100)
		SELECT DISTINCT code, v FROM c`, ssccs, a.TenantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k pool.PackKey
		if err := rows.Scan(&k.ProductCode, &k.Serial); err != nil {
			return nil, err
		}
		found[k.Serial] = k
	}
	return found, rows.Err()
}

// storeExternal stores the unknown serials a batch commissions as EXTERNAL
// and gives them their ids. Each entered the pool when it was commissioned
// (the event time, which may lie before the batch arrived), so that its later
// events, reported late, are not held to the time the batch was recorded.
// Another batch storing one of them meanwhile is a CONFLICT: the events would
// land on a serial the rules never saw.
func storeExternal(ctx context.Context, tx pgx.Tx, a pool.Actor, serials map[pool.PackKey]*packSerial, events []pool.PackEventInput, w *pool.PackWrites) error {
	if len(w.External) == 0 {
		return nil
	}
	commissioned := make(map[pool.PackKey]time.Time, len(w.External)) // of each, its first event's time
	for _, k := range w.External {
		commissioned[k] = time.Time{}
	}
	for _, pw := range w.Events {
		k := pool.PackKey{ProductCode: events[pw.Event].ProductCode, Serial: events[pw.Event].Serial}
		if at, ok := commissioned[k]; ok && at.IsZero() {
			commissioned[k] = pw.At
		}
	}
	n := len(w.External)
	pids, vals, ats := make([]int64, n), make([]string, n), make([]time.Time, n)
	codes := make(map[int64]string, n)
	for i, k := range w.External {
		pids[i], vals[i], ats[i] = serials[k].productID, k.Serial, commissioned[k]
		codes[pids[i]] = k.ProductCode
	}
	rows, err := tx.Query(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value, received_at, assigned_at)
		SELECT u.p, $3, 'ASSIGNED', 'EXTERNAL', u.v, u.at, u.at FROM unnest($1::bigint[], $2::text[], $4::timestamptz[]) u(p, v, at)
		ON CONFLICT (product_id, value) DO NOTHING
		RETURNING product_id, value, id`, pids, vals, a.TenantID, ats)
	if err != nil {
		return err
	}
	stored := 0
	for rows.Next() {
		var p, id int64
		var v string
		if err := rows.Scan(&p, &v, &id); err != nil {
			return err
		}
		serials[pool.PackKey{ProductCode: codes[p], Serial: v}].id = &id
		stored++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if stored != n {
		return pool.Errorf(pool.ECONFLICT, "some external serials were stored concurrently; retry the batch")
	}
	return nil
}

// writePackEvents appends the accepted events to the pack history and leaves
// each serial with the status and container of its last event.
func writePackEvents(ctx context.Context, tx pgx.Tx, actor string, serials map[pool.PackKey]*packSerial, events []pool.PackEventInput, writes []pool.PackWrite) error {
	n := len(writes)
	pids, ids, owners, partners := make([]int64, n), make([]int64, n), make([]int64, n), make([]*int64, n)
	evs, sts, rsn, packRsn, ats := make([]string, n), make([]string, n), make([]*string, n), make([]*string, n), make([]time.Time, n)
	lots, nhrns, expiries, tzs, inside := make([]*string, n), make([]*string, n), make([]*time.Time, n), make([]string, n), make([]*string, n)
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	for j, w := range writes {
		e := events[w.Event]
		s := serials[pool.PackKey{ProductCode: e.ProductCode, Serial: e.Serial}]
		pids[j], ids[j], owners[j], partners[j] = s.productID, *s.id, s.owner, s.partner
		evs[j], sts[j], ats[j], tzs[j] = string(e.Event), string(w.Status), w.At, e.Offset()
		if e.Reason != nil {
			rsn[j] = ptr(string(*e.Reason))
		}
		if w.Reason != nil {
			packRsn[j] = ptr(string(*w.Reason))
		}
		lots[j], nhrns[j], inside[j] = opt(w.Lot), opt(w.NHRN), opt(w.Container)
		if !w.Expiry.IsZero() {
			expiries[j] = &w.Expiry
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pack_events (product_id, serial_id, tenant_id, partner_tenant_id, event, status, reason, at, actor,
			lot, expiry, nhrn, tz_offset, container)
		SELECT p, s, t, pt, e::pack_event_type, st::pack_status, r::decommission_reason, at, $9, l, x, nh, tz, c
		FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
			$10::text[], $11::date[], $12::text[], $13::text[], $14::text[])
			u(p, s, t, pt, e, st, r, at, l, x, nh, tz, c)`, pids, ids, owners, partners, evs, sts, rsn, ats, actor,
		lots, expiries, nhrns, tzs, inside); err != nil {
		return err
	}
	// The last event of each serial decides its pack status and container.
	_, err := tx.Exec(ctx, `UPDATE serials s SET pack_status = u.st::pack_status, pack_reason = u.r::decommission_reason, container = u.c
		FROM (SELECT DISTINCT ON (p, s) p, s, st, r, c FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[])
			WITH ORDINALITY u(p, s, st, r, c, n) ORDER BY p, s, n DESC) u
		WHERE s.product_id = u.p AND s.id = u.s`, pids, ids, sts, packRsn, inside)
	return err
}

func ptr[T any](v T) *T { return &v }
