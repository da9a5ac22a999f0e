package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/serialpool/serialpool/internal/serverproc"
)

// TestCrashDuringBulkImport kills the real server with SIGKILL during a
// 1,000,000-serial CSV import, twice: while the body streams in, and right
// after its last byte is sent. After each kill the batch is wholly absent or
// wholly present (COUNT(*) and counters); re-sending with the same idempotency
// key stores it exactly once, and re-sending again replays it.
func TestCrashDuringBulkImport(t *testing.T) {
	t.Parallel()
	const rows, key = 1_000_000, "crash-import"
	bin, err := serverproc.Binary()
	if err != nil {
		t.Fatal(err)
	}
	d := newDemo(t)
	channel := d.channel(t, "ATTP", "SAP_ATTP")
	start := func() (*serverproc.Server, *demo) {
		t.Helper()
		s, err := serverproc.Start(bin, d.dbURL)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Kill)
		return s, d.at(s.URL)
	}
	// stored is how many serials the product holds and whether the batch is recorded.
	stored := func() (n int64, recorded bool) {
		t.Helper()
		d.sql(t, `SELECT (SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1),
			EXISTS (SELECT FROM intake_batches WHERE idempotency_key = $2)`, attpProduct, key).Scan(&n, &recorded)
		d.assertCountersExact(t)
		if a, s := d.poolOf(t, attpProduct); int64(a+s) != n {
			t.Fatalf("the pool counts %v+%v serials; COUNT(*) is %d", a, s, n)
		}
		return n, recorded
	}
	before, _ := stored()

	// Kill 1: once the server reports rows read, the body is still streaming in.
	first, srv := start()
	body := newCSVBody(rows)
	done := uploadAsync(srv.url, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: channel, Idem: key, Type: "text/csv", Stream: body})
	deadline := time.Now().Add(30 * time.Second)
	for {
		status, v := srv.rest(t, req{Method: "GET", Path: "/api/v2/intake/" + key, Key: d.keys.MAHViewer})
		if status == http.StatusOK && v["state"] == "RUNNING" && v["rowsRead"].(float64) >= 100_000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress within 30s: %d %v", status, v)
		}
		time.Sleep(10 * time.Millisecond)
	}
	first.Kill()
	if err := <-done; err == nil {
		t.Fatal("the upload succeeded although the server was killed while reading it")
	}
	if n, recorded := stored(); n != before || recorded {
		t.Fatalf("after a kill mid-stream: %d serials (was %d), batch recorded %v; want it wholly absent", n, before, recorded)
	}

	// Kill 2: the whole body is sent; the server is storing it, or has just
	// stored it. Either outcome is fine, as long as it is whole.
	second, srv := start()
	body = newCSVBody(rows)
	done = uploadAsync(srv.url, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: channel, Idem: key, Type: "text/csv", Stream: body})
	select {
	case <-body.eof:
	case err := <-done:
		t.Fatalf("the upload ended before its body was sent: %v", err)
	}
	second.Kill()
	<-done
	n, recorded := stored()
	if !(n == before && !recorded) && !(n == before+rows && recorded) {
		t.Fatalf("after a kill past the last byte: %d serials (was %d), batch recorded %v; want all or nothing", n, before, recorded)
	}
	presentAfterKill := recorded

	// The retry stores the batch exactly once (or replays it, if kill 2 came after the commit).
	_, srv = start()
	status, v := srv.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: channel, Idem: key, Type: "text/csv", Stream: newCSVBody(rows)})
	want := http.StatusCreated
	if presentAfterKill {
		want = http.StatusOK
	}
	if status != want || v["accepted"] != float64(rows) || v["replayed"] != presentAfterKill {
		t.Fatalf("the retry: %d %v, want %d", status, v, want)
	}
	if n, recorded := stored(); n != before+rows || !recorded {
		t.Fatalf("after the retry: %d serials (was %d), batch recorded %v; want it stored once", n, before, recorded)
	}
	status, v = srv.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: channel, Idem: key, Type: "text/csv", Stream: newCSVBody(rows)})
	if status != http.StatusOK || v["replayed"] != true || v["accepted"] != float64(rows) {
		t.Fatalf("a second retry: %d %v, want a replay", status, v)
	}
	if n, _ := stored(); n != before+rows {
		t.Fatalf("after a replay: %d serials, want %d", n, before+rows)
	}
	for _, s := range []*serverproc.Server{first, second} {
		if exited, err := s.Exited(); !exited || err == nil || err.Error() != "signal: killed" {
			t.Errorf("server %d: exited %v (%v), want killed", s.Pid(), exited, err)
		}
	}
	t.Logf("%d serials per batch, 2 kills (the second after the last byte: batch %s), stored once, replayed once",
		rows, map[bool]string{true: "present", false: "absent"}[presentAfterKill])
}

// csvBody generates n serials (C0000000, C0000001, ...) as a CSV body, the same
// bytes every time, without holding them in memory; eof is closed once the last
// byte has been read.
type csvBody struct {
	n, i    int
	pending []byte
	eof     chan struct{}
	once    sync.Once
}

func newCSVBody(n int) *csvBody { return &csvBody{n: n, eof: make(chan struct{})} }

func (b *csvBody) Read(p []byte) (int, error) {
	for len(b.pending) < len(p) && b.i < b.n {
		b.pending = fmt.Appendf(b.pending, "C%07d\n", b.i)
		b.i++
	}
	if len(b.pending) == 0 {
		b.once.Do(func() { close(b.eof) })
		return 0, io.EOF
	}
	n := copy(p, b.pending)
	b.pending = b.pending[n:]
	return n, nil
}

// uploadAsync sends r (a push) to the server at url and reports how the
// call ended: nil for any HTTP answer, the transport's error otherwise.
func uploadAsync(url string, r req) <-chan error {
	done := make(chan error, 1)
	go func() {
		res, err := http.DefaultClient.Do(r.to(url))
		if err == nil {
			_, err = io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
		done <- err
	}()
	return done
}
