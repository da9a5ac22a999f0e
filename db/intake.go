package db

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// This file is where serials enter a pool: Receive (every outside source) and
// Generate (SNM). Both stream rows with COPY into a temporary staging table and
// move them into serials with one INSERT, inside one tenant transaction: a batch
// is stored whole or not at all, and the counters trigger sees it once.

// ownProduct locks the caller's own product (or SSCC pool) for an intake. Only
// the owner fills a pool. NO KEY UPDATE serialises intakes and generators of the
// product (sequence_next) without blocking the key-share locks that inserts
// referencing the product take: a release writing its audit row after moving
// counters would otherwise deadlock with an intake waiting for those counters.
func ownProduct(ctx context.Context, tx pgx.Tx, a pool.Actor, code string) (id int64, source pool.Source, schema pool.CodeSchema, err error) {
	err = tx.QueryRow(ctx, `SELECT id, source, code_schema FROM products WHERE code = $1 AND tenant_id = $2 FOR NO KEY UPDATE`,
		code, a.TenantID).Scan(&id, &source, &schema)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, "", "", &pool.Error{Code: pool.ENOTFOUND, Field: "productCode", Message: fmt.Sprintf("no product with code %q", code)}
	}
	return id, source, schema, err
}

// Receive implements pool.IntakeService.
func (d *DB) Receive(ctx context.Context, in pool.Intake) (*pool.IntakeResult, error) {
	a, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.IdempotencyKey != "" {
		key := progressKey(a.TenantID, in.IdempotencyKey)
		counter := new(atomic.Int64)
		d.progress.Store(key, counter)
		defer d.progress.Delete(key)
		report := in.Progress
		in.Progress = func(n int64) {
			counter.Store(n)
			if report != nil {
				report(n)
			}
		}
	}
	var res *pool.IntakeResult
	err = d.inTenant(ctx, bulkWriteTx, func(tx pgx.Tx, a pool.Actor) error {
		productID, productSource, schema, err := ownProduct(ctx, tx, a, in.ProductCode)
		if err != nil {
			return err
		}
		if !pool.AllowsSource(productSource, in.Source) {
			return pool.Invalid("source", "product %s takes serials from %s (or EXTERNAL), not %s", in.ProductCode, productSource, in.Source)
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE intake_staging (row_no bigint, value text, extra jsonb) ON COMMIT DROP`); err != nil {
			return err
		}
		src := newStagingSource(in, schema == pool.SSCC)
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"intake_staging"}, []string{"row_no", "value", "extra"}, src)
		switch {
		case src.err != nil:
			return src.err
		case err != nil:
			return fmt.Errorf("copy: %w", err)
		case src.bad.Total > 0:
			return src.bad.AsError()
		case n == 0:
			return pool.Invalid("serials", "the batch holds no serials")
		}

		// The unique key serialises deliveries of one idempotency key: a retry
		// waits here for the first delivery, then replays its result.
		sum := src.hash.Sum(nil)
		var batchID int64
		err = tx.QueryRow(ctx, `INSERT INTO intake_batches
			(tenant_id, idempotency_key, request_hash, product_id, source, channel_id, accepted, actor)
			VALUES ($1, nullif($2, ''), $3, $4, $5, nullif($6, 0), $7, $8)
			ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id`,
			a.TenantID, in.IdempotencyKey, sum, productID, in.Source, in.ChannelID, n, a.Name()).Scan(&batchID)
		if errors.Is(err, pgx.ErrNoRows) {
			res, err = replay(ctx, tx, in.IdempotencyKey, sum)
			return err
		}
		if err != nil {
			return err
		}

		status := pool.ArrivalStatus(in.Source)
		if _, err := tx.Exec(ctx, `SAVEPOINT store`); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value, extra, assigned_at)
			SELECT $1, $2, $3::serial_status, $4, value, extra, CASE WHEN $3::serial_status = 'ASSIGNED' THEN now() END
			FROM intake_staging`,
			productID, a.TenantID, status, in.Source)
		if pgCode(err) == uniqueViolation {
			if _, err := tx.Exec(ctx, `ROLLBACK TO SAVEPOINT store`); err != nil {
				return err
			}
			return duplicates(ctx, tx, productID)
		}
		if err != nil {
			return err
		}
		if err := auditTx(ctx, tx, a, "serials.receive", productID, n, map[string]any{
			"source": in.Source, "channel": in.ChannelID, "idempotencyKey": in.IdempotencyKey, "batch": batchID}); err != nil {
			return err
		}
		res = &pool.IntakeResult{BatchID: batchID, ProductCode: in.ProductCode, Source: in.Source, Accepted: n}
		return nil
	})
	if err != nil {
		return nil, wrap("receive serials", err)
	}
	return res, nil
}

