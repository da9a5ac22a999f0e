package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// The 100M database (BENCH_SIZE=huge; BENCH_HUGE_SERIALS for another size):
// hugeTenants tenants, hugeProducts products, the first hugeBigPools of them
// (the bench tenant's) pools of 12% each and the rest the other 64% between
// them; built once with server-side generate_series and kept in the bench
// cluster. The same shape at a hundredth (1M) is built afresh in the same run,
// and the same work (a push, allocation, the donut) is measured on both: the
// figure is the ratio of the big database to the small.
const (
	hugeTenants   = 10
	hugeProducts  = 1000
	hugeBigPools  = 3
	hugeFreeBytes = 450 // per serial: what building the database needs free, with its WAL
)

// hugeShape is one database of the shape: its name and total serials.
type hugeShape struct {
	name    string
	serials int
}

// benchHuge measures on a database of total serials against the same shape
// at a hundredth of it.
func benchHuge(ctx context.Context, cluster *localpg.Cluster, bin string, total int) ([]result, error) {
	var built [2]*env
	var buildTime [2]time.Duration
	for i, s := range []hugeShape{{"bench_huge_" + strings.ToLower(millions(total/100)), total / 100}, {"bench_huge_" + strings.ToLower(millions(total)), total}} {
		e, err := start(ctx, cluster, bin, s.name, i == 0)
		if e != nil {
			defer e.stop()
		}
		if err != nil {
			return nil, err
		}
		took, err := buildHuge(ctx, e, cluster, s.serials)
		if errors.Is(err, errPartial) { // left by an older bench that built in slices: start afresh
			log.Printf("%s: %v; building it again", s.name, err)
			e.stop()
			if e, err = start(ctx, cluster, bin, s.name, true); e != nil {
				defer e.stop()
			}
			if err == nil {
				took, err = buildHuge(ctx, e, cluster, s.serials)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		built[i], buildTime[i] = e, took
	}
	// Rounds alternate between the two, so that the machine's load drifting
	// weighs on both alike.
	var small, huge hugeWork
	for range 3 {
		for i, w := range []*hugeWork{&small, &huge} {
			if err := w.measure(ctx, built[i]); err != nil {
				return nil, err
			}
		}
	}
	hi, ha, hd := huge.rates()
	si, sa, sd := small.rates()
	vs := fmt.Sprintf(", %s database vs %s", millions(total), millions(total/100))
	ratio := func(work, unit string, ours, base float64) result {
		return result{Work: work + vs, Ours: ours, Baseline: base, Unit: unit, Ratio: ours / base,
			Target: ">= 0.8x the same work at a hundredth of the size", Met: ours >= 0.8*base}
	}
	out := []result{
		ratio("push of 100,000 serials into the biggest pool (x3)", "serials/s", hi, si),
		ratio("32 concurrent requestSerials of 500 from the biggest pool (x3)", "serials/s", ha, sa),
		ratio("donut of the biggest pool, p50 of sequential requests", "req/s", hd, sd),
	}
	note := "built in an earlier run"
	if buildTime[1] > 0 {
		note = "built in " + buildTime[1].Round(time.Second).String()
	}
	out[0].Note = fmt.Sprintf("serials table and indexes: %.0f bytes per serial at %s (%.1f GB), %.0f at %s; the big database %s",
		huge.bytes, millions(total), huge.bytes*float64(total)/1e9, small.bytes, millions(total/100), note)
	return out, nil
}

// errPartial is a database with some of the shape's serials only.
var errPartial = errors.New("a build was cut off")

// buildHuge fills e's database to the shape with total serials, unless an
// earlier run did (then it returns 0); the bench tenant owns the big pools.
func buildHuge(ctx context.Context, e *env, cluster *localpg.Cluster, total int) (time.Duration, error) {
	big := total / 100 * 12
	small := (total - hugeBigPools*big) / (hugeProducts - hugeBigPools)
	want := int64(hugeBigPools*big + (hugeProducts-hugeBigPools)*small)
	var have int64
	if err := e.exec(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM pool_counters c JOIN products p ON p.id = c.product_id
			WHERE p.name LIKE 'Huge %' AND c.source <> 'PARTNER'`).Scan(&have)
	}); err != nil {
		return 0, err
	}
	switch {
	case have >= want:
		return 0, nil
	case have > 0:
		return 0, fmt.Errorf("%w: %d serials of %d", errPartial, have, want)
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(cluster.Dir, &fs); err != nil {
		return 0, err
	}
	if free, need := fs.Bavail*uint64(fs.Bsize), uint64(total)*hugeFreeBytes; free < need {
		return 0, fmt.Errorf("%.0f GB free at %s; building %s serials needs %.0f GB", float64(free)/1e9, cluster.Dir, millions(total), float64(need)/1e9)
	}
	log.Printf("building the %s-serial database (once; kept in the bench cluster)", millions(total))
	t0 := time.Now()
	// One transaction, so that a build cut off leaves nothing behind. The
	// triggers are off while it runs (setting up, not what is measured): the
	// product foreign key's per-row check (every product id comes from
	// products itself) and the counting, done once at the end from the rows.
	err := e.exec(ctx, func(c *pgx.Conn) error {
		return pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			tenants := []int64{e.tenant}
			rows, err := tx.Query(ctx, `WITH t AS (INSERT INTO tenants (name) SELECT 'Huge Tenant ' || g FROM generate_series(1, $1::int) g RETURNING id),
				a AS (INSERT INTO audit_log (tenant_id, actor, action, detail) SELECT id, 'cli', 'tenant.create', '{}' FROM t)
				SELECT id FROM t ORDER BY id`, hugeTenants-1)
			if err != nil {
				return err
			}
			more, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			tenants = append(tenants, more...)
			codes, owners := make([]string, hugeProducts), make([]int64, hugeProducts)
			for i := range codes {
				codes[i] = hugeCode(i)
				owners[i] = tenants[0]
				if i >= hugeBigPools {
					owners[i] = tenants[i%hugeTenants]
				}
			}
			for _, q := range []string{`SET LOCAL synchronous_commit = off`, `ALTER TABLE serials DISABLE TRIGGER ALL`} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `INSERT INTO products (tenant_id, code, code_schema, name, source, low_threshold)
				SELECT t, c, 'GTIN', 'Huge ' || c, 'SAP_ATTP', 0 FROM unnest($1::bigint[], $2::text[]) AS u(t, c)`, owners, codes); err != nil {
				return err
			}
			fill := func(codes []string, from, to int) error {
				_, err := tx.Exec(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value)
					SELECT p.id, p.tenant_id, CASE WHEN g % 3 = 0 THEN 'ASSIGNED' ELSE 'AVAILABLE' END::serial_status, 'SAP_ATTP', lpad(g::text, 12, '0')
					FROM products p CROSS JOIN generate_series($2::bigint, $3::bigint) g WHERE p.code = ANY($1)`, codes, from, to)
				return err
			}
			for i := range hugeBigPools {
				for first := 1; first <= big; first += 1_000_000 {
					if err := fill(codes[i:i+1], first, min(first+999_999, big)); err != nil {
						return err
					}
				}
				log.Printf("  pool %d of %s: %s", i+1, millions(big), time.Since(t0).Round(time.Second))
			}
			per := max(1, 1_000_000/small)
			for i := hugeBigPools; i < hugeProducts; i += per {
				if err := fill(codes[i:min(i+per, hugeProducts)], 1, small); err != nil {
					return err
				}
			}
			log.Printf("  %d pools of %d: %s; counters", hugeProducts-hugeBigPools, small, time.Since(t0).Round(time.Second))
			for _, q := range []string{`INSERT INTO pool_counters (tenant_id, product_id, status, source, partner_id, n)
				SELECT tenant_id, product_id, status, source, 0, count(*) FROM serials GROUP BY 1, 2, 3, 4`,
				`ALTER TABLE serials ENABLE TRIGGER ALL`} {
				if _, err := tx.Exec(ctx, q); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	log.Printf("  committed: %s; VACUUM ANALYZE", time.Since(t0).Round(time.Second))
	err = e.exec(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `VACUUM ANALYZE serials`)
		return err
	})
	return time.Since(t0), err
}

