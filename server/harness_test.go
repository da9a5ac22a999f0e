package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

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