// replay returns the result of the earlier delivery under key, or ECONFLICT when
// that delivery was a different batch.
func replay(ctx context.Context, tx pgx.Tx, key string, sum []byte) (*pool.IntakeResult, error) {
	var prev []byte
	res := &pool.IntakeResult{Replayed: true}
	err := tx.QueryRow(ctx, `SELECT b.id, b.request_hash, p.code, b.source, b.accepted
		FROM intake_batches b JOIN products p ON p.id = b.product_id
		WHERE b.tenant_id = app_tenant() AND b.idempotency_key = $1`, key).
		Scan(&res.BatchID, &prev, &res.ProductCode, &res.Source, &res.Accepted)
	if err != nil {
		return nil, err
	}
	if string(prev) != string(sum) {
		return nil, &pool.Error{Code: pool.ECONFLICT, Field: "idempotencyKey",
			Message: fmt.Sprintf("idempotency key %q was already used for a different batch", key)}
	}
	return res, nil
}

// duplicates explains a unique violation: which rows repeat an earlier row of
// the batch, and which are already in the pool (from any source).
func duplicates(ctx context.Context, tx pgx.Tx, productID int64) error {
	rows, err := tx.Query(ctx, `
		WITH ranked AS (
			SELECT row_no, value, first_value(row_no) OVER (PARTITION BY value ORDER BY row_no) AS first_row
			FROM intake_staging),
		offending AS (
			SELECT row_no, value, 'duplicate_in_batch' AS code, 'repeats row ' || first_row AS reason
			FROM ranked WHERE row_no <> first_row
			UNION ALL
			SELECT s.row_no, s.value, 'duplicate_in_pool', 'the serial is already in the pool'
			FROM intake_staging s WHERE EXISTS (SELECT FROM serials x WHERE x.product_id = $1 AND x.value = s.value))
		SELECT row_no, value, code, reason, count(*) OVER () FROM offending ORDER BY row_no LIMIT $2`,
		productID, pool.MaxReportedRows)
	if err != nil {
		return err
	}
	defer rows.Close()
	bad := &pool.BatchError{Code: pool.ECONFLICT}
	for rows.Next() {
		var r pool.RowError
		if err := rows.Scan(&r.Row, &r.Value, &r.Code, &r.Reason, &bad.Total); err != nil {
			return err
		}
		bad.Rows = append(bad.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return bad.AsError()
}

// stagingSource feeds COPY from the batch's rows: it validates each row, keeps
// the offending ones for the error, hashes the batch for idempotency, and
// reports progress. It never holds more than one row.
type stagingSource struct {
	in   pool.Intake
	sscc bool // the pool holds SSCCs: every value must be one
	row  int64
	cur  []any
	bad  pool.BatchError
	hash hash.Hash
	err  error
}

func newStagingSource(in pool.Intake, sscc bool) *stagingSource {
	s := &stagingSource{in: in, sscc: sscc, hash: sha256.New(), bad: pool.BatchError{Code: pool.EINVALID}}
	fmt.Fprintf(s.hash, "%s\x00%s\x00", in.ProductCode, in.Source)
	return s
}

func (s *stagingSource) Next() bool {
	for {
		r, err := s.in.Rows.Next()
		if err == io.EOF {
			return false
		}
		if err != nil {
			s.err = err
			return false
		}
		s.row++
		if s.in.Progress != nil && s.row%10_000 == 0 {
			s.in.Progress(s.row)
		}
		var extra any
		if len(r.Extra) > 0 {
			extra = r.Extra
		}
		js, _ := json.Marshal(extra) // sorted keys: a stable hash
		fmt.Fprintf(s.hash, "%s\x1f%s\x1e", r.Value, js)
		e := r.Validate(s.in.Source)
		if e == nil && s.sscc {
			if err := gs1.ValidSSCC(r.Value); err != nil {
				e = &pool.RowError{Value: r.Value, Code: "sscc_" + err.(*gs1.Error).Rule, Reason: err.Error()}
			}
		}
		if e != nil {
			e.Row = s.row
			s.bad.Add(*e)
		}
		if s.bad.Total > 0 {
			continue // the batch is lost; read on only to count the bad rows
		}
		s.cur = []any{s.row, r.Value, extra}
		return true
	}
}

func (s *stagingSource) Values() ([]any, error) { return s.cur, nil }
func (s *stagingSource) Err() error             { return nil }

// Generate implements pool.IntakeService: SNM serials, streamed into the pool.
// The product's row lock serialises generators of one product, so SEQUENTIAL
// numbers are never handed out twice; random values that collide with existing
// serials are dropped by ON CONFLICT and replaced in the next round.
func (d *DB) Generate(ctx context.Context, g pool.Generation) (*pool.IntakeResult, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	if err := g.Validate(); err != nil {
		return nil, err
	}
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		productID, source, schema, err := ownProduct(ctx, tx, a, g.ProductCode)
		if err != nil {
			return err
		}
		if schema == pool.SSCC && g.Mode != pool.Sequential {
			return pool.Invalid("mode", "SSCCs are generated SEQUENTIAL: their serial reference counts up")
		}
		if source != pool.SourceSNM {
			return pool.Invalid("productCode", "product %s takes serials from %s; only SNM products generate serials", g.ProductCode, source)
		}
		f := &serialFormat{sscc: schema == pool.SSCC}
		var existing int64
		if err := tx.QueryRow(ctx, `SELECT serial_alphabet, serial_length, sequence_next,
				(SELECT coalesce(sum(n), 0) FROM pool_counters WHERE tenant_id = $2 AND product_id = $1)
			FROM products WHERE id = $1`, productID, a.TenantID).Scan(&f.alphabet, &f.length, &f.seq, &existing); err != nil {
			return err
		}
		next, err := f.generator(g, existing)
		if err != nil {
			return err
		}
		if err := storeGenerated(ctx, tx, a, productID, g, next); err != nil {
			return err
		}
		if g.Mode == pool.Sequential || f.sscc {
			if _, err := tx.Exec(ctx, `UPDATE products SET sequence_next = $2 WHERE id = $1`, productID, f.seq); err != nil {
				return err
			}
		}
		return auditTx(ctx, tx, a, "serials.generate", productID, int64(g.Count), map[string]any{"mode": g.Mode})
	})
	if err != nil {
		return nil, wrap("generate serials", err)
	}
	return &pool.IntakeResult{ProductCode: g.ProductCode, Source: pool.SourceSNM, Accepted: int64(g.Count)}, nil
}

