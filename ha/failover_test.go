package ha

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/internal/mixedload"
	"github.com/serialpool/serialpool/internal/serverproc"
)

// TestFailover runs two serialpool servers on a Patroni cluster of two
// PostgreSQL nodes (primary and synchronous standby) and three etcd members,
// under 64 clients that push, request, release and assign serials. Mid-load
// the primary's node dies (Patroni and postmaster, SIGKILL); Patroni promotes
// the standby, and the old primary, started again, rejoins as a standby.
// Afterwards every call answered 2xx is in the database as it said (no
// acknowledged write lost), no serial is held twice and every counter equals
// COUNT(*). It prints how long there was no writable primary, and how long
// until the API's first successful write.
func TestFailover(t *testing.T) {
	requireEngine(t)
	bin, err := serverproc.Binary()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := newCluster(t, 2)
	exec1(t, c.nodes[0].url("postgres"), "CREATE DATABASE serialpool")
	exec1(t, c.nodes[0].url("postgres"), "CREATE TABLE probe (at timestamptz DEFAULT now())")
	d, err := db.Open(ctx, c.url("serialpool"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	scene, err := mixedload.Setup(ctx, d, 48, 16, 20_000)
	if err != nil {
		t.Fatal(err)
	}
	var servers []*serverproc.Server
	var urls []string
	for range 2 {
		s, err := serverproc.Start(bin, c.url("serialpool"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Kill()
			if t.Failed() {
				t.Logf("--- serialpool %s: its last errors ---\n%s", s.URL, errorLines(s.Log(), 40))
			}
		})
		servers, urls = append(servers, s), append(urls, s.URL)
	}

	load := mixedload.New(scene, urls...)
	load.Retry = 90 * time.Second
	loadCtx, stopLoad := context.WithCancel(ctx)
	var running sync.WaitGroup
	running.Add(1)
	go func() { defer running.Done(); load.Run(loadCtx, 0, 19) }()
	defer func() { stopLoad(); running.Wait() }()
	time.Sleep(5 * time.Second) // normal service first

	old, standby := c.nodes[0], c.nodes[1]
	if !old.is("primary") || !standby.is("sync") {
		t.Fatalf("before the crash: want %s the primary and %s its synchronous standby", old.name, standby.name)
	}
	crashed := time.Now()
	c.crash(old)
	t.Logf("%s crashed (Patroni and postmaster SIGKILLed) at %s", old.name, crashed.Format(time.TimeOnly))

	// A database-level probe: the first commit on whichever node is primary.
	writable := make(chan time.Time, 1)
	go func() {
		for time.Since(crashed) < 2*time.Minute {
			if probe(ctx, c.url("postgres")) == nil {
				writable <- time.Now()
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		close(writable)
	}()
	c.waitFor(standby.name+" promoted", 60*time.Second, func() bool { return standby.is("primary") })
	promoted := time.Now()
	// Synchronous mode strict: the new primary commits nothing until a
	// standby has it, so the old node coming back (as a supervisor restarts
	// it) is what lets writes resume; it rejoins by pg_rewind.
	c.startNode(old)
	c.waitFor(old.name+" back as the synchronous standby", 90*time.Second, func() bool { return old.is("sync") })
	rejoined := time.Now()
	firstCommit, ok := <-writable
	if !ok {
		t.Fatal("no commit on the cluster within 2 minutes of the crash")
	}
	// More load on the new primary, then a stop: every round runs to its end.
	time.Sleep(5 * time.Second)
	stopLoad()
	running.Wait()
	firstWrite, ok := load.FirstWriteAfter(crashed)
	if !ok {
		t.Fatal("no API write succeeded after the crash")
	}

	if recovering, err := old.inRecovery(ctx); err != nil || !recovering {
		t.Errorf("%s after rejoining: in recovery %v, %v; want a standby", old.name, recovering, err)
	}
	if !standby.is("primary") {
		t.Errorf("%s is no longer the primary at the end", standby.name)
	}
	conn, err := pgx.Connect(ctx, standby.url("serialpool"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	figures, problems, err := load.Verify(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	for _, f := range load.Failures() {
		t.Errorf("a call broke the contract: %s", f)
	}
	if figures.HandedOut == 0 || figures.Serials <= scene.Initial {
		t.Errorf("the load did too little to show anything: %+v", figures)
	}
	for _, s := range servers {
		if exited, err := s.Exited(); exited {
			t.Errorf("server %s exited (%v)", s.URL, err)
		}
	}
	t.Log(load.Report())
	fmt.Printf("failover: %s promoted %v after the crash; no writable primary for %v (first commit; %s back as the synchronous standby after %v); "+
		"first API write answered %v after the crash; %d serials checked, %d handed out over the run, %d of unanswered releases, %d violations\n",
		standby.name, promoted.Sub(crashed).Round(time.Millisecond), firstCommit.Sub(crashed).Round(time.Millisecond), old.name,
		rejoined.Sub(crashed).Round(time.Millisecond), firstWrite.Sub(crashed).Round(time.Millisecond),
		figures.Serials, figures.HandedOut, figures.Uncertain, figures.Violations)
	// The goal is under 30 s (20-26 s measured alone, docs/SCALING.md); under
	// make test the other packages' tests share the cores, so only twice that fails.
	if gap := firstWrite.Sub(crashed); gap > 60*time.Second {
		t.Errorf("the first API write after the crash took %v; the goal is under 30 s", gap)
	} else if gap > 30*time.Second {
		t.Logf("the first API write after the crash took %v: over the 30 s goal (a busy machine?)", gap)
	}
}

// requireEngine skips the test, loudly, when Patroni or etcd is missing, and
// fails it instead in CI, where make test installs them.
func requireEngine(t *testing.T) {
	for _, bin := range []string{"patroni", "etcd"} {
		if _, err := exec.LookPath(bin); err != nil {
			msg := fmt.Sprintf("THE FAILOVER TEST DID NOT RUN: %s is not installed (make test installs Debian's patroni and etcd-server)", bin)
			if os.Getenv("CI") != "" {
				t.Fatal(msg)
			}
			fmt.Fprintln(os.Stderr, "!!! "+msg)
			t.Skip(msg)
		}
	}
}

// probe commits one row, within a second.
func probe(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, "INSERT INTO probe DEFAULT VALUES")
	return err
}

func exec1(t *testing.T, url, statement string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), statement); err != nil {
		t.Fatalf("%s: %v", statement, err)
	}
}

// errorLines are the last n lines of a server's log that are not the access log.
func errorLines(log string, n int) string {
	var lines []string
	for _, l := range strings.Split(log, "\n") {
		if l != "" && !strings.Contains(l, `"msg":"http"`) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
