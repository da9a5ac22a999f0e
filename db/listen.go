package db

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// countsChannel is where the pool_counts_notify trigger announces changed
// pools: the payload is the product id.
const countsChannel = "pool_counts"

// listenCheck is how long the listening connection may stay quiet before it
// is pinged: a connection to a server that died without a word (a lost host)
// or became a standby receives nothing, and is replaced.
const listenCheck = 10 * time.Second

// WatchCounts calls changed with the product id of each change of pool counts
// (or of a product's low threshold) committed on the primary, until ctx ends.
// It listens on one connection of its own, reconnecting (to whichever node is
// the primary) whenever that connection fails. Notifications sent while no
// connection listened are lost, so it calls resync after every connection,
// the first included: the caller re-reads everything it watches. report, if
// not nil, is told each failure.
func (d *DB) WatchCounts(ctx context.Context, changed func(productID int64), resync func(), report func(error)) {
	wait := 100 * time.Millisecond
	for {
		start := time.Now()
		err := d.listenCounts(ctx, changed, resync)
		if ctx.Err() != nil {
			return
		}
		if report != nil {
			report(err)
		}
		if time.Since(start) > time.Minute {
			wait = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// listenCounts listens on one connection until it fails or ctx ends.
func (d *DB) listenCounts(ctx context.Context, changed func(int64), resync func()) error {
	c, err := pgx.ConnectConfig(ctx, d.listen)
	if err != nil {
		return fmt.Errorf("db: listen: %w", classify(err))
	}
	defer c.Close(context.Background())
	if err := standby(c); err != nil {
		return err
	}
	if _, err := c.Exec(ctx, "LISTEN "+countsChannel); err != nil {
		return fmt.Errorf("db: listen: %w", classify(err))
	}
	resync()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenCheck)
		n, err := c.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if id, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				changed(id)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case pgconn.Timeout(err):
			if err := c.Ping(ctx); err != nil {
				return fmt.Errorf("db: listen: %w", classify(err))
			}
			if err := standby(c); err != nil {
				return err
			}
		default:
			return fmt.Errorf("db: listen: %w", classify(err))
		}
	}
}

// standby refuses a connection to a server that is no longer the primary:
// notifications are sent only where the writes commit.
func standby(c *pgx.Conn) error {
	if primaryOnly(context.Background(), c) != nil {
		return fmt.Errorf("db: listen: %s is not the primary", c.PgConn().Conn().RemoteAddr())
	}
	return nil
}
