package db

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// This file is the one entrance to a tenant. enter begins every tenant
// transaction, read-only or read-write, on the main pool or the bulk pool, and
// runs enterTenant in it before anything else; tenantTx (GORM) and inTenant
// (pgx) hand its body the transaction in the form it needs. tenantRead is its
// fast path for one read: the same enterTenant, one round trip. systemTx is the
// one exception: no tenant, for the system tasks named at it.

// enterTenant confines a transaction to tenant $1: the unprivileged role, under
// which row-level security always applies, and the tenant the policies compare to.
// Both settings are local (true): they end with the transaction.
const enterTenant = `SELECT set_config('role', 'serialpool_app', true), set_config('app.tenant_id', $1, true)`

// txMode is how a transaction runs.
type txMode struct {
	readOnly bool
	// bulk takes the connection from the bulk pool: for work paced by the
	// caller (a push reading its body, an export writing to a slow reader).
	bulk bool
}

var (
	readTx      = txMode{readOnly: true}
	writeTx     = txMode{}
	bulkReadTx  = txMode{readOnly: true, bulk: true}
	bulkWriteTx = txMode{bulk: true}
)

// session is one connection inside a transaction. Its pgx transaction is
// begun, used and ended only inside conn.Raw, as database/sql requires; between
// those calls GORM's statements go through conn itself, so both libraries work
// in the same transaction.
type session struct {
	conn *sql.Conn
	tx   pgx.Tx
}

// pgx runs fn with the transaction on pgx.
func (s session) pgx(fn func(tx pgx.Tx) error) error {
	return s.conn.Raw(func(any) error { return fn(s.tx) })
}

// gorm returns g running in the transaction. WithContext gives g a statement
// of its own, so setting its connection touches no other session.
func (s session) gorm(ctx context.Context, g *gorm.DB) *gorm.DB {
	g = g.WithContext(ctx)
	g.Statement.ConnPool = s.conn
	return g
}

// enter runs fn in a transaction confined to the caller's tenant: the one
// entrance to a tenant. Methods still filter by tenant themselves; RLS is the net.
func (d *DB) enter(ctx context.Context, m txMode, fn func(s session, a pool.Actor) error) error {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return err
	}
	return classify(d.begin(ctx, m, func(s session) error {
		if err := s.pgx(func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, enterTenant, tenantSetting(a))
			return err
		}); err != nil {
			return fmt.Errorf("db: enter tenant: %w", err)
		}
		if sig := signed(ctx); sig != "" {
			if err := s.pgx(func(tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `SELECT set_config('app.signature', $1, true)`, sig)
				return err
			}); err != nil {
				return fmt.Errorf("db: signature: %w", err)
			}
		}
		return fn(s, a)
	}))
}

// tenantTx is enter for GORM: plain CRUD, dynamic filters.
func (d *DB) tenantTx(ctx context.Context, m txMode, fn func(tx *gorm.DB, a pool.Actor) error) error {
	return d.enter(ctx, m, func(s session, a pool.Actor) error {
		return fn(s.gorm(ctx, d.gorm), a)
	})
}

// inTenant is enter for pgx: COPY, batches, the hot paths.
func (d *DB) inTenant(ctx context.Context, m txMode, fn func(tx pgx.Tx, a pool.Actor) error) error {
	return d.enter(ctx, m, func(s session, a pool.Actor) error {
		return s.pgx(func(tx pgx.Tx) error { return fn(tx, a) })
	})
}

// systemTx runs fn in a transaction as the connecting role, outside every
// tenant: the one exception to enter, for system tasks across tenants. Only
// the replenisher's claim of a job (which reads an upstream's credentials,
// hidden from the request role), sign-in and password checks (a person signs
// in by e-mail before any tenant is known, and password hashes are hidden from
// the request role: db/user.go), sessions (a cookie names its tenant only once
// looked up: db/session.go), the user commands and tests' invariant checks use it.
func (d *DB) systemTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return classify(d.begin(ctx, writeTx, func(s session) error { return s.pgx(fn) }))
}

