// Package db implements serialpool's services on PostgreSQL: versioned SQL
// migrations, queries, bulk COPY, and tenant isolation by row-level security.
//
// Every tenant-scoped method runs in tenantTx, the one place where the tenant is
// set: the transaction switches to the unprivileged serialpool_app role and sets
// app.tenant_id, so the RLS policies in migrations/ hold even when the server
// connects as a superuser.
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
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
	bulk       *sql.DB
	statements atomic.Uint64
	progress   sync.Map // "tenant/idempotency key" -> *atomic.Int64 rows read, while a batch streams in

	// upstream is where channels' upstream URLs may point (SetUpstreamPolicy).
	upstream pool.UpstreamPolicy
}

// enterTenant confines a transaction to tenant $1: the unprivileged role, under
// which row-level security always applies, and the tenant the policies compare to.
const enterTenant = `SELECT set_config('role', 'serialpool_app', true), set_config('app.tenant_id', $1, true)`

// Open connects to the database at url. It does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("db: open: %w", err)
	}
	// Statements become spans when the server traces (OpenTelemetry, off unless
	// configured); their parameters, serials and keys among them, are not recorded.
	cfg.Tracer = otelpgx.NewTracer(otelpgx.WithTrimSQLInSpanName())
	g, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*cfg)}), &gorm.Config{
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
	s.SetMaxOpenConns(32)
	s.SetMaxIdleConns(32)
	s.SetConnMaxIdleTime(5 * time.Minute)
	bulk := stdlib.OpenDB(*cfg)
	bulk.SetMaxOpenConns(bulkConns)
	bulk.SetMaxIdleConns(4)
	bulk.SetConnMaxIdleTime(5 * time.Minute)
	d := &DB{gorm: g, sql: s, bulk: bulk}
	// Count every statement GORM sends, for the metrics and the N+1 tests.
	count := func(*gorm.DB) { d.statements.Add(1) }
	cb := g.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("serialpool:count", count),
		cb.Create().After("gorm:create").Register("serialpool:count", count),
		cb.Update().After("gorm:update").Register("serialpool:count", count),
		cb.Delete().After("gorm:delete").Register("serialpool:count", count),
		cb.Row().After("gorm:row").Register("serialpool:count", count),
		cb.Raw().After("gorm:raw").Register("serialpool:count", count),
	} {
		if err != nil {
			return nil, err
		}
	}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// bulkConns is the size of the bulk pool: at most this many pushes and exports
// hold a connection at once; more wait for one, the other queries do not.
const bulkConns = 16

// Statements is the number of SQL statements sent so far.
func (d *DB) Statements() uint64 { return d.statements.Load() }

// Close closes the pools.
func (d *DB) Close() error { return errors.Join(d.sql.Close(), d.bulk.Close()) }

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

// tenantTx runs fn in a transaction confined to the caller's tenant: as the
// serialpool_app role, under which row-level security always applies, with
// app.tenant_id set for the policies. Methods still filter by tenant themselves;
// RLS is the net.
func (d *DB) tenantTx(ctx context.Context, readOnly bool, fn func(tx *gorm.DB, a pool.Actor) error) error {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return err
	}
	return classify(d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := tx.Exec(enterTenant, strconv.FormatInt(a.TenantID, 10)).Error
		if err != nil {
			return fmt.Errorf("db: enter tenant: %w", err)
		}
		return fn(tx, a)
	}, &sql.TxOptions{ReadOnly: readOnly}))
}

// Errors that are not the server's fault, as callers are told them.
var (
	errUnavailable = pool.Errorf(pool.EUNAVAILABLE, "the database is unavailable; retry in a moment")
	errBadText     = pool.Errorf(pool.EINVALID, "text must be UTF-8 without NUL characters")
)

// classify presents failures that are not the server's fault as such, keeping
// the cause for the logs: PostgreSQL out of reach (refused, shutting down, the
// connection lost), and text it cannot store (a NUL character, bytes that are
// not UTF-8), which only a caller's input brings, e.g. "%00" in a URL path.
func classify(err error) error {
	var ce *pgconn.ConnectError
	switch code := pgCode(err); {
	case err == nil:
		return nil
	case errors.As(err, &ce), errors.Is(err, driver.ErrBadConn),
		strings.HasPrefix(code, "08"),  // connection exception
		strings.HasPrefix(code, "57P"): // shutdown, crash, cannot connect now
		return fmt.Errorf("%w: %w", errUnavailable, err)
	case code == "22021", code == "22P05": // invalid byte sequence; \u0000 in jsonb
		return fmt.Errorf("%w: %w", errBadText, err)
	}
	return err
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
