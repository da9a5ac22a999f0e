package main

import (
	"context"
	"fmt"
	"net"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/internal/serverproc"
	"github.com/serialpool/serialpool/pool"
)

// env is a migrated database of the bench cluster, a bench tenant with an admin
// key, and the server binary running on that database as a separate process.
type env struct {
	dbURL  string
	db     *db.DB
	server *serverproc.Server
	url    string
	tenant int64
	key    string // an admin key of the bench tenant
	actor  context.Context
}

// startCluster starts the bench's own PostgreSQL in dir, kept between runs so
// that big pools are built once.
func startCluster(dir string) (*localpg.Cluster, error) {
	return localpg.Start(dir, localpg.Options{})
}

// start serves database name of the cluster; fresh drops it first.
func start(ctx context.Context, cluster *localpg.Cluster, bin, name string, fresh bool) (*env, error) {
	admin, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err != nil {
		return nil, err
	}
	defer admin.Close(ctx)
	if fresh {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return nil, err
		}
	}
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return nil, err
		}
	}
	e := &env{dbURL: cluster.URL(name)}
	if e.db, err = db.Open(ctx, e.dbURL); err != nil {
		return e, err
	}
	if err := e.db.Migrate(ctx); err != nil {
		return e, err
	}
	if err := e.exec(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT coalesce(min(id), 0) FROM tenants WHERE name = 'Bench Pharma'`).Scan(&e.tenant)
	}); err != nil {
		return e, err
	}
	if e.tenant == 0 {
		if e.tenant, err = e.db.CreateTenant(ctx, "Bench Pharma"); err != nil {
			return e, err
		}
	}
	if e.key, err = e.db.CreateKey(ctx, e.tenant, pool.RoleAdmin); err != nil {
		return e, err
	}
	a, err := e.db.Authenticate(ctx, e.key)
	if err != nil {
		return e, err
	}
	e.actor = pool.WithActor(ctx, a)

	// Throughput is measured, not the rate limiter. The nested page (20 products
	// x 20 serials with history, nested.go) costs about 52,000, over the
	// default limit of 50,000.
	if e.server, err = serverproc.Start(bin, e.dbURL, "SERIALPOOL_RATE_LIMIT=0", "SERIALPOOL_MAX_COMPLEXITY=100000"); err != nil {
		return e, err
	}
	e.url = e.server.URL
	return e, nil
}

func (e *env) stop() {
	if e.server != nil {
		e.server.Kill()
	}
	if e.db != nil {
		e.db.Close()
	}
}

// peakRSS is the server's peak resident memory in MB.
func (e *env) peakRSS() float64 {
	b, err := e.server.PeakRSS()
	if err != nil {
		return -1
	}
	return float64(b) / (1 << 20)
}

// exec runs fn on a connection to the bench database as its owner, for set-up
// and baselines outside the server.
func (e *env) exec(ctx context.Context, fn func(*pgx.Conn) error) error {
	c, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return fn(c)
}

// product returns the bench tenant's n-th product, registering it (with the
// given source) on first use.
func (e *env) product(n int, source pool.Source) (*pool.Product, error) {
	code, err := productCode(n)
	if err != nil {
		return nil, err
	}
	if p, err := e.db.ProductByCode(e.actor, code); err == nil {
		return p, nil
	}
	return createProduct(e.actor, e, n, "Bench", source)
}

// productCode is the n-th bench product's GTIN-14. Each bench takes its own
// range of n: codes are unique across tenants.
func productCode(n int) (string, error) {
	body := fmt.Sprintf("0490000%06d", n)
	c, err := gs1.CheckDigit(body)
	if err != nil {
		return "", err
	}
	return body + string(c), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
