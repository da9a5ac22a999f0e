package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// loopbackAllowed is the upstream policy of tests whose fake upstream listens on 127.0.0.1.
func loopbackAllowed(t testing.TB) pool.UpstreamPolicy {
	p, err := pool.ParseUpstreamPolicy("127.0.0.1/32")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// setLimits sets a product's low threshold and replenishment target.
func (d *demo) setLimits(t *testing.T, code string, low, to int) {
	t.Helper()
	var v struct{ UpdateProductLimits struct{ ReplenishTo *int } }
	d.gql(t, d.keys.MAHAdmin, `mutation($c: String!, $l: Int, $t: Int) { updateProductLimits(input: {productCode: $c, lowThreshold: $l, replenishTo: $t}) { replenishTo } }`,
		map[string]any{"c": code, "l": low, "t": to}).ok(t, &v)
	if v.UpdateProductLimits.ReplenishTo == nil || *v.UpdateProductLimits.ReplenishTo != to {
		t.Fatalf("limits of %s = %+v", code, v)
	}
}

// drain requests every Available serial of a product.
func (d *demo) drain(t *testing.T, code string) {
	t.Helper()
	avail, _ := d.poolOf(t, code)
	var v struct{ RequestSerials struct{ Count int } }
	d.gql(t, d.keys.MAHOperator, `mutation($c: String!, $n: Int!) { requestSerials(input: {productCode: $c, count: $n, orderRef: "drain"}) { count } }`,
		map[string]any{"c": code, "n": int(avail)}).ok(t, &v)
}

// TestReplenishment drains two pools below their thresholds and watches the
// replenisher refill them: the SNM pool by generating, the TraceLink pool from a
// fake upstream that fails twice before it answers (park and retry), and that
// is sent the channel's write-only Basic credentials.
func TestReplenishment(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.db.SetUpstreamPolicy(loopbackAllowed(t))
	var calls atomic.Int32
	var lastBody map[string]any
	var lastAuth atomic.Value
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		user, pass, _ := r.BasicAuth()
		lastAuth.Store(user + ":" + pass)
		if n <= 2 {
			http.Error(w, "SNX is down for maintenance", http.StatusServiceUnavailable)
			return
		}
		json.NewDecoder(r.Body).Decode(&lastBody)
		count := int(lastBody["count"].(float64))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "[")
		for i := 0; i < count; i++ {
			if i > 0 {
				io.WriteString(w, ",")
			}
			fmt.Fprintf(w, `{"value":"UP%07d","extra":{"91":"K%03d","92":"%044d"}}`, i, i%1000, i)
		}
		io.WriteString(w, "]")
	}))
	defer upstream.Close()

	// The TraceLink demo product: a channel with an upstream, limits, and a drained pool.
	var ch struct{ CreateChannel struct{ Key string } }
	d.gql(t, d.keys.MAHAdmin, `mutation($u: String) { createChannel(input: {name: "SNX", source: TRACELINK, upstreamUrl: $u,
		upstreamUsername: "snx-user", upstreamPassword: "p@ss:w0rd"}) { key } }`,
		map[string]any{"u": upstream.URL}).ok(t, &ch)
	const snm = "04012340051112" // Lisinopril: SNM, 240 available
	d.setLimits(t, tlProduct, 1000, 3000)
	d.setLimits(t, snm, 100, 2000)
	d.drain(t, tlProduct)
	d.drain(t, snm)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := &replenisher{db: d.db, svc: d.db, client: upstreamClient(loopbackAllowed(t)), interval: 20 * time.Millisecond, backoff: 10 * time.Millisecond,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), outcomes: func(string) {}}
	go rep.run(ctx)

	deadline := time.Now().Add(20 * time.Second)
	for {
		tl, _ := d.poolOf(t, tlProduct)
		sn, _ := d.poolOf(t, snm)
		if tl == 3000 && sn == 2000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not replenished: TraceLink available %v (upstream calls %d), SNM available %v", tl, calls.Load(), sn)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if calls.Load() != 3 || lastBody["productCode"] != tlProduct || lastBody["count"] != 3000.0 {
		t.Errorf("upstream saw %d calls, last %v", calls.Load(), lastBody)
	}
	if auth := lastAuth.Load(); auth != "snx-user:p@ss:w0rd" {
		t.Errorf("upstream saw Basic credentials %q", auth)
	}
	var attempts, open int
	var lastError *string
	d.sql(t, `SELECT attempts, last_error FROM replenishments r JOIN products p ON p.id = r.product_id WHERE p.code = $1`, tlProduct).Scan(&attempts, &lastError)
	d.sql(t, `SELECT count(*) FROM replenishments WHERE state = 'PENDING'`).Scan(&open)
	if attempts != 3 || lastError != nil || open != 0 {
		t.Errorf("TraceLink job: %d attempts, last error %v, %d jobs open", attempts, lastError, open)
	}
	var stored int
	d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.value LIKE 'UP%' AND s.extra ? '92'`, tlProduct).Scan(&stored)
	if stored != 3000 {
		t.Errorf("%d replenished serials carry their crypto data", stored)
	}
	// A full pool is left alone: no new job, no upstream call.
	time.Sleep(200 * time.Millisecond)
	if calls.Load() != 3 {
		t.Errorf("upstream called %d times for a full pool", calls.Load())
	}
	status, body := get(t, d.url+"/metrics")
	if status != 200 || !strings.Contains(body, "serialpool_pools_low") {
		t.Errorf("metrics lack the low-pool gauge")
	}
}
