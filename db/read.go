package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/serialpool/serialpool/pool"
)

// tenantRead runs one read-only query confined to the caller's tenant in a single
// network round trip: enterTenant and the query go out as one pgx batch, which
// PostgreSQL runs as one implicit transaction (a pipeline ends its transaction
// only at its Sync), so the role and tenant set by set_config(..., true) hold
// for the query and are gone after it. The hot read paths (products, counts,
// owners) use it; everything else uses tenantTx.
func tenantRead[T any](ctx context.Context, d *DB, query string, args pgx.NamedArgs) ([]T, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	args["tenant"] = a.TenantID
	conn, err := d.sql.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: connection: %w", classify(err))
	}
	defer conn.Close()
	var out []T
	err = conn.Raw(func(driverConn any) error {
		b := &pgx.Batch{}
		b.Queue(enterTenant, strconv.FormatInt(a.TenantID, 10))
		b.Queue(query, args)
		d.statements.Add(2)
		br := driverConn.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		defer br.Close()
		if _, err := br.Exec(); err != nil {
			return fmt.Errorf("enter tenant: %w", err)
		}
		rows, err := br.Query()
		if err != nil {
			return err
		}
		if out, err = pgx.CollectRows(rows, pgx.RowToStructByNameLax[T]); err != nil {
			return err
		}
		return br.Close()
	})
	return out, classify(err)
}
