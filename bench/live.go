package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket/wsjson"
	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/internal/liveclient"
	"github.com/serialpool/serialpool/internal/serverproc"
	"github.com/serialpool/serialpool/pool"
)

// Live counts: liveSubscribers graphql-ws subscriptions spread over
// liveServers server processes and liveProducts pools, while a mixed write
// load (requests and generated intake) runs through another server. Measured
// twice in the same run: per-subscriber polling (SERIALPOOL_LIVE_POLL, the
// old way) and change notifications. Figures: the statements per second the
// subscribers' servers send (their serialpool_db_statements_total: nothing
// but live counts and the sockets' key checks run there), and the latency
// from a request's answer to each subscriber of its pool having counts that
// include it.
const (
	liveSubscribers = 1000
	liveServers     = 3
	liveProducts    = 50
	liveWriters     = 8
	liveDuration    = 20 * time.Second
)

// liveSeen is one update a subscriber got: when, and the assigned count.
type liveSeen struct {
	at       time.Time
	assigned int
}

// liveWrite is one request of the load: its pool, the assigned count its
// answer showed, and when the answer arrived.
type liveWrite struct {
	product  int
	assigned int
	at       time.Time
}

type liveRun struct {
	statementsPerSec float64
	latencies        []time.Duration
	missed           int // (write, subscriber) pairs never seen within the run
	updates          int
}

func benchLive(ctx context.Context, e *env, bin string) ([]result, error) {
	products := make([]*pool.Product, liveProducts)
	for i := range products {
		p, err := e.product(200+i, pool.SourceSNM)
		if err != nil {
			return nil, err
		}
		if err := fillPool(ctx, e, p, 20_000); err != nil {
			return nil, err
		}
		products[i] = p
	}
	poll, err := liveOnce(ctx, e, bin, products, true)
	if err != nil {
		return nil, fmt.Errorf("live counts, polling: %w", err)
	}
	notified, err := liveOnce(ctx, e, bin, products, false)
	if err != nil {
		return nil, fmt.Errorf("live counts, notifications: %w", err)
	}
	cost, err := notifyCost(ctx, e, products[0])
	if err != nil {
		return nil, fmt.Errorf("notification cost: %w", err)
	}
	p99 := func(r liveRun) float64 { return ms(percentile(r.latencies, 99)) }
	ratio := poll.statementsPerSec / max(notified.statementsPerSec, 0.001)
	return append([]result{{
		Work: fmt.Sprintf("live counts: %d subscribers, %d servers, %d pools, mixed writes (statements/s)", liveSubscribers, liveServers, liveProducts),
		Ours: notified.statementsPerSec, Baseline: poll.statementsPerSec, Unit: "stmt/s", Ratio: ratio,
		Target: ">= 20x fewer than polling per subscriber", Met: ratio >= 20 && notified.missed == 0,
		Note: fmt.Sprintf("update latency p50/p99: notifications %.0f/%.0f ms, polling %.0f/%.0f ms; %d and %d updates pushed; %d and %d (write, subscriber) pairs not seen",
			ms(percentile(notified.latencies, 50)), p99(notified), ms(percentile(poll.latencies, 50)), p99(poll),
			notified.updates, poll.updates, notified.missed, poll.missed),
	}, {
		Work: "live counts: update latency p99", Ours: p99(notified), Baseline: p99(poll), Unit: "ms", Ratio: p99(poll) / max(p99(notified), 0.001),
		Target: "<= polling's", Met: p99(notified) <= p99(poll),
		Note: fmt.Sprintf("from a request's answer until every subscriber of its pool has counts including it, over %d (write, subscriber) pairs", len(notified.latencies)),
	}}, cost...), nil
}

