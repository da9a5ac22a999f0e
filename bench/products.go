package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

var (
	productsDuration = flag.Duration("products-duration", 0, "read pages (products, nested, poolStats): how long each server is loaded (default 20s, 5s with -size small)")
	productsConns    = flag.Int("products-conns", 32, "products and nested pages: concurrent keep-alive connections")
	statsConns       = flag.Int("stats-conns", 8, "poolStats: concurrent keep-alive connections (a BI tool's few clients)")
	productsRounds   = flag.Int("products-rounds", 0, "read pages: the duration is split into rounds that alternate the servers (default 8, 2 with -size small)")
	postgraphileDir  = flag.String("postgraphile", "bench/postgraphile", "read pages: the PostGraphile 5 baseline (package.json, graphile.config.mjs)")
)

// The products page: the first 50 products by code with their pool counts, as
// a Relay connection (edges, node) on both. PostGraphile has no pool type: its
// query takes each product's pool_counters rows (one per status, source and
// partner; n is a BigInt, so a JSON string) and the client sums them by status,
// where serialpool sums them in SQL and answers available and assigned.
const (
	oursProductsQuery  = `{ products(first: 50) { edges { node { code name pool { available assigned } } } } }`
	theirProductsQuery = `{ allProducts(first: 50, orderBy: CODE_ASC) { edges { node { code name poolCountersByProductId { nodes { status n } } } } } }`
	productsPage       = 50
)

