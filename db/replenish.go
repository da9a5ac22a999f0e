package db

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// Replenishment is a system task across tenants: these methods run as the
// connecting role, and the work itself goes through the tenant's own services.

// ownerAvailable is the owner's Available count of product p.
const ownerAvailable = `SELECT coalesce(sum(n), 0) AS n FROM pool_counters c
	WHERE c.tenant_id = p.tenant_id AND c.product_id = p.id AND c.status = 'AVAILABLE'`

// ScheduleReplenishments opens a job for every pool below its low threshold that
// has a replenishment target and no open job, and returns how many it opened.
func (d *DB) ScheduleReplenishments(ctx context.Context) (int64, error) {
	res := d.gorm.WithContext(ctx).Exec(`INSERT INTO replenishments (tenant_id, product_id, count)
		SELECT p.tenant_id, p.id, p.replenish_to - a.n
		FROM products p, LATERAL (` + ownerAvailable + `) a
		WHERE p.replenish_to IS NOT NULL AND a.n < p.low_threshold
		ON CONFLICT (product_id) WHERE state = 'PENDING' DO NOTHING`)
	if res.Error != nil {
		return 0, wrap("schedule replenishments", res.Error)
	}
	return res.RowsAffected, nil
}

// ClaimReplenishment takes the next due job and leases it until leaseUntil, so
// that a crashed worker's job comes due again; nil when none is due.
func (d *DB) ClaimReplenishment(ctx context.Context, leaseUntil time.Time) (*pool.Replenishment, error) {
	r := &pool.Replenishment{}
	var secret []byte // the upstream's credentials: read here, by the owner role, and nowhere else
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `WITH due AS (
				SELECT id FROM replenishments WHERE state = 'PENDING' AND next_attempt_at <= now()
				ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
			UPDATE replenishments j SET attempts = attempts + 1, next_attempt_at = $1
			FROM due, products p
			LEFT JOIN LATERAL (SELECT id, upstream_url, upstream_protocol, upstream_sending_system, upstream_receiving_system,
					upstream_secret FROM channels c
				WHERE c.tenant_id = p.tenant_id AND c.source = p.source AND c.upstream_url IS NOT NULL AND c.revoked_at IS NULL
				ORDER BY c.id LIMIT 1) ch ON true
			WHERE j.id = due.id AND p.id = j.product_id
			RETURNING j.id, j.tenant_id, p.code, p.source, p.code_schema = 'SSCC', j.count, j.attempts, coalesce(ch.id, 0), ch.upstream_url,
				coalesce(ch.upstream_protocol, 'JSON'), coalesce(ch.upstream_sending_system, ''), coalesce(ch.upstream_receiving_system, ''),
				ch.upstream_secret`, leaseUntil).
			Scan(&r.ID, &r.TenantID, &r.ProductCode, &r.Source, &r.SSCC, &r.Count, &r.Attempts, &r.ChannelID, &r.UpstreamURL,
				&r.Protocol, &r.Systems.Sending, &r.Systems.Receiving, &secret)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err == nil && secret != nil {
		err = json.Unmarshal(secret, &r.Credentials)
	}
	if err != nil {
		return nil, wrap("claim replenishment", err)
	}
	return r, nil
}

// FinishReplenishment closes a job, or parks it until retryAt with the error.
func (d *DB) FinishReplenishment(ctx context.Context, id int64, failure error, retryAt time.Time) error {
	q, args := `UPDATE replenishments SET state = 'DONE', done_at = now(), last_error = NULL WHERE id = ?`, []any{id}
	if failure != nil {
		q, args = `UPDATE replenishments SET next_attempt_at = ?, last_error = ? WHERE id = ?`, []any{retryAt, failure.Error(), id}
	}
	return wrap("finish replenishment", d.gorm.WithContext(ctx).Exec(q, args...).Error)
}

// LowPools counts the pools, across tenants, whose Available count is below
// their low threshold, for the metrics.
func (d *DB) LowPools(ctx context.Context) (int64, error) {
	var n int64
	err := d.gorm.WithContext(ctx).Raw(`SELECT count(*) FROM products p, LATERAL (` + ownerAvailable + `) a
		WHERE a.n < p.low_threshold`).Scan(&n).Error
	return n, wrap("low pools", err)
}
