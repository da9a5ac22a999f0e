// Package db implements serialpool's services on PostgreSQL: versioned SQL
// migrations, queries, bulk COPY, and tenant isolation by row-level security.
//
// Every tenant-scoped statement runs in a transaction begun by enter (tx.go),
// the one entrance to a tenant: it switches the transaction to the
// unprivileged serialpool_app role and sets app.tenant_id, so the RLS policies
// in migrations/ hold even when the server connects as a superuser. tenantRead
// is its one-round-trip fast path for a single read. Only system tasks run
// outside a tenant, as the connecting role: authentication (which finds a
// key's tenant), the operator commands (tenants, keys), the demo seed, the
// replenisher's bookkeeping, and systemTx.
//
// GORM does plain CRUD and reads with optional filters (products, channels,
// keys, partnerships, the audit trail, statistics), where its Raw and query
// builder read well. pgx does what GORM cannot or should not: COPY (intake,
// generation), pipelined batches (tenantRead), cursors streamed to a caller
// (exports) and the set-based hot paths of requests, releases and pack events.
// GORM runs on pgx's database/sql driver, so one pgx tracer sees every
// statement of both, for traces and for Statements.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/serialpool/serialpool/pool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a connection pool to serialpool's database.
type DB struct {
	gorm *gorm.DB
	sql  *sql.DB
	// bulk holds the connections of work paced by a caller's body or reader
	// (pushes, exports), apart from sql, so that however many such callers
	// wait, every other query still finds a connection.
	bulk *sql.DB
	// replica and replicaBulk are the same two pools on a hot standby
	// (ReadFrom), for the reads that may lag the primary; nil without one.
	replica, replicaBulk *sql.DB
	// listen is what the one connection of WatchCounts connects with.
	listen     *pgx.ConnConfig
	statements atomic.Uint64
	progress   sync.Map // "tenant/idempotency key" -> *atomic.Int64 rows read, while a batch streams in

	// upstream is where channels' upstream URLs may point (SetUpstreamPolicy).
	upstream pool.UpstreamPolicy
	// clockSkew is how far in the future a pack event may lie (SetClockSkew).
	clockSkew time.Duration
	// lockout is how many failed sign-ins lock an account (SetLockout).
	lockout pool.Lockout
	// sessions is how long sessions of the web app last (SetSessionPolicy).
	sessions pool.SessionPolicy
	// bytewise: the database's collation orders text by its bytes (C, POSIX,
	// C.UTF-8), so a prefix is an index range (the serials search).
	bytewise bool
}

// SetClockSkew sets how far in the future a pack event's time may lie (the
// clocks of lines and servers differ); call it before serving. Open sets
// pool.DefaultClockSkew.
func (d *DB) SetClockSkew(skew time.Duration) { d.clockSkew = skew }

// Open connects to the database at url. It does not migrate. url may name
// several hosts (host=a,b or postgres://a:5432,b:5432/db) with
// target_session_attrs=read-write: pgx then connects to whichever is the
// primary, and the pools drop connections to one that no longer is (primaryOnly).
func Open(ctx context.Context, url string) (*DB, error) {
	d := &DB{clockSkew: pool.DefaultClockSkew}
	cfg, err := d.connConfig(url)
	if err != nil {
		return nil, err
	}
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*cfg, stdlib.OptionResetSession(primaryOnly))}), &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
	})
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	s, err := g.DB()
	if err != nil {
		return nil, err
	}
	// The listener's periodic checks are housekeeping, not work done for
	// requests: they are neither counted nor traced.
	listen := cfg.Copy()
	listen.Tracer = nil
	d.gorm, d.sql, d.listen = g, s, listen
	d.bulk = openBulk(cfg, stdlib.OptionResetSession(primaryOnly))
	sizeMain(d.sql)
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	// datlocprovider exists from PostgreSQL 15 on (libc before): read through
	// to_jsonb, so older servers answer too.
	err = d.sql.QueryRowContext(ctx, `SELECT d.datcollate IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8')
		AND coalesce(to_jsonb(d) ->> 'datlocprovider', 'c') IN ('c', 'b')
		FROM pg_database d WHERE d.datname = current_database()`).Scan(&d.bytewise)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("db: read the collation: %w", err)
	}
	return d, nil
}

// ReadFrom sends the reads that may lag the primary (those whose context
// pool.AllowStale marks, in read-only transactions) to the hot standby at url,
// through pools of their own as large as the primary's. Row-level security
// holds there as on the primary: the same enterTenant runs first.
func (d *DB) ReadFrom(ctx context.Context, url string) error {
	cfg, err := d.connConfig(url)
	if err != nil {
		return err
	}
	replica := stdlib.OpenDB(*cfg)
	sizeMain(replica)
	d.replica, d.replicaBulk = replica, openBulk(cfg)
	if err := replica.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping the read replica: %w", err)
	}
	return nil
}

// connConfig parses url into the configuration every pool of d connects with.
func (d *DB) connConfig(url string) (*pgx.ConnConfig, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	// Statements become spans when the server traces (OpenTelemetry, off unless
	// configured); their parameters, serials and keys among them, are not
	// recorded. And every statement is counted, for the metrics and the N+1 tests.
	cfg.Tracer = multitracer.New(otelpgx.NewTracer(otelpgx.WithTrimSQLInSpanName()), statementCounter{&d.statements})
	// No JIT: the reads are short, but a page of several pools over 16
	// partitions is estimated above jit_above_cost once pools are big, and
	// compiling it took 100 ms for a query that runs in 1 ms (the bench's nested
	// page fell from 213 to 2 a second under load, bench/README.md). A URL's
	// own jit=on wins.
	if _, set := cfg.RuntimeParams["jit"]; !set {
		cfg.RuntimeParams["jit"] = "off"
	}
	return cfg, nil
}