// serialFormat is how a product's generated serials look; seq is its next
// sequence number, advanced by the generators it returns.
type serialFormat struct {
	sscc     bool // an SSCC pool: its serial references count up
	alphabet pool.Alphabet
	length   int
	seq      int64
}

// generator returns the source of g's values: sequence numbers (an SSCC
// pool's serial references, or SEQUENTIAL serials), else random serials, when
// the format leaves enough room for existing serials plus g's.
func (f *serialFormat) generator(g pool.Generation, existing int64) (func() (string, error), error) {
	switch {
	case f.sscc:
		return func() (string, error) {
			s, err := gs1.NewSSCC(g.ProductCode[0], g.ProductCode[1:], uint64(f.seq))
			f.seq++
			if err != nil {
				return "", pool.Invalid("count", "the SSCC serial references of pool %s are exhausted: %v", g.ProductCode, err)
			}
			return s, nil
		}, nil
	case g.Mode == pool.Sequential:
		return func() (string, error) {
			s, err := pool.SequentialSerial(f.seq, f.length)
			f.seq++
			return s, err
		}, nil
	}
	if err := pool.CheckFMDSpace(f.alphabet, f.length, existing, int64(g.Count)); err != nil {
		return nil, err
	}
	return pool.RandomSerials(f.alphabet, f.length), nil
}

