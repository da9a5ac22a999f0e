package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// benchAllocate runs `clients` concurrent requestSerials of `each` serials from
// one pool over GraphQL, and as the baseline the same number of raw SQL
// transactions (UPDATE of a FOR UPDATE SKIP LOCKED pick) at the same
// concurrency on a second pool, in alternating rounds; then checks that no
// serial went out twice.
func benchAllocate(ctx context.Context, e *env, clients, each int) ([]result, error) {
	const rounds = 6 // timed, alternating the two sides, after one untimed round each
	need := clients * each * (rounds + 1)
	ours, err := e.product(10, pool.SourceSNM)
	if err != nil {
		return nil, err
	}
	base, err := e.product(11, pool.SourceSNM)
	if err != nil {
		return nil, err
	}
	for _, p := range []*pool.Product{ours, base} {
		if err := fillPool(ctx, e, p, need*3/2+clients); err != nil {
			return nil, err
		}
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	overGraphQL := requestOverGraphQL(e, client, ours.Code, each)
	conns := make(chan *pgx.Conn, clients)
	for range clients {
		c, err := pgx.Connect(ctx, e.dbURL)
		if err != nil {
			return nil, err
		}
		defer c.Close(ctx)
		conns <- c
	}
	raw := func() error {
		c := <-conns
		defer func() { conns <- c }()
		tag, err := c.Exec(ctx, `WITH picked AS (SELECT id FROM serials WHERE product_id = $1 AND status = 'AVAILABLE'
				ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
			UPDATE serials s SET status = 'ASSIGNED', assigned_at = now() FROM picked WHERE s.product_id = $1 AND s.id = picked.id`, base.ID, each)
		if err == nil && tag.RowsAffected() != int64(each) {
			err = fmt.Errorf("baseline assigned %d", tag.RowsAffected())
		}
		return err
	}
	// The untimed round is each side's first use of its connections (HTTP and
	// the server's pool on ours, the baseline's own): steady state is timed,
	// as on the read pages, and neither side is timed first throughout.
	var oursTime, baseTime time.Duration
	for r := range rounds + 1 {
		o, err := concurrently(clients, 1, overGraphQL)
		if err != nil {
			return nil, err
		}
		b, err := concurrently(clients, 1, raw)
		if err != nil {
			return nil, err
		}
		if r > 0 {
			oursTime, baseTime = oursTime+o, baseTime+b
		}
	}

	// Each assigned serial carries exactly one request; the requests add up to them.
	var assigned, requested, distinct int64
	if err := e.exec(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT (SELECT count(*) FROM serials WHERE product_id = $1 AND request_id IS NOT NULL),
			(SELECT coalesce(sum(count), 0) FROM serial_requests WHERE product_id = $1),
			(SELECT count(DISTINCT value) FROM serials WHERE product_id = $1 AND request_id IS NOT NULL)`, ours.ID).
			Scan(&assigned, &requested, &distinct)
	}); err != nil {
		return nil, err
	}
	dups := requested - distinct
	n := float64(clients * each * rounds) // the timed rounds' serials, on each side
	oursRate, baseRate := n/oursTime.Seconds(), n/baseTime.Seconds()
	return []result{{
		Work: fmt.Sprintf("%d concurrent requestSerials of %d (x%d rounds)", clients, each, rounds), Ours: oursRate, Baseline: baseRate,
		Unit: "serials/s", Ratio: oursRate / baseRate, Target: ">= 0.8x raw SKIP LOCKED; 0 duplicates",
		Met: oursRate >= 0.8*baseRate && dups == 0 && assigned == requested,
		Note: fmt.Sprintf("%d serials assigned (the untimed round's too), %d requested, %d duplicates; timed: ours %.2fs, raw SQL %.2fs",
			assigned, requested, dups, oursTime.Seconds(), baseTime.Seconds()),
	}}, nil
}

// requestOverGraphQL returns a call of requestSerials for each serials of code.
func requestOverGraphQL(e *env, client *http.Client, code string, each int) func() error {
	body, _ := json.Marshal(map[string]any{"query": `mutation($c: String!, $n: Int!) { requestSerials(input: {productCode: $c, count: $n, orderRef: "bench"}) { count } }`,
		"variables": map[string]any{"c": code, "n": each}})
	return func() error {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+e.key)
		req.Header.Set("Content-Type", "application/json")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || !bytes.Contains(b, []byte(fmt.Sprintf(`"count":%d`, each))) {
			return fmt.Errorf("requestSerials: %s %s", res.Status, b)
		}
		return nil
	}
}

// concurrently runs fn clients times at once, rounds times, and returns the
// total wall time.
func concurrently(clients, rounds int, fn func() error) (time.Duration, error) {
	var total time.Duration
	for range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, clients)
		t0 := time.Now()
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := fn(); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		total += time.Since(t0)
		close(errs)
		if err := <-errs; err != nil {
			return 0, err
		}
	}
	return total, nil
}