// liveOnce starts the subscribers' servers (polling or not), subscribes, runs
// the write load through e's server and measures.
func liveOnce(ctx context.Context, e *env, bin string, products []*pool.Product, poll bool) (liveRun, error) {
	var run liveRun
	servers := make([]*serverproc.Server, liveServers)
	for i := range servers {
		s, err := serverproc.Start(bin, e.dbURL, "SERIALPOOL_RATE_LIMIT=0", "SERIALPOOL_MAX_SOCKETS=1000",
			"SERIALPOOL_MAX_SUBSCRIPTIONS=10000", "SERIALPOOL_LIVE_POLL="+strconv.FormatBool(poll))
		if err != nil {
			return run, err
		}
		defer s.Kill()
		servers[i] = s
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Subscriber i watches pool i % liveProducts, on server i % liveServers,
	// ten to a socket.
	seen := make([][]liveSeen, liveSubscribers)
	var mu sync.Mutex
	var readers sync.WaitGroup
	subscribed := make(chan error, liveSubscribers)
	for first := 0; first < liveSubscribers; first += 10 {
		server := servers[(first/10)%liveServers]
		dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
		c, err := liveclient.Dial(dctx, server.URL, e.key, nil)
		dcancel()
		if err != nil {
			return run, err
		}
		defer c.Conn.CloseNow()
		for i := first; i < first+10; i++ {
			if err := c.Subscribe(ctx, strconv.Itoa(i), `subscription($c: String!) { poolCounts(productCode: $c) { pool { assigned } } }`,
				map[string]any{"c": products[i%liveProducts].Code}); err != nil {
				return run, err
			}
		}
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				var m liveclient.Message
				if err := wsjson.Read(ctx, c.Conn, &m); err != nil {
					return
				}
				i, err := strconv.Atoi(m.ID)
				var u struct {
					Data struct {
						PoolCounts struct{ Pool struct{ Assigned int } }
					}
				}
				if err != nil || m.Type != "next" || json.Unmarshal(m.Payload, &u) != nil {
					subscribed <- fmt.Errorf("subscription %s: %s %s", m.ID, m.Type, m.Payload)
					return
				}
				mu.Lock()
				if len(seen[i]) == 0 {
					subscribed <- nil
				}
				seen[i] = append(seen[i], liveSeen{time.Now(), u.Data.PoolCounts.Pool.Assigned})
				mu.Unlock()
			}
		}()
	}
	for range liveSubscribers {
		select {
		case err := <-subscribed:
			if err != nil {
				return run, err
			}
		case <-time.After(60 * time.Second):
			return run, fmt.Errorf("not every subscriber got its first counts within 60 s")
		}
	}
	time.Sleep(2 * time.Second) // the listeners connect and settle

	before := make([]float64, liveServers)
	for i, s := range servers {
		n, err := statementsOf(s)
		if err != nil {
			return run, err
		}
		before[i] = n
	}
	start := time.Now()
	writes, err := liveLoad(ctx, e, products, liveDuration)
	if err != nil {
		return run, err
	}
	elapsed := time.Since(start)
	var total float64
	for i, s := range servers {
		n, err := statementsOf(s)
		if err != nil {
			return run, err
		}
		total += n - before[i]
	}
	run.statementsPerSec = total / elapsed.Seconds()
	time.Sleep(3 * time.Second) // the last writes reach their subscribers
	cancel()
	for _, s := range servers {
		s.Kill()
	}
	readers.Wait()

	// For each write, each subscriber of its pool: the first update at or
	// after the write's count (requests only grow a pool's assigned count).
	for _, w := range writes {
		for i := w.product; i < liveSubscribers; i += liveProducts {
			k := slices.IndexFunc(seen[i], func(s liveSeen) bool { return s.assigned >= w.assigned })
			if k < 0 {
				run.missed++
				continue
			}
			run.latencies = append(run.latencies, max(0, seen[i][k].at.Sub(w.at)))
		}
	}
	for _, s := range seen {
		run.updates += len(s) - 1
	}
	slices.Sort(run.latencies)
	return run, nil
}

// liveLoad runs the mixed writes for d through e's server: liveWriters-1
// workers request 5 serials of a random pool, reading its count back in the
// answer; one generates 500 serials into a random pool.
func liveLoad(ctx context.Context, e *env, products []*pool.Product, d time.Duration) ([]liveWrite, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: liveWriters}}
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var writes []liveWrite
	errs := make(chan error, liveWriters)
	var wg sync.WaitGroup
	for w := range liveWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && ctx.Err() == nil {
				p := rand.IntN(len(products))
				if w == 0 {
					var out struct{}
					if err := gqlPost(e, client, `mutation($c: String!) { generateSerials(input: {productCode: $c, count: 500, mode: RANDOM}) { accepted } }`,
						map[string]any{"c": products[p].Code}, &out); err != nil {
						errs <- err
						return
					}
					continue
				}
				var out struct {
					RequestSerials struct {
						Product struct{ Pool struct{ Assigned int } }
					}
				}
				if err := gqlPost(e, client, `mutation($c: String!) { requestSerials(input: {productCode: $c, count: 5, orderRef: "live"}) { product { pool { assigned } } } }`,
					map[string]any{"c": products[p].Code}, &out); err != nil {
					errs <- err
					return
				}
				mu.Lock()
				writes = append(writes, liveWrite{p, out.RequestSerials.Product.Pool.Assigned, time.Now()})
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	return writes, <-errs
}

