package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// The 100M database (BENCH_SIZE=huge): hugeTenants tenants, hugeProducts
// products, the first hugeBigPools of them (the bench tenant's) pools of 12M
// and the rest 64M between them; built once with server-side generate_series
// and kept in the bench cluster. The same shape at a hundredth, 1M serials, is
// built afresh in the same run, and the same work (a push, allocation, the
// donut) is measured on both: the figure is the ratio 100M / 1M.
const (
	hugeSerials  = 100_000_000
	hugeTenants  = 10
	hugeProducts = 1000
	hugeBigPools = 3
	hugeFreeDisk = 45 << 30 // what building the 100M database needs free, with its WAL
)

// hugeShape is one database of the shape: its name and total serials.
type hugeShape struct {
	name    string
	serials int
}

func benchHuge(ctx context.Context, cluster *localpg.Cluster, bin string) ([]result, error) {
	var built [2]*env
	var buildTime [2]time.Duration
	for i, s := range []hugeShape{{"bench_huge_1m", hugeSerials / 100}, {"bench_huge", hugeSerials}} {
		e, err := start(ctx, cluster, bin, s.name, i == 0)
		if e != nil {
			defer e.stop()
		}
		if err != nil {
			return nil, err
		}
		took, err := buildHuge(ctx, e, cluster, s.name, s.serials)
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
	out := []result{
		hugeRatio("push of 100,000 serials into the biggest pool (x3)", "serials/s", hi, si),
		hugeRatio("32 concurrent requestSerials of 500 from the biggest pool (x3)", "serials/s", ha, sa),
		hugeRatio("donut of the biggest pool, p50 of sequential requests", "req/s", hd, sd),
	}
	built100M := "built in an earlier run"
	if buildTime[1] > 0 {
		built100M = "built in " + buildTime[1].Round(time.Second).String()
	}
	out[0].Note = fmt.Sprintf("serials table and indexes: %.0f bytes per serial at 100M (%.1f GB), %.0f at 1M; the 100M database %s",
		huge.bytes, huge.bytes*hugeSerials/1e9, small.bytes, built100M)
	return out, nil
}

func hugeRatio(work, unit string, ours, base float64) result {
	return result{Work: work + ", 100M database vs 1M", Ours: ours, Baseline: base, Unit: unit, Ratio: ours / base,
		Target: ">= 0.8x the same work at 1M", Met: ours >= 0.8*base}
}

// buildHuge fills e's database to the shape with total serials, unless an
// earlier run did (then it returns 0); the bench tenant owns the big pools.
func buildHuge(ctx context.Context, e *env, cluster *localpg.Cluster, name string, total int) (time.Duration, error) {
	var have int64
	if err := e.exec(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT coalesce(sum(n), 0) FROM pool_counters WHERE source <> 'PARTNER'`).Scan(&have)
	}); err != nil {
		return 0, err
	}
	if have >= int64(total) {
		return 0, nil
	}
	if have > 0 {
		return 0, fmt.Errorf("holds %d serials of %d: a build was cut off; drop the database (DROP DATABASE %s) and run again", have, total, name)
	}
	if total == hugeSerials {
		var fs syscall.Statfs_t
		if err := syscall.Statfs(cluster.Dir, &fs); err != nil {
			return 0, err
		}
		if free := fs.Bavail * uint64(fs.Bsize); free < hugeFreeDisk {
			return 0, fmt.Errorf("%.0f GB free at %s; building %s serials needs %d GB", float64(free)/1e9, cluster.Dir, millions(total), hugeFreeDisk>>30)
		}
	}
	log.Printf("building the %s-serial database (once; kept in the bench cluster)", millions(total))
	t0 := time.Now()
	tenants := []int64{e.tenant}
	for i := 1; i < hugeTenants; i++ {
		id, err := e.db.CreateTenant(ctx, fmt.Sprintf("Huge Tenant %d", i))
		if err != nil {
			return 0, err
		}
		tenants = append(tenants, id)
	}
	big := total / 100 * 12 // 12M of 100M
	small := (total - hugeBigPools*big) / (hugeProducts - hugeBigPools)
	err := e.exec(ctx, func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, `SET synchronous_commit = off`); err != nil {
			return err
		}
		codes, owners := make([]string, hugeProducts), make([]int64, hugeProducts)
		for i := range codes {
			codes[i] = hugeCode(i)
			owners[i] = tenants[0]
			if i >= hugeBigPools {
				owners[i] = tenants[i%hugeTenants]
			}
		}
		if _, err := c.Exec(ctx, `INSERT INTO products (tenant_id, code, code_schema, name, source, low_threshold)
			SELECT t, c, 'GTIN', 'Huge ' || c, 'SAP_ATTP', 0 FROM unnest($1::bigint[], $2::text[]) AS u(t, c)`, owners, codes); err != nil {
			return err
		}
		// Slices of about a million rows per statement keep the counter
		// trigger's transition tables small: a big pool a million at a time,
		// the small ones many pools at a time.
		for i := range hugeBigPools {
			for first := 1; first <= big; first += 1_000_000 {
				last := min(first+999_999, big)
				if _, err := c.Exec(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value)
					SELECT p.id, p.tenant_id, CASE WHEN g % 3 = 0 THEN 'ASSIGNED' ELSE 'AVAILABLE' END::serial_status, 'SAP_ATTP', lpad(g::text, 12, '0')
					FROM products p, generate_series($2::bigint, $3::bigint) g WHERE p.code = $1`, codes[i], first, last); err != nil {
					return err
				}
			}
			log.Printf("  pool %d of %s: %s", i+1, millions(big), time.Since(t0).Round(time.Second))
		}
		per := max(1, 1_000_000/small)
		for i := hugeBigPools; i < hugeProducts; i += per {
			if _, err := c.Exec(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value)
				SELECT p.id, p.tenant_id, CASE WHEN g % 3 = 0 THEN 'ASSIGNED' ELSE 'AVAILABLE' END::serial_status, 'SAP_ATTP', lpad(g::text, 12, '0')
				FROM products p CROSS JOIN generate_series(1, $2::bigint) g WHERE p.code = ANY($1)`,
				codes[i:min(i+per, hugeProducts)], small); err != nil {
				return err
			}
		}
		log.Printf("  %d pools of %d: %s; VACUUM ANALYZE", hugeProducts-hugeBigPools, small, time.Since(t0).Round(time.Second))
		if _, err := c.Exec(ctx, `VACUUM ANALYZE serials`); err != nil {
			return err
		}
		return nil
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