// benchProducts loads the products page over HTTP from conns keep-alive
// connections for a fixed time, on serialpool and on PostGraphile 5 serving the
// same tables under the same row-level security, then on serialpool and on a
// hand-written net/http + pgx handler (handwritten.go), one after the other.
func benchProducts(ctx context.Context, e *env, size string) ([]result, error) {
	perProduct := 5000
	if size == "small" {
		perProduct = 1000
	}
	duration, warmup, rounds := readTiming(size)
	conns := *productsConns

	t0 := time.Now()
	serials, err := seedProducts(ctx, e, perProduct)
	if err != nil {
		return nil, fmt.Errorf("products page: seed: %w", err)
	}
	log.Printf("products page: seeded %d products with %d serials in %.1fs", 2*productsSeeded, serials, time.Since(t0).Seconds())

	pg, err := startPostGraphile(ctx, *postgraphileDir, e.dbURL, e.tenant)
	if err != nil {
		return nil, fmt.Errorf("products page: %w", err)
	}
	defer pg.stop()
	hw, err := startHandWritten(ctx, e.dbURL, e.tenant, conns)
	if err != nil {
		return nil, fmt.Errorf("products page: hand-written handler: %w", err)
	}
	defer hw.stop()

	ours := side{name: "serialpool", proc: "server", pid: e.server.Pid(), load: load{URL: e.url + "/graphql",
		Body: graphqlBody(oursProductsQuery), Conns: conns, Check: noErrors,
		Header: http.Header{"Authorization": {"Bearer " + e.key}, "Content-Type": {"application/json"}}}}
	theirs := pg.side(graphqlBody(theirProductsQuery), conns, 0)
	hand := side{name: "hand-written", proc: "bench process (handler and load client)", pid: os.Getpid(), load: load{
		URL: hw.url, Body: graphqlBody(oursProductsQuery), Conns: conns, Check: noErrors,
		Header: http.Header{"Content-Type": {"application/json"}}}}

	// All must answer the same page before any is timed.
	want, err := oursProductsPage(ours.load)
	if err != nil {
		return nil, fmt.Errorf("products page: serialpool: %w", err)
	}
	if len(want) != productsPage {
		return nil, fmt.Errorf("products page: serialpool answered %d products, want %d", len(want), productsPage)
	}
	got, err := theirProductsPage(theirs.load)
	if err != nil {
		return nil, fmt.Errorf("products page: PostGraphile: %w\n%s", err, pg.output.String())
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return nil, fmt.Errorf("products page: PostGraphile and serialpool differ:\n%v\n%v", got, want)
	}
	// The hand-written handler writes serialpool's shape: the same decoder reads it.
	if got, err = oursProductsPage(hand.load); err != nil {
		return nil, fmt.Errorf("products page: hand-written handler: %w", err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return nil, fmt.Errorf("products page: the hand-written handler and serialpool differ:\n%v\n%v", got, want)
	}

	work := fmt.Sprintf("products page (%d with counts), %d conns", productsPage, conns)
	o, t, err := alternate(ctx, e, "products page", ours, theirs, warmup, duration, rounds)
	if err != nil {
		return nil, err
	}
	note := fmt.Sprintf("%s each in %d alternating rounds; %s; %s", duration, rounds, o.note(ours), t.note(theirs))
	oh, h, err := alternate(ctx, e, "products page, hand-written", ours, hand, warmup, duration, rounds)
	if err != nil {
		return nil, err
	}
	handNote := fmt.Sprintf("%s each in %d alternating rounds; %s; %s (the load client alone: %.2f ms on serialpool's runs)",
		duration, rounds, oh.note(ours), h.note(hand), loadMS(oh.cpu.client)/float64(oh.Requests))
	return []result{
		throughputRow(work+": throughput", o, t, 2.0, ">= 2.0x PostGraphile 5", note),
		{Work: work + ": p99 latency", Ours: loadMS(o.P99), Baseline: loadMS(t.P99), Unit: "ms", Ratio: loadMS(t.P99) / loadMS(o.P99),
			Target: "<= 0.5x PostGraphile 5's", Met: 2*o.P99 <= t.P99 && o.Errors == 0},
		throughputRow(work+": throughput vs hand-written net/http + pgx", oh, h, 0.6, ">= 0.6x hand-written handler", handNote),
	}, nil
}

// productsSeeded is how many products seedProducts registers for each of two tenants.
const productsSeeded = 60

// seedProducts registers productsSeeded products for the bench tenant and as
// many for a second tenant, interleaved by code, so that row-level security has
// rows to hide on the products page. Serials go in as the database owner with
// generate_series, some of them assigned; the serials_count trigger keeps
// pool_counters. It returns the number of serials added.
func seedProducts(ctx context.Context, e *env, perProduct int) (int64, error) {
	other, err := newTenant(ctx, e, "Bench Products Other")
	if err != nil {
		return 0, err
	}
	sources := []pool.Source{pool.SourceSNM, pool.SourceSAPATTP, pool.SourceTraceLink, pool.SourceExternal}
	var ids []int64
	var totals, assigned []int32
	for i := range productsSeeded {
		for t, actor := range []context.Context{e.actor, other.actor} {
			n := 2000 + 2*i + t
			p, err := createProduct(actor, e, n, "Products page", sources[i%len(sources)])
			if err != nil {
				return 0, err
			}
			total := perProduct + 37*i
			if t == 1 {
				total = 100 + i
			}
			ids, totals, assigned = append(ids, p.ID), append(totals, int32(total)), append(assigned, int32(total*(i%5)/10))
		}
	}
	return insertSerials(ctx, e, ids, totals, assigned, 0)
}

// insertSerials adds totals[i] serials to product ids[i] as the database owner,
// with generate_series: the first assigned[i] of them assigned, all received
// age ago. The serials_count trigger keeps pool_counters. It returns the
// number of serials added.
func insertSerials(ctx context.Context, e *env, ids []int64, totals, assigned []int32, age time.Duration) (int64, error) {
	var n int64
	err := e.exec(ctx, func(conn *pgx.Conn) error {
		tag, err := conn.Exec(ctx, `INSERT INTO serials (product_id, tenant_id, status, source, value, received_at, assigned_at)
			SELECT p.id, p.tenant_id, CASE WHEN g <= s.assigned THEN 'ASSIGNED' ELSE 'AVAILABLE' END::serial_status, p.source,
				'P' || lpad(g::text, 11, '0'), now() - $4::interval, CASE WHEN g <= s.assigned THEN now() - $4::interval END
			FROM unnest($1::bigint[], $2::int[], $3::int[]) AS s(id, total, assigned)
			JOIN products p ON p.id = s.id
			CROSS JOIN LATERAL generate_series(1, s.total) AS g`, ids, totals, assigned, age)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		_, err = conn.Exec(ctx, `ANALYZE products, pool_counters, serials`)
		return err
	})
	return n, err
}

// createProduct registers the n-th bench product (a GTIN made of n) for the
// actor's tenant, named prefix and n.
func createProduct(actor context.Context, e *env, n int, prefix string, source pool.Source) (*pool.Product, error) {
	code, err := productCode(n)
	if err != nil {
		return nil, err
	}
	return e.db.CreateProduct(actor, pool.NewProduct{Code: code, CodeSchema: pool.GTIN, Name: prefix + " " + strconv.Itoa(n), Source: source})
}

// pageRow is one product of the page as both servers must answer it.
type pageRow struct {
	Code, Name          string
	Available, Assigned int64
}

func oursProductsPage(l load) ([]pageRow, error) {
	var out struct {
		Data struct {
			Products struct {
				Edges []struct {
					Node struct {
						Code, Name string
						Pool       struct{ Available, Assigned int64 }
					}
				}
			}
		}
	}
	if err := postOnce(l, &out); err != nil {
		return nil, err
	}
	var rows []pageRow
	for _, e := range out.Data.Products.Edges {
		n := e.Node
		rows = append(rows, pageRow{n.Code, n.Name, n.Pool.Available, n.Pool.Assigned})
	}
	return rows, nil
}

func theirProductsPage(l load) ([]pageRow, error) {
	var out struct {
		Data struct {
			AllProducts struct {
				Edges []struct {
					Node struct {
						Code, Name              string
						PoolCountersByProductId struct {
							Nodes []struct {
								Status string
								N      int64 `json:",string"` // bigint is a string in PostGraphile
							}
						}
					}
				}
			}
		}
	}
	if err := postOnce(l, &out); err != nil {
		return nil, err
	}
	var rows []pageRow
	for _, e := range out.Data.AllProducts.Edges {
		n := e.Node
		r := pageRow{Code: n.Code, Name: n.Name}
		for _, c := range n.PoolCountersByProductId.Nodes {
			switch c.Status {
			case "AVAILABLE":
				r.Available += c.N
			case "ASSIGNED":
				r.Assigned += c.N
			default:
				return nil, fmt.Errorf("unknown status %q", c.Status)
			}
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// postOnce sends l's request once and decodes a GraphQL answer without errors into v.
func postOnce(l load, v any) error {
	req, err := http.NewRequest(http.MethodPost, l.URL, bytes.NewReader(l.Body))
	if err != nil {
		return err
	}
	req.Header = l.Header.Clone()
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK || !noErrors(body) {
		return fmt.Errorf("%s: %.500s", res.Status, body)
	}
	return json.Unmarshal(body, v)
}

func graphqlBody(query string) []byte {
	b, _ := json.Marshal(map[string]string{"query": query})
	return b
}

// noErrors vets an answer cheaply enough to run on every response under load.
func noErrors(body []byte) bool {
	return bytes.HasPrefix(body, []byte(`{"data":`)) && !bytes.Contains(body, []byte(`"errors"`))
}

// side is PostGraphile as one side of a comparison, for tenant (0: the one it
// was started for, else in the X-Tenant-Id header).
func (p *postgraphile) side(body []byte, conns int, tenant int64) side {
	h := http.Header{"Content-Type": {"application/json"}}
	if tenant != 0 {
		h.Set("X-Tenant-Id", strconv.FormatInt(tenant, 10))
	}
	return side{name: "PostGraphile 5", proc: "node", pid: p.cmd.Process.Pid,
		load: load{URL: p.url, Body: body, Conns: conns, Header: h, Check: noErrors}}
}

// postgraphile is the PostGraphile 5 server process of the baseline.
type postgraphile struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{}
	output tailBuffer
}

// startPostGraphile installs the baseline's npm packages when they are missing
// and runs PostGraphile on database url (as its superuser, switching to
// serialpool_app per request) for tenant, on a free loopback port. It returns
// once PostGraphile answers a GraphQL query.
func startPostGraphile(ctx context.Context, dir, url string, tenant int64) (*postgraphile, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "graphile.config.mjs")); err != nil {
		return nil, fmt.Errorf("no PostGraphile baseline in %s (run the bench from the repository root, or set -postgraphile): %w", dir, err)
	}
	// PostGraphile 5 needs Node.js 22 or later: the package brings its own (the
	// npm package "node"), so the machine's Node.js only has to run npm.
	node := filepath.Join(dir, "node_modules", ".bin", "node")
	cli := filepath.Join(dir, "node_modules", "postgraphile", "dist", "cli-run.js")
	aggregates := filepath.Join(dir, "node_modules", "@graphile", "pg-aggregates", "package.json")
	for _, f := range []string{node, cli, aggregates} {
		if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
			log.Printf("products page: npm ci --prefix %s", dir)
			npm := exec.CommandContext(ctx, "npm", "ci", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error")
			if out, err := npm.CombinedOutput(); err != nil {
				return nil, fmt.Errorf("npm ci --prefix %s: %v\n%s", dir, err, out)
			}
			break
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	p := &postgraphile{url: fmt.Sprintf("http://127.0.0.1:%d/graphql", port), exited: make(chan struct{})}
	p.cmd = exec.Command(node, cli, "--config", filepath.Join(dir, "graphile.config.mjs"))
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "HOST=127.0.0.1", "PORT="+strconv.Itoa(port),
		"SERIALPOOL_TENANT_ID="+strconv.FormatInt(tenant, 10), "NODE_ENV=production", "GRAPHILE_ENV=production")
	p.cmd.Stdout, p.cmd.Stderr = &p.output, &p.output
	// Should the bench die without stopping it, the kernel stops PostGraphile too.
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start PostGraphile: %w", err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()

	ping := load{URL: p.url, Body: graphqlBody(`{ __typename }`), Header: http.Header{"Content-Type": {"application/json"}}}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var v struct{}
		err := postOnce(ping, &v)
		if err == nil {
			return p, nil
		}
		select {
		case <-p.exited:
			return nil, fmt.Errorf("PostGraphile exited (%v):\n%s", p.cmd.ProcessState, p.output.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("PostGraphile did not answer within 60s (%v):\n%s", err, p.output.String())
		}
	}
}

// stop kills the process this bench started (by its pid) and waits for it.
func (p *postgraphile) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.exited
}

// tailBuffer keeps the last 64 KiB written to it, for error messages.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if over := len(t.buf) - 64<<10; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// cpuUse is the CPU time a server process, PostgreSQL and the bench process
// (the load client) spent under a load.
type cpuUse struct{ app, db, client time.Duration }

func (c cpuUse) per(requests int, app string) string {
	if requests == 0 {
		return "no requests"
	}
	per := func(d time.Duration) float64 { return loadMS(d) / float64(requests) }
	return fmt.Sprintf("CPU per request: %s %.2f ms + PostgreSQL %.2f ms", app, per(c.app), per(c.db))
}

// procCPU is the CPU time (user and system) that the process has used so far;
// with reaped, also that of its children that have ended and been waited for.
func procCPU(pid int, reaped bool) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command, which is in parentheses: state is field 3,
	// utime 14, stime 15, cutime 16, cstime 17.
	f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
	if len(f) < 15 {
		return 0
	}
	fields := f[11:13]
	if reaped {
		fields = f[11:15]
	}
	var ticks int64
	for _, s := range fields {
		n, _ := strconv.ParseInt(string(s), 10, 64)
		ticks += n
	}
	return time.Duration(ticks) * (time.Second / 100) // USER_HZ is 100 on Linux
}

// postgresCPU is the CPU time of a PostgreSQL server so far: the postmaster,
// its running backends, and those that have ended (a backend's time moves into
// the postmaster's children's time when it exits, so the sum holds).
func postgresCPU(postmaster int) time.Duration {
	total := procCPU(postmaster, true)
	for _, pid := range childPIDs(postmaster) {
		total += procCPU(pid, false)
	}
	return total
}

// postmasterPID is the pid of the PostgreSQL server behind url: the parent of a backend.
func postmasterPID(ctx context.Context, url string) (int, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var backend int
	if err := conn.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&backend); err != nil {
		return 0, err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", backend))
	if err != nil {
		return 0, fmt.Errorf("PostgreSQL is not on this machine: %w", err)
	}
	f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
	return strconv.Atoi(string(f[1]))
}

// childPIDs lists the child processes of pid (a postmaster's backends).
func childPIDs(pid int) []int {
	var pids []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		child, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		f := bytes.Fields(b[bytes.LastIndexByte(b, ')')+1:])
		if len(f) > 1 && string(f[1]) == strconv.Itoa(pid) {
			pids = append(pids, child)
		}
	}
	return pids
}
