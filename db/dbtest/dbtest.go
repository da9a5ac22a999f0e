// Package dbtest gives every test its own migrated PostgreSQL database. A test
// binary uses the server at DATABASE_URL, or starts a private throw-away cluster
// from the machine's PostgreSQL binaries when it is unset; each test then gets a
// fresh copy of a migrated template database, so tests run in parallel.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/localpg"
)

var (
	mu       sync.Mutex
	started  bool
	cluster  *localpg.Cluster
	standby  *localpg.Cluster // a hot standby of cluster, once Standby started it
	adminURL string
	template string
)

// Main runs the package's tests and stops the private cluster afterwards. Call
// it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if standby != nil {
		if err := standby.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.RemoveAll(standby.Dir)
	}
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		os.RemoveAll(cluster.Dir)
	}
	os.Exit(code)
}

// URL creates a fresh migrated database for t, dropped when t ends, and
// returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	mu.Lock()
	defer mu.Unlock()
	if !started {
		if err := start(ctx); err != nil {
			t.Fatal(err)
		}
		started = true
	}
	if adminURL == "" {
		t.Fatal("dbtest: the test database failed to start earlier")
	}
	name := "test_" + randomHex()
	if err := exec(ctx, adminURL, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, template)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := exec(ctx, adminURL, fmt.Sprintf(`DROP DATABASE %s WITH (FORCE)`, name)); err != nil {
			t.Error(err)
		}
	})
	return withDatabase(adminURL, name)
}

// New opens a fresh migrated database for t, closed and dropped when t ends.
func New(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// Standby returns a hot standby of the private cluster, started on first use
// and stopped by Main, for tests of a read replica: the databases URL makes
// are on it too. The cluster names it synchronous, so a session that sets
// synchronous_commit=remote_apply commits only once the standby shows the
// commit; the others (synchronous_commit off) never wait for it. It skips t
// when the tests use DATABASE_URL: no standby of that server can be started here.
func Standby(t testing.TB) *localpg.Cluster {
	t.Helper()
	mu.Lock()
	defer mu.Unlock()
	if cluster == nil {
		t.Skip("dbtest: DATABASE_URL is set; a standby of it cannot be started")
	}
	if standby != nil {
		return standby
	}
	dir, err := os.MkdirTemp("", "serialpool-test-standby-")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := exec(ctx, adminURL, "ALTER SYSTEM SET synchronous_standby_names = '*'"); err != nil {
		t.Fatal(err)
	}
	if err := exec(ctx, adminURL, "SELECT pg_reload_conf()"); err != nil {
		t.Fatal(err)
	}
	if standby, err = cluster.StartStandby(dir); err != nil {
		os.RemoveAll(dir)
		t.Fatal(err)
	}
	return standby
}

// Cluster returns the private cluster, or nil when tests use DATABASE_URL.
func Cluster() *localpg.Cluster { return cluster }

func start(ctx context.Context) error {
	adminURL = os.Getenv("DATABASE_URL")
	if adminURL == "" {
		dir, err := os.MkdirTemp("", "serialpool-test-pg-")
		if err != nil {
			return err
		}
		if cluster, err = localpg.Start(dir, localpg.Options{Ephemeral: true}); err != nil {
			adminURL = ""
			return err
		}
		adminURL = cluster.URL("postgres")
	}
	template = "template_" + randomHex()
	if err := exec(ctx, adminURL, "CREATE DATABASE "+template); err != nil {
		adminURL = ""
		return err
	}
	d, err := db.Open(ctx, withDatabase(adminURL, template))
	if err == nil {
		err = d.Migrate(ctx)
		d.Close()
	}
	if err != nil {
		adminURL = ""
		return fmt.Errorf("dbtest: migrate template: %w", err)
	}
	return nil
}

func exec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("dbtest: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("dbtest: %s: %w", sql, err)
	}
	return nil
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