// gqlPost runs a GraphQL operation as e's admin and decodes its data into out.
func gqlPost(e *env, client *http.Client, query string, vars map[string]any, out any) error {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, e.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &r) != nil || len(r.Errors) > 0 {
		return fmt.Errorf("%s: %s %s", strings.Fields(query)[1], res.Status, b)
	}
	return json.Unmarshal(r.Data, out)
}

// statementsOf reads a server's serialpool_db_statements_total.
func statementsOf(s *serverproc.Server) (float64, error) {
	res, err := http.Get(s.URL + "/metrics")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "serialpool_db_statements_total "); ok {
			return strconv.ParseFloat(v, 64)
		}
	}
	return 0, fmt.Errorf("no serialpool_db_statements_total at %s/metrics", s.URL)
}

// notifyCost times what the notifying trigger adds to the writes: 32
// concurrent requestSerials of 10 (small transactions, where the commit-time
// lock of NOTIFY weighs most), and a push of 100,000 serials, each with the
// trigger disabled and enabled, alternately, twice.
func notifyCost(ctx context.Context, e *env, p *pool.Product) ([]result, error) {
	const clients, rounds, each, pushed = 32, 10, 10, 100_000
	if err := fillPool(ctx, e, p, 20_000+4*clients*rounds*each); err != nil {
		return nil, err
	}
	_, channel, err := e.db.CreateChannel(e.actor, pool.NewChannel{Name: "bench live", Source: pool.SourceSAPATTP})
	if err != nil {
		return nil, err
	}
	intake, err := e.product(260, pool.SourceSAPATTP)
	if err != nil {
		return nil, err
	}
	trigger := func(on bool) error {
		return e.exec(ctx, func(c *pgx.Conn) error {
			_, err := c.Exec(ctx, "ALTER TABLE pool_counters "+map[bool]string{true: "ENABLE", false: "DISABLE"}[on]+" TRIGGER pool_counters_notify")
			return err
		})
	}
	defer trigger(true)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	var request, push [2]time.Duration // [off, on]
	for round := range 4 {
		on := round%2 == 1
		if err := trigger(on); err != nil {
			return nil, err
		}
		t, err := concurrently(clients, rounds, requestOverGraphQL(e, client, p.Code, each))
		if err != nil {
			return nil, err
		}
		request[btoi(on)] += t
		t0 := time.Now()
		if err := pushSerials(e, intake.Code, channel, fmt.Sprintf("live-cost-%d", round), round*pushed, pushed); err != nil {
			return nil, err
		}
		push[btoi(on)] += time.Since(t0)
	}
	rate := func(n int, d time.Duration) float64 { return float64(2*n) / d.Seconds() }
	reqOff, reqOn := rate(clients*rounds*each, request[0]), rate(clients*rounds*each, request[1])
	pushOff, pushOn := rate(pushed, push[0]), rate(pushed, push[1])
	return []result{{
		Work: fmt.Sprintf("requestSerials of %d, %d at once, with the notifying trigger", each, clients), Ours: reqOn, Baseline: reqOff,
		Unit: "serials/s", Ratio: reqOn / reqOff, Target: ">= 0.9x without it", Met: reqOn >= 0.9*reqOff,
		Note: "the trigger disabled and enabled alternately, twice each",
	}, {
		Work: fmt.Sprintf("push of %d serials, with the notifying trigger", pushed), Ours: pushOn, Baseline: pushOff,
		Unit: "serials/s", Ratio: pushOn / pushOff, Target: ">= 0.9x without it", Met: pushOn >= 0.9*pushOff,
		Note: "one notification per pool and transaction, whatever the rows",
	}}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// pushSerials pushes n generated serials, from the first'th on, into product
// code over the bulk REST API.
func pushSerials(e *env, code, channel, key string, first, n int) error {
	var buf bytes.Buffer
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&buf, "L%011d\n", i)
	}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v2/products/"+code+"/serials", &buf)
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("X-Channel-Key", channel)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Idempotency-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		return fmt.Errorf("push: %s %s", res.Status, body)
	}
	return nil
}
