package db_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// TestFailoverFindsTheNewPrimary runs a DB on a two-host URL with
// target_session_attrs=read-write over two private clusters, and moves the
// primary between them as a failover does, by turning default_transaction_read_only
// on one and off the other (what a demoted primary and a promoted standby look
// like to a client). Writes go to the writable one; while neither takes writes
// every write answers UNAVAILABLE; once the other becomes the primary, writes
// land there within seconds and no pooled connection to the demoted one is
// used again, without reopening the DB.
func TestFailoverFindsTheNewPrimary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := haCluster(t), haCluster(t)
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/ha?sslmode=disable&target_session_attrs=read-write", a.Port, b.Port)
	setReadOnly(t, a, true)
	d, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	admin := pool.WithActor(ctx, pool.Actor{TenantID: 1, KeyID: 1, Role: pool.RoleAdmin})
	var last atomic.Int64
	create := func() error {
		n := last.Add(1)
		check, err := gs1.CheckDigit(fmt.Sprintf("0409999%06d", n))
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.CreateProduct(admin, pool.NewProduct{Code: fmt.Sprintf("0409999%06d%c", n, check), CodeSchema: pool.GTIN,
			Name: "failover", Source: pool.SourceSNM})
		return err
	}
	// Enough concurrent writes that the pool holds several connections to b.
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- create() }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatalf("a write with b the primary: %v", err)
		}
	}
	if got := products(t, b); got != 8 {
		t.Fatalf("b holds %d products; want the 8 written", got)
	}

	// No primary: every write is refused as UNAVAILABLE, none half done. The
	// first goes out on a connection used a moment ago, which the pool hands
	// out without a ping: PostgreSQL refuses the write itself (25006).
	if err := create(); err != nil {
		t.Fatal(err)
	}
	setReadOnly(t, b, true)
	time.Sleep(200 * time.Millisecond) // the backends take the reload
	if err := create(); pool.ErrorCode(err) != pool.EUNAVAILABLE {
		t.Fatalf("a write on a connection to the demoted primary: %v (code %s); want UNAVAILABLE", err, pool.ErrorCode(err))
	}
	time.Sleep(1100 * time.Millisecond) // past the pool's ping interval: connections are checked before use
	for i := range 4 {
		if err := create(); pool.ErrorCode(err) != pool.EUNAVAILABLE {
			t.Fatalf("write %d without a primary: %v (code %s); want UNAVAILABLE", i, err, pool.ErrorCode(err))
		}
	}

	// a is promoted: writes find it, without reopening the DB.
	setReadOnly(t, a, false)
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := create()
		if err == nil {
			break
		}
		if code := pool.ErrorCode(err); code != pool.EUNAVAILABLE {
			t.Fatalf("a write during the failover: %v (code %s); want success or UNAVAILABLE", err, code)
		}
		if time.Now().After(deadline) {
			t.Fatalf("writes still fail 5s after a became the primary: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Every pooled connection to b is dropped: 16 writes at once all land on a.
	for range 16 {
		go func() { errs <- create() }()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Errorf("a write with a the primary: %v (code %s)", err, pool.ErrorCode(err))
		}
	}
	if got := products(t, a); got != 17 {
		t.Errorf("a holds %d products; want the 17 written after the failover", got)
	}
	if got := products(t, b); got != 9 {
		t.Errorf("b holds %d products; want still the 9 written before", got)
	}
}

// haCluster starts a private cluster with a migrated database "ha" holding tenant 1.
func haCluster(t *testing.T) *localpg.Cluster {
	t.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "serialpool-ha-pg-")
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
	sql(t, c, "postgres", "CREATE DATABASE ha")
	d, err := db.Open(ctx, c.URL("ha"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if id, err := d.CreateTenant(ctx, "MAH"); err != nil || id != 1 {
		t.Fatalf("tenant %d, %v; want 1", id, err)
	}
	return c
}

// setReadOnly makes c refuse writes in every session, its open ones included
// (as a standby does), or take them again.
func setReadOnly(t *testing.T, c *localpg.Cluster, on bool) {
	t.Helper()
	sql(t, c, "postgres", fmt.Sprintf("ALTER SYSTEM SET default_transaction_read_only = %v", on))
	sql(t, c, "postgres", "SELECT pg_reload_conf()")
}

func products(t *testing.T, c *localpg.Cluster) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL("ha"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM products").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sql(t *testing.T, c *localpg.Cluster, database, statement string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), c.URL(database))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), statement); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}