// hugeWork is what was measured on one database.
type hugeWork struct {
	intakeN, allocateN       int // serials
	intakeTime, allocateTime time.Duration
	donut                    []time.Duration // latencies of sequential requests
	bytes                    float64         // of serials, table and indexes, per serial
}

func (w *hugeWork) measure(ctx context.Context, e *env) error {
	big, err := e.db.ProductByCode(e.actor, hugeCode(0))
	if err != nil {
		return err
	}
	if err := e.exec(ctx, func(c *pgx.Conn) error {
		var size, n int64
		if err := c.QueryRow(ctx, `SELECT (SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'serials'::regclass),
			(SELECT sum(n) FROM pool_counters WHERE source <> 'PARTNER')`).Scan(&size, &n); err != nil {
			return err
		}
		w.bytes = float64(size) / float64(n)
		return nil
	}); err != nil {
		return err
	}
	_, channel, err := e.db.CreateChannel(e.actor, pool.NewChannel{Name: "huge " + time.Now().Format(time.RFC3339Nano), Source: pool.SourceSAPATTP})
	if err != nil {
		return err
	}
	// Values of their own: the kept database has the earlier runs' pushes.
	run := int(time.Now().UnixMilli() % 100_000_000)
	const pushed = 100_000
	t0 := time.Now()
	if err := pushSerials(e, big.Code, channel, fmt.Sprintf("huge-%d", run), run*pushed/1000, pushed); err != nil {
		return err
	}
	w.intakeTime += time.Since(t0)
	w.intakeN += pushed
	const clients, rounds, each = 32, 1, 500
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	t, err := concurrently(clients, rounds, requestOverGraphQL(e, client, big.Code, each))
	if err != nil {
		return err
	}
	w.allocateTime += t
	w.allocateN += clients * rounds * each
	lat, err := donutLatencies(e, big.Code, 300)
	if err != nil {
		return err
	}
	w.donut = append(w.donut, lat...)
	return nil
}

func (w *hugeWork) rates() (intake, allocate, donut float64) {
	return float64(w.intakeN) / w.intakeTime.Seconds(), float64(w.allocateN) / w.allocateTime.Seconds(),
		float64(time.Second) / float64(percentile(w.donut, 50))
}

func hugeCode(i int) string {
	body := fmt.Sprintf("0480000%06d", i)
	d, _ := gs1.CheckDigit(body)
	return body + string(d)
}
