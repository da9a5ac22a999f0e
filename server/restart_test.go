package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/internal/mixedload"
	"github.com/serialpool/serialpool/internal/serverproc"
)

// TestDatabaseRestart runs the real binary on a private PostgreSQL under a light
// load, stops the database for a few seconds and starts it again on the same
// port, then restarts it once more in one go. The server does not crash; while
// the database is gone /readyz answers 503 and API calls fail fast with a coded
// error saying so; within 5 s of the database's return it serves every call again.
func TestDatabaseRestart(t *testing.T) {
	t.Parallel()
	const recovery = 5 * time.Second
	bin, err := serverproc.Binary()
	if err != nil {
		t.Fatal(err)
	}
	cluster := privateCluster(t)
	ctx := context.Background()
	d := newDemoAt(t, cluster.URL("restart"))
	if err := d.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	scene, err := mixedload.Setup(ctx, d.db, 4, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	server, err := serverproc.Start(bin, d.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(server.Kill)

	l := &lightLoad{url: server.URL, code: scene.ProductCode, stop: make(chan struct{})}
	for i, key := range scene.MAHKeys {
		l.wg.Add(1)
		go l.run(key, i%2 == 1)
	}
	defer l.halt()
	ready := func() int {
		status, err := server.Get("/readyz")
		if err != nil {
			t.Fatalf("/readyz: %v", err) // a hang or a crash: Get has a 5 s deadline
		}
		return status
	}
	// waitServing polls until /readyz and every client's calls succeed again, and
	// returns how long that took after the database came back.
	waitServing := func(up time.Time) time.Duration {
		t.Helper()
		for {
			if ready() == http.StatusOK && l.okSince(time.Now().Add(-200*time.Millisecond)) {
				return time.Since(up)
			}
			if time.Since(up) > 30*time.Second {
				t.Fatalf("not serving 30s after the database came back: %s", server.Log())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	time.Sleep(time.Second) // a second of normal service before the outage
	if got := l.failures(time.Time{}); len(got) > 0 {
		t.Fatalf("failures before the outage: %+v", got)
	}

	// An outage of a few seconds.
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	for ready() != http.StatusServiceUnavailable {
		if time.Since(down) > recovery {
			t.Fatal("/readyz still answers 200 5s after the database stopped")
		}
		time.Sleep(20 * time.Millisecond)
	}
	notReady := time.Since(down)
	time.Sleep(3 * time.Second) // calls keep failing while the database is away
	if err := cluster.Start(); err != nil {
		t.Fatal(err)
	}
	up := time.Now()
	afterOutage := waitServing(up)
	outage := l.window(down, up)
	// What the callers are not told, the log keeps: each GraphQL UNAVAILABLE
	// with its cause, as REST's 5xx answers.
	logged := false
	for _, line := range strings.Split(server.Log(), "\n") {
		logged = logged || strings.Contains(line, "graphql: unavailable") && strings.Contains(line, "db: ")
	}
	if !logged {
		t.Errorf("no GraphQL UNAVAILABLE with its cause in the server's log: %s", server.Log())
	}

	// A restart in one go (stop and start).
	restart := time.Now()
	if err := cluster.Restart(); err != nil {
		t.Fatal(err)
	}
	afterRestart := waitServing(restart)
	time.Sleep(time.Second) // a second of normal service after it
	l.halt()

	if exited, err := server.Exited(); exited {
		t.Fatalf("the server exited (%v): %s", err, server.Log())
	}
	if afterOutage > recovery || afterRestart > recovery {
		t.Errorf("serving again %v after the outage and %v after the restart; want within %v", afterOutage, afterRestart, recovery)
	}
	if outage.calls == 0 || outage.failed == 0 {
		t.Errorf("the load saw no failing calls during the outage: %+v", outage)
	}
	if outage.slowest > 3*time.Second {
		t.Errorf("a call took %v while the database was down; want a fast failure, not a hang", outage.slowest)
	}
	for _, f := range l.failures(time.Time{}) {
		// REST answers 503 with Retry-After; GraphQL 200 with the error.
		rest := f.status == http.StatusServiceUnavailable && f.retryAfter != ""
		if !rest && !(f.graphQL && f.status == http.StatusOK) || f.code != "UNAVAILABLE" || !strings.Contains(f.body, "database is unavailable") {
			t.Errorf("a call failed with %d %s; want UNAVAILABLE saying the database is unavailable (503 with Retry-After over REST)", f.status, f.body)
		}
	}
	if late := l.failures(restart.Add(recovery)); len(late) > 0 {
		t.Errorf("%d calls failed more than 5s after the restart, first: %+v", len(late), late[0])
	}
	if err := server.Stop(); err != nil {
		t.Errorf("graceful shutdown: %v", err)
	}
	t.Logf("/readyz 503 after %v; during the %v outage %d of %d calls failed fast (slowest %v); "+
		"serving again %v after the database returned and %v after a restart",
		notReady.Round(time.Millisecond), up.Sub(down).Round(time.Millisecond), outage.failed, outage.calls,
		outage.slowest.Round(time.Millisecond), afterOutage.Round(time.Millisecond), afterRestart.Round(time.Millisecond))
}

// privateCluster starts a throw-away PostgreSQL of the test's own, which it may
// stop and restart without disturbing the other tests, with a database "restart".
func privateCluster(t *testing.T) *localpg.Cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "serialpool-restart-pg-")
	if err != nil {
		t.Fatal(err)
	}
	cluster, err := localpg.Start(dir, localpg.Options{Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cluster.Stop()
		os.RemoveAll(cluster.Dir)
		os.RemoveAll(dir)
	})
	conn, err := pgx.Connect(context.Background(), cluster.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "CREATE DATABASE restart"); err != nil {
		t.Fatal(err)
	}
	return cluster
}

// lightLoad is a few clients reading pool counts over REST or GraphQL, each a
// call at a time with a pause between calls, recording every answer.
type lightLoad struct {
	url, code string
	stop      chan struct{}
	halted    sync.Once
	wg        sync.WaitGroup
	mu        sync.Mutex
	calls     []call
}

type call struct {
	at         time.Time
	took       time.Duration
	graphQL    bool
	status     int
	retryAfter string
	code       string // the error's extensions.code
	body       string
	failure    bool
}

func (l *lightLoad) run(key string, graphQL bool) {
	defer l.wg.Done()
	client := &http.Client{Timeout: 10 * time.Second}
	for {
		select {
		case <-l.stop:
			return
		case <-time.After(50 * time.Millisecond):
		}
		c := call{at: time.Now(), graphQL: graphQL}
		req, _ := http.NewRequest(http.MethodGet, l.url+"/api/v2/products/"+l.code+"/pool", nil)
		if graphQL {
			q, _ := json.Marshal(map[string]string{"query": `{ product(code: "` + l.code + `") { pool { available } } }`})
			req, _ = http.NewRequest(http.MethodPost, l.url+"/graphql", bytes.NewReader(q))
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := client.Do(req)
		c.took = time.Since(c.at)
		if err != nil {
			c.body, c.failure = err.Error(), true
		} else {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			c.status, c.body, c.retryAfter = res.StatusCode, string(b), res.Header.Get("Retry-After")
			var e struct {
				Errors []struct{ Extensions struct{ Code string } }
			}
			json.Unmarshal(b, &e)
			if len(e.Errors) > 0 {
				c.code = e.Errors[0].Extensions.Code
			}
			c.failure = res.StatusCode != http.StatusOK || len(e.Errors) > 0
		}
		l.mu.Lock()
		l.calls = append(l.calls, c)
		l.mu.Unlock()
	}
}

func (l *lightLoad) halt() {
	l.halted.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// failures are the failed calls started after since.
func (l *lightLoad) failures(since time.Time) []call {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []call
	for _, c := range l.calls {
		if c.failure && !c.at.Before(since) {
			out = append(out, c)
		}
	}
	return out
}

// okSince reports whether calls have been started since t and all of them succeeded.
func (l *lightLoad) okSince(t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.calls {
		if !c.at.Before(t) {
			if c.failure {
				return false
			}
			n++
		}
	}
	return n > 0
}

type window struct {
	calls, failed int
	slowest       time.Duration
}

// window sums up the calls started between from and to.
func (l *lightLoad) window(from, to time.Time) window {
	l.mu.Lock()
	defer l.mu.Unlock()
	var w window
	for _, c := range l.calls {
		if c.at.Before(from) || c.at.After(to) {
			continue
		}
		w.calls++
		if c.failure {
			w.failed++
		}
		w.slowest = max(w.slowest, c.took)
	}
	return w
}
