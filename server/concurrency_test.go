package main

import (
	"context"
	"testing"
	"time"

	"github.com/serialpool/serialpool/db/dbtest"
	"github.com/serialpool/serialpool/internal/mixedload"
)

// TestConcurrentClients runs 64 clients at once on one pool over HTTP: 48 lines
// and ERP systems of the MAH requesting serials (REST and GraphQL), releasing
// them, assigning some to the CMO and pushing new ones, and 16 lines of the CMO
// requesting and releasing what it was assigned. Afterwards no serial is held
// twice, none is lost, and every counter equals COUNT(*).
func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	const mahClients, cmoClients, rounds = 48, 16, 10
	d := newDemoAt(t, dbtest.URL(t))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p, err := mixedload.Setup(ctx, d.db, mahClients, cmoClients, 50_000)
	if err != nil {
		t.Fatal(err)
	}
	load := mixedload.New(p, d.url)
	load.Run(ctx, rounds, 1)
	if ctx.Err() != nil {
		t.Fatalf("the clients did not finish within 3 minutes: %s", load.Report())
	}
	for _, f := range load.Failures() {
		t.Error(f)
	}
	figures, problems, err := load.Verify(ctx, d.conn(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d clients x %d rounds: %s", mahClients+cmoClients, rounds, load.Report())
	t.Logf("at the end: %+v", figures)
}