// begin runs fn in a transaction on a connection of m's pool, and commits it
// unless fn fails.
func (d *DB) begin(ctx context.Context, m txMode, fn func(s session) error) error {
	conn, err := d.conns(ctx, m).Conn(ctx)
	if err != nil {
		return fmt.Errorf("db: connection: %w", err)
	}
	defer conn.Close()
	opts := pgx.TxOptions{}
	if m.readOnly {
		opts.AccessMode = pgx.ReadOnly
	}
	s := session{conn: conn}
	if err := conn.Raw(func(driverConn any) (err error) {
		s.tx, err = driverConn.(*stdlib.Conn).Conn().BeginTx(ctx, opts)
		return err
	}); err != nil {
		return lost(ctx, conn, err)
	}
	// A no-op once committed. Should it fail, the connection is dropped, not
	// pooled: database/sql's reset refuses one left in a transaction.
	defer s.pgx(func(tx pgx.Tx) error { return tx.Rollback(context.WithoutCancel(ctx)) })
	if err := fn(s); err != nil {
		return lost(ctx, conn, err)
	}
	return lost(ctx, conn, s.pgx(func(tx pgx.Tx) error { return tx.Commit(ctx) }))
}

// lost presents err as UNAVAILABLE when the connection it came on is gone
// while ctx is not: the server died mid-statement (a primary killed in a
// failover), which pgx reports as an EOF or a reset, not as a PostgreSQL
// error. A commit lost so may have been done; idempotency keys make the
// caller's retry safe.
func lost(ctx context.Context, conn *sql.Conn, err error) error {
	if err == nil || ctx.Err() != nil || pool.ErrorCode(err) != pool.EINTERNAL {
		return err
	}
	closed := false
	conn.Raw(func(driverConn any) error {
		closed = driverConn.(*stdlib.Conn).Conn().IsClosed()
		return nil
	})
	if closed {
		return fmt.Errorf("%w: %w", errUnavailable, err)
	}
	return err
}

// conns is the pool a transaction of mode m takes its connection from: the
// hot standby's (ReadFrom) for a read whose caller accepts a lagging answer
// (pool.AllowStale), else the primary's; the bulk pool for work paced by the caller.
func (d *DB) conns(ctx context.Context, m txMode) *sql.DB {
	replica := m.readOnly && d.replica != nil && pool.StaleAllowed(ctx)
	switch {
	case replica && m.bulk:
		return d.replicaBulk
	case replica:
		return d.replica
	case m.bulk:
		return d.bulk
	}
	return d.sql
}

// tenantRead is enter's fast path for one read-only query, in a single network
// round trip: enterTenant and the query go out as one pgx batch, which
// PostgreSQL runs as one implicit transaction (a pipeline ends its transaction
// only at its Sync), so the role and tenant set by set_config(..., true) hold
// for the query and are gone after it, as in enter. The hot read paths
// (products, counts, owners, pages of serials) use it.
func tenantRead[T any](ctx context.Context, d *DB, query string, args pgx.NamedArgs) ([]T, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	args["tenant"] = a.TenantID
	conn, err := d.conns(ctx, readTx).Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: connection: %w", classify(err))
	}
	defer conn.Close()
	var out []T
	err = conn.Raw(func(driverConn any) error {
		b := &pgx.Batch{}
		b.Queue(enterTenant, tenantSetting(a))
		sql, positional := positional(query, args)
		b.Queue(sql, positional...)
		br := driverConn.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("enter tenant: %w", err)
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		if out, err = collectByName[T](rows, pageSize(args)); err != nil {
			return err
		}
		return br.Close()
	})
	return out, classify(lost(ctx, conn, err))
}

// pageSize is how many rows a query of args is expected to answer: its
// @limit, the page size (plus one, to tell whether there is a next) of the
// queries that page, up to the largest page; else one.
func pageSize(args pgx.NamedArgs) int {
	if n, ok := args["limit"].(int); ok && n > 0 {
		return min(n, pool.MaxPageSize+1)
	}
	return 1
}