// storeGenerated streams g.Count new values from next into the pool, in rounds:
// values already in the pool are skipped and replaced in the next round.
func storeGenerated(ctx context.Context, tx pgx.Tx, a pool.Actor, productID int64, g pool.Generation, next func() (string, error)) error {
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE generated (value text) ON COMMIT DROP`); err != nil {
		return err
	}
	need := int64(g.Count)
	for round := 0; need > 0; round++ {
		if round == 10 {
			return pool.Errorf(pool.ECONFLICT, "could not find %d unused serials for %s; the serial format is nearly exhausted", need, g.ProductCode)
		}
		src := &generatedSource{next: next, left: need}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"generated"}, []string{"value"}, src); err != nil {
			return errors.Join(src.err, err)
		}
		tag, err := tx.Exec(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value)
			SELECT $1, $2, 'AVAILABLE', 'SNM', value FROM generated ON CONFLICT (product_id, value) DO NOTHING`,
			productID, a.TenantID)
		if err != nil {
			return err
		}
		need -= tag.RowsAffected()
		if _, err := tx.Exec(ctx, `TRUNCATE generated`); err != nil {
			return err
		}
	}
	return nil
}

// generatedSource feeds COPY with left freshly generated values.
type generatedSource struct {
	next func() (string, error)
	left int64
	cur  []any
	err  error
}

func (s *generatedSource) Next() bool {
	if s.left == 0 || s.err != nil {
		return false
	}
	v, err := s.next()
	if err != nil {
		s.err = err
		return false
	}
	s.left--
	s.cur = []any{v}
	return true
}

func (s *generatedSource) Values() ([]any, error) { return s.cur, nil }
func (s *generatedSource) Err() error             { return s.err }

// IntakeProgress implements pool.IntakeService.
func (d *DB) IntakeProgress(ctx context.Context, key string) (bool, int64, *pool.IntakeResult, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return false, 0, nil, err
	}
	if c, ok := d.progress.Load(progressKey(a.TenantID, key)); ok {
		return true, c.(*atomic.Int64).Load(), nil, nil
	}
	var res *pool.IntakeResult
	err = d.inTenant(ctx, readTx, func(tx pgx.Tx, a pool.Actor) error {
		r := &pool.IntakeResult{}
		err := tx.QueryRow(ctx, `SELECT b.id, p.code, b.source, b.accepted
			FROM intake_batches b JOIN products p ON p.id = b.product_id
			WHERE b.tenant_id = $1 AND b.idempotency_key = $2`, a.TenantID, key).
			Scan(&r.BatchID, &r.ProductCode, &r.Source, &r.Accepted)
		if errors.Is(err, pgx.ErrNoRows) {
			return pool.Errorf(pool.ENOTFOUND, "no batch with idempotency key %q", key)
		}
		res = r
		return err
	})
	if err != nil {
		return false, 0, nil, wrap("intake progress", err)
	}
	return false, res.Accepted, res, nil
}

func progressKey(tenant int64, key string) string { return strconv.FormatInt(tenant, 10) + "/" + key }
