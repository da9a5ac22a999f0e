package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// The read pages (products, nested, poolStats) each load serialpool and a
// baseline server over HTTP from the same keep-alive connections, one at a
// time, after both answered the same page. This file holds what they share.

// readTiming is how long each server of a read page is loaded (split into
// rounds) and warmed up, by -size and the -products-* flags.
func readTiming(size string) (duration, warmup time.Duration, rounds int) {
	duration, warmup, rounds = 20*time.Second, 3*time.Second, 8
	if size == "small" {
		duration, warmup, rounds = 5*time.Second, time.Second, 2
	}
	if *productsDuration > 0 {
		duration = *productsDuration
	}
	if *productsRounds > 0 {
		rounds = *productsRounds
	}
	return duration, warmup, rounds
}

// side is one server of a comparison: the load that drives it and the process
// whose CPU time is its work.
type side struct {
	name string // in notes: "serialpool", "PostGraphile 5"
	proc string // what pid is, in notes: "server", "node"
	pid  int
	load load
}

// sideRun is what alternate measured of one side: its merged load and CPU.
type sideRun struct {
	loadReport
	cpu cpuUse
}

func (r sideRun) note(s side) string {
	return fmt.Sprintf("%s %v, %s", s.name, r.loadReport, r.cpu.per(r.Requests, s.proc))
}

// alternate warms both sides up (connections, plan and statement caches,
// node's JIT), then times each alone, in rounds that alternate which goes
// first (a, b, b, a, ...), so that load from elsewhere on a shared machine
// falls on both alike. It measures the CPU time of each side's process, of
// PostgreSQL and of this process (the load client) while each is loaded.
func alternate(ctx context.Context, e *env, work string, a, b side, warmup, duration time.Duration, rounds int) (ra, rb sideRun, err error) {
	postmaster, err := postmasterPID(ctx, e.dbURL)
	if err != nil {
		return ra, rb, err
	}
	a.load.Duration, b.load.Duration = warmup, warmup
	a.load.run(ctx)
	b.load.run(ctx)
	a.load.Duration, b.load.Duration = duration/time.Duration(rounds), duration/time.Duration(rounds)
	self := os.Getpid()
	var aRuns, bRuns []loadReport
	measure := func(s side, runs *[]loadReport, use *cpuUse) {
		app0, db0, client0 := procCPU(s.pid, false), postgresCPU(postmaster), procCPU(self, false)
		*runs = append(*runs, s.load.run(ctx))
		use.app += procCPU(s.pid, false) - app0
		use.db += postgresCPU(postmaster) - db0
		use.client += procCPU(self, false) - client0
	}
	for i := range rounds {
		if i%2 == 0 {
			measure(a, &aRuns, &ra.cpu)
			measure(b, &bRuns, &rb.cpu)
		} else {
			measure(b, &bRuns, &rb.cpu)
			measure(a, &aRuns, &ra.cpu)
		}
		log.Printf("%s: round %d: %s %.0f req/s, %s %.0f req/s", work, i+1, a.name, aRuns[i].rate(), b.name, bRuns[i].rate())
	}
	ra.loadReport, rb.loadReport = mergeLoad(aRuns...), mergeLoad(bRuns...)
	log.Printf("%s: %s", work, ra.note(a))
	log.Printf("%s: %s", work, rb.note(b))
	for _, r := range []struct {
		s      side
		errors int
	}{{a, ra.Errors}, {b, rb.Errors}} {
		if r.errors > 0 && r.s.pid == e.server.Pid() {
			logServerErrors(e, work)
		}
	}
	if ra.Requests == 0 || rb.Requests == 0 {
		return ra, rb, fmt.Errorf("%s: no successful requests: %s %v; %s %v", work, a.name, ra.loadReport, b.name, rb.loadReport)
	}
	return ra, rb, nil
}

// logServerErrors prints the server's last error lines, for a load that saw
// failed requests: their causes are in the server's log, not in the answers.
func logServerErrors(e *env, work string) {
	for _, line := range e.server.Errors() {
		log.Printf("%s: the server logged: %s", work, line)
	}
}

// throughputRow is a read page's requests/s against a baseline's; met when
// ours is at least factor times the baseline's without errors.
func throughputRow(work string, ours, base sideRun, factor float64, target, note string) result {
	return result{Work: work, Ours: ours.rate(), Baseline: base.rate(), Unit: "req/s", Ratio: ours.rate() / base.rate(),
		Target: target, Met: ours.rate() >= factor*base.rate() && ours.Errors == 0, Note: note}
}

// tenant is a tenant of its own for one bench: an admin key and its actor.
type tenant struct {
	id    int64
	key   string
	actor context.Context
}

func newTenant(ctx context.Context, e *env, name string) (tenant, error) {
	t := tenant{}
	var err error
	if t.id, err = e.db.CreateTenant(ctx, name); err != nil {
		return t, err
	}
	if t.key, err = e.db.CreateKey(ctx, t.id, pool.RoleAdmin); err != nil {
		return t, err
	}
	a, err := e.db.Authenticate(ctx, t.key)
	if err != nil {
		return t, err
	}
	t.actor = pool.WithActor(ctx, a)
	return t, nil
}
