package db

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/pool"
)

// TestLostConnectionIsUnavailable: a server process killed mid-transaction
// (SIGKILL, as when a primary's machine dies; no FATAL message is sent, the
// socket just closes) is UNAVAILABLE to the caller, who retries, not an
// internal error.
func TestLostConnectionIsUnavailable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "serialpool-lost-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := localpg.Start(dir, localpg.Options{Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Stop()
		os.RemoveAll(c.Dir)
		os.RemoveAll(dir)
	})
	d, err := Open(ctx, c.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	caller := pool.WithActor(ctx, pool.Actor{TenantID: 1, KeyID: 1, Role: pool.RoleOperator})
	err = d.inTenant(caller, writeTx, func(tx pgx.Tx, _ pool.Actor) error {
		var pid int
		if err := tx.QueryRow(caller, "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			return err
		}
		go func() {
			time.Sleep(300 * time.Millisecond) // while the statement runs
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Errorf("SIGKILL the backend %d: %v", pid, err)
			}
		}()
		_, err := tx.Exec(caller, "SELECT pg_sleep(10)")
		return err
	})
	if pool.ErrorCode(err) != pool.EUNAVAILABLE {
		t.Errorf("a transaction whose server process was killed: %v (code %s); want UNAVAILABLE", err, pool.ErrorCode(err))
	}
}