// sizeMain sizes a pool for the short queries of API requests.
func sizeMain(s *sql.DB) {
	s.SetMaxOpenConns(32)
	s.SetMaxIdleConns(32)
	s.SetConnMaxIdleTime(5 * time.Minute)
}

// openBulk opens a bulk pool (bulkConns).
func openBulk(cfg *pgx.ConnConfig, opts ...stdlib.OptionOpenDB) *sql.DB {
	bulk := stdlib.OpenDB(*cfg, opts...)
	bulk.SetMaxOpenConns(bulkConns)
	bulk.SetMaxIdleConns(4)
	bulk.SetConnMaxIdleTime(5 * time.Minute)
	return bulk
}

// primaryOnly drops a pooled connection to a server that no longer takes
// writes, before it is used again: a primary demoted to a standby, or one set
// read-only (default_transaction_read_only) ahead of a switchover. PostgreSQL
// reports both settings to every session as they change (ParameterStatus), so
// the check costs no round trip; the pool connects afresh, and a multi-host
// URL with target_session_attrs=read-write finds the new primary. Connections
// to a dead server are dropped by pgx itself (the ping of a connection idle
// over a second, a FATAL error such as 57P01 admin_shutdown).
func primaryOnly(_ context.Context, c *pgx.Conn) error {
	p := c.PgConn()
	if p.ParameterStatus("in_hot_standby") == "on" || p.ParameterStatus("default_transaction_read_only") == "on" {
		return driver.ErrBadConn
	}
	return nil
}

// bulkConns is the size of the bulk pool: at most this many pushes and exports
// hold a connection at once; more wait for one, the other queries do not.
const bulkConns = 16

// Statements is the number of SQL statements sent so far, GORM's and pgx's,
// BEGIN and COMMIT included.
func (d *DB) Statements() uint64 { return d.statements.Load() }

// statementCounter is the pgx tracer that counts statements: each query (GORM's
// among them, through pgx's database/sql driver), each query of a batch, each COPY.
type statementCounter struct{ n *atomic.Uint64 }

func (c statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (c statementCounter) TraceBatchStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	c.n.Add(uint64(data.Batch.Len()))
	return ctx
}

func (statementCounter) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (statementCounter) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (c statementCounter) TraceCopyFromStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceCopyFromStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (statementCounter) TraceCopyFromEnd(context.Context, *pgx.Conn, pgx.TraceCopyFromEndData) {}

// Close closes the pools.
func (d *DB) Close() error {
	err := errors.Join(d.sql.Close(), d.bulk.Close())
	if d.replica != nil {
		err = errors.Join(err, d.replica.Close(), d.replicaBulk.Close())
	}
	return err
}

// Ping checks that the database answers, for /readyz.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("db: ping: %w", err)
	}
	return nil
}

// Migrate applies pending migrations. Safe to run concurrently from several
// processes: a PostgreSQL advisory lock serialises them.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.migrations()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	return nil
}

func (d *DB) migrations() (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	files, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, d.sql, files, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("db: migrations: %w", err)
	}
	return p, nil
}

// Errors that are not the server's fault, as callers are told them.
var (
	errUnavailable = pool.Errorf(pool.EUNAVAILABLE, "the database is unavailable; retry in a moment")
	errBadText     = pool.Errorf(pool.EINVALID, "text must be UTF-8 without NUL characters")
)

// classify presents failures that are not the server's fault as such, keeping
// the cause for the logs: PostgreSQL out of reach (refused, shutting down, the
// connection lost, no primary among a multi-host URL's servers, a write on a
// server that became read-only in a failover), and text it cannot store (a NUL
// character, bytes that are not UTF-8), which only a caller's input brings,
// e.g. "%00" in a URL path.
func classify(err error) error {
	var ce *pgconn.ConnectError
	switch code := pgCode(err); {
	case err == nil:
		return nil
	case errors.As(err, &ce), errors.Is(err, driver.ErrBadConn),
		strings.HasPrefix(code, "08"),  // connection exception
		strings.HasPrefix(code, "57P"), // shutdown, crash, cannot connect now
		code == "25006":                // read_only_sql_transaction: a demoted or read-only primary
		return fmt.Errorf("%w: %w", errUnavailable, err)
	case code == "22021", code == "22P05": // invalid byte sequence; \u0000 in jsonb
		return fmt.Errorf("%w: %w", errBadText, err)
	}
	return err
}

// wrap adds what was being done to an error, keeping its chain: the caller is
// told only the code and message of an application error in it (such as
// classify's UNAVAILABLE), the logs get the PostgreSQL cause beneath. A bare
// application error passes as it is.
func wrap(doing string, err error) error {
	if _, ok := err.(*pool.Error); ok || err == nil {
		return err
	}
	return fmt.Errorf("db: %s: %w", doing, err)
}

// pgCode returns the SQLSTATE of a PostgreSQL error, or "".
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)