// positional is query with its @names numbered ($1, $2, ...) and args in
// their order, as pgx rewrites a query with pgx.NamedArgs; but the query is
// read once, where pgx reads it on every execution (2% of the server's CPU on
// the products page).
func positional(query string, args pgx.NamedArgs) (string, []any) {
	n, ok := namedQueries.Load(query)
	if !ok {
		names := make(pgx.NamedArgs, len(args))
		for k := range args {
			names[k] = k
		}
		sql, order, err := names.RewriteQuery(context.Background(), nil, query, nil)
		if err != nil {
			return query, []any{args} // pgx reports it
		}
		q := namedQuery{sql: sql, names: make([]string, len(order))}
		for i, name := range order {
			if q.names[i], ok = name.(string); !ok {
				return query, []any{args} // a name args lacks: pgx sends it as null
			}
		}
		n, _ = namedQueries.LoadOrStore(query, q)
	}
	q := n.(namedQuery)
	values := make([]any, len(q.names))
	for i, name := range q.names {
		var ok bool
		if values[i], ok = args[name]; !ok {
			return query, []any{args}
		}
	}
	return q.sql, values
}

// namedQueries holds, by query, its numbered form (positional): one entry
// per statement of the read path, which the code builds from constants.
var namedQueries sync.Map

type namedQuery struct {
	sql   string
	names []string // the argument of each number
}

// collectByName scans each row into a T, column to field by name as
// pgx.RowToStructByNameLax matches them (whatever the case and underscores;
// the fields of embedded structs count as T's), but finds each column's field
// once per result where pgx does it for every row: that was a tenth of the
// server's CPU on the products page and on poolStats' 2,000 groups.
// size is how many rows are expected: growing the list row by row was a
// fortieth of the server's CPU on the products page.
func collectByName[T any](rows pgx.Rows, size int) ([]T, error) {
	defer rows.Close()
	out := make([]T, 0, size) // as pgx.CollectRows: no rows is an empty list, not nil
	var v, zero T
	var targets []any
	for rows.Next() {
		if targets == nil {
			var err error
			if targets, err = scanTargets(reflect.ValueOf(&v).Elem(), rows.FieldDescriptions()); err != nil {
				return nil, err
			}
		}
		v = zero // nothing of the row before is scanned into
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// scanTargets is, for each column, the address of the field of v it names.
// Which field a column names is found by reflection once per struct type and
// column list (fieldPaths): finding it for every result was a third of
// collectByName's time on the products page.
func scanTargets(v reflect.Value, cols []pgconn.FieldDescription) ([]any, error) {
	var key strings.Builder
	for _, c := range cols {
		key.WriteString(c.Name)
		key.WriteByte(0)
	}
	k := fieldKey{v.Type(), key.String()}
	paths, ok := fieldPaths.Load(k)
	if !ok {
		var err error
		if paths, err = columnFields(v, cols); err != nil {
			return nil, err
		}
		fieldPaths.Store(k, paths)
	}
	targets := make([]any, len(cols))
	for i, path := range paths.([][]int) {
		targets[i] = v.FieldByIndex(path).Addr().Interface()
	}
	return targets, nil
}

// fieldPaths holds, by fieldKey, each column's field as an index path
// (reflect.Value.FieldByIndex): a handful of entries, one per query shape.
var fieldPaths sync.Map

type fieldKey struct {
	t    reflect.Type
	cols string // the column names, each ended by a NUL
}

// columnFields finds the field of v each column names, as
// pgx.RowToStructByNameLax does: whatever the case and underscores, the
// fields of embedded structs counting as v's.
func columnFields(v reflect.Value, cols []pgconn.FieldDescription) ([][]int, error) {
	paths := make([][]int, len(cols))
	for i, c := range cols {
		name := strings.ReplaceAll(c.Name, "_", "")
		f, ok := v.Type().FieldByNameFunc(func(field string) bool { return strings.EqualFold(strings.ReplaceAll(field, "_", ""), name) })
		if !ok || !v.FieldByIndex(f.Index).CanSet() {
			return nil, fmt.Errorf("db: column %q has no field in %s", c.Name, v.Type())
		}
		paths[i] = f.Index
	}
	return paths, nil
}

// tenantSetting is enterTenant's argument for a.
func tenantSetting(a pool.Actor) string { return strconv.FormatInt(a.TenantID, 10) }
