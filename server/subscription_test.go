package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/serialpool/serialpool/internal/liveclient"
)

const poolCountsSub = `subscription($c: String!) { poolCounts(productCode: $c) { productCode lowThreshold pool { available assigned total low } } }`

// live is a liveclient.Client that fails the test on errors, waiting 5 s at most.
type live struct {
	t *testing.T
	*liveclient.Client
}

func dialLive(t *testing.T, d *demo, key string, header http.Header) (*live, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := liveclient.Dial(ctx, d.url, key, header)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Conn.CloseNow() })
	return &live{t, c}, nil
}

func (l *live) subscribe(id, code string) {
	l.t.Helper()
	if err := l.Subscribe(context.Background(), id, poolCountsSub, map[string]any{"c": code}); err != nil {
		l.t.Fatal(err)
	}
}

func (l *live) next(id string) liveclient.Message {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := l.Next(ctx, id)
	if err != nil {
		l.t.Fatalf("waiting for subscription %s: %v", id, err)
	}
	return m
}

type poolUpdate struct {
	Data struct {
		PoolCounts struct {
			ProductCode string
			Pool        struct{ Available, Assigned, Total int }
		}
	}
}

// TestLiveCounts subscribes to a pool's counts over WebSocket: the counts at
// once, a change within a few seconds; another tenant's product answers like a
// missing one; bad keys, other origins and too many subscriptions are refused.
func TestLiveCounts(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	c, err := dialLive(t, d, d.keys.MAHViewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("1", amoxicillin)
	var first, changed poolUpdate
	if m := c.next("1"); m.Type != "next" || json.Unmarshal(m.Payload, &first) != nil {
		t.Fatalf("first message %s %s", m.Type, m.Payload)
	}
	var assigned int
	d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.status = 'ASSIGNED'`, amoxicillin).Scan(&assigned)
	if got := first.Data.PoolCounts; got.ProductCode != amoxicillin || got.Pool.Assigned != assigned || got.Pool.Total != got.Pool.Available+got.Pool.Assigned {
		t.Fatalf("first counts %+v; want %d assigned", got, assigned)
	}
	start := time.Now()
	d.gql(t, d.keys.MAHOperator, `mutation { requestSerials(input: {productCode: "`+amoxicillin+`", count: 7, orderRef: "LIVE"}) { id } }`, nil).ok(t, &struct{}{})
	if m := c.next("1"); m.Type != "next" || json.Unmarshal(m.Payload, &changed) != nil || changed.Data.PoolCounts.Pool.Assigned != assigned+7 {
		t.Fatalf("after requesting 7: %s %s", m.Type, m.Payload)
	}
	t.Logf("a change reached the subscriber %v after the request", time.Since(start).Round(time.Millisecond))
	if err := c.Send(context.Background(), liveclient.Message{ID: "1", Type: "complete"}); err != nil {
		t.Fatal(err)
	}

	// The CMO on an MAH-only product gets the answer it gets for a missing product.
	cmo, err := dialLive(t, d, d.keys.CMOAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	var mahOnly string
	d.sql(t, `SELECT code FROM products WHERE name LIKE 'Paracetamol%'`).Scan(&mahOnly)
	cmo.subscribe("a", mahOnly)
	cmo.subscribe("b", missing.product)
	a, b := cmo.next("a"), cmo.next("b")
	if !strings.Contains(string(a.Payload), "NOT_FOUND") || a.Type != b.Type ||
		strings.ReplaceAll(string(a.Payload), mahOnly, "X") != strings.ReplaceAll(string(b.Payload), missing.product, "X") {
		t.Errorf("the CMO subscribing to the MAH's product: %s %s; to a missing one: %s %s", a.Type, a.Payload, b.Type, b.Payload)
	}

	// At most 10 subscriptions per connection.
	for i := range 10 {
		cmo.subscribe(strings.Repeat("s", i+1), amoxicillin)
		if m := cmo.next(strings.Repeat("s", i+1)); m.Type != "next" {
			t.Fatalf("subscription %d: %s %s", i+1, m.Type, m.Payload)
		}
	}
	cmo.subscribe("eleventh", amoxicillin)
	if m := cmo.next("eleventh"); !strings.Contains(string(m.Payload), "RATE_LIMITED") {
		t.Errorf("an 11th subscription: %s %s", m.Type, m.Payload)
	}

	// A wrong key is closed with 4403; another origin cannot open a socket.
	if _, err := dialLive(t, d, "sp_wrong", nil); websocket.CloseStatus(err) != 4403 {
		t.Errorf("a wrong key: %v; want close 4403", err)
	}
	if _, err := dialLive(t, d, d.keys.MAHViewer, http.Header{"Origin": {"https://evil.example"}}); err == nil {
		t.Error("a page of another origin opened a WebSocket")
	}
	// Claiming an upgrade does not skip authentication for a query.
	req, _ := http.NewRequest(http.MethodGet, d.url+`/graphql?query={viewer{tenant{name}}}`, nil)
	req.Header.Set("Upgrade", "websocket")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode < 400 || strings.Contains(string(body), "Demo") {
		t.Errorf("a query with a forged Upgrade header: %d %s", res.StatusCode, body)
	}
}
