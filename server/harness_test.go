package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/dbtest"
)

// Helpers of the reliability and security tests (crash, restart, concurrency,
// fuzzing, attacks, bad input), on top of the demo in main_test.go.

// at is the same demo served by another server: the real binary, or one with
// another configuration.
func (d *demo) at(url string) *demo {
	c := *d
	c.url = url
	return &c
}

// with serves the demo's database with a configuration changed by edit.
func (d *demo) with(t testing.TB, edit func(*config)) *demo {
	t.Helper()
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	edit(&cfg)
	srv := httptest.NewServer(newHandler(cfg, d.db, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	return d.at(srv.URL)
}

// assertCountersExact checks every pool counter against COUNT(*) over serials.
func (d *demo) assertCountersExact(t *testing.T) {
	t.Helper()
	mismatches, err := dbtest.CounterMismatches(context.Background(), d.conn(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(mismatches) > 0 {
		t.Fatalf("counters differ from COUNT(*): %+v", mismatches)
	}
}

// onReplica serves the demo's database as a deployment with a read replica
// does (SERIALPOOL_READ_URL): the reads that may lag go to a hot standby of
// it. The primary's sessions commit only once the standby shows the commit
// (remote_apply), so a test reads there what it has just written. standby
// names the demo's database on the standby.
func (d *demo) onReplica(t *testing.T) (served *demo, standby string) {
	t.Helper()
	ctx := context.Background()
	u, err := url.Parse(d.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	standby = dbtest.Standby(t).URL(strings.TrimPrefix(u.Path, "/"))
	var lsn string
	if err := d.sql(t, "SELECT pg_current_wal_lsn()::text").Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	// The demo's data, written before: the standby has it before anything reads there.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if replayed(ctx, standby, lsn) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the standby has not replayed the demo's data within 30s")
		}
	}
	primary, err := db.Open(ctx, d.dbURL+"&synchronous_commit=remote_apply")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { primary.Close() })
	if err := primary.ReadFrom(ctx, standby); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(cfg, primary, slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	c := *d.at(srv.URL)
	c.db = primary
	return &c, standby
}

// replayed reports whether the standby at url has replayed the WAL up to lsn.
func replayed(ctx context.Context, url, lsn string) bool {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var done bool
	return conn.QueryRow(ctx, "SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn).Scan(&done) == nil && done
}
