package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
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

// TestSocketsKeepTheKeysLimits shows that a WebSocket gets no more than its
// key would over HTTP: each operation on it takes a token of the key's rate
// limit, and a key holds a bounded number of sockets and subscriptions.
func TestSocketsKeepTheKeysLimits(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	limited := d.with(t, func(c *config) { c.RateLimit, c.RateBurst = 1, 5 })
	c, err := dialLive(t, limited, d.keys.MAHViewer, nil) // connection_init takes the first token
	if err != nil {
		t.Fatal(err)
	}
	answered, refused := 0, 0
	for i := range 8 {
		id := strconv.Itoa(i)
		if err := c.Subscribe(context.Background(), id, `{ viewer { role } }`, nil); err != nil {
			t.Fatal(err)
		}
		switch m := c.next(id); {
		case strings.Contains(string(m.Payload), "RATE_LIMITED"):
			refused++
		case m.Type == "next" && strings.Contains(string(m.Payload), "VIEWER"):
			answered++
			c.next(id) // complete
		default:
			t.Fatalf("query %d: %s %s", i, m.Type, m.Payload)
		}
	}
	if answered != 4 || refused != 4 {
		t.Errorf("over one socket %d queries answered, %d refused; want the burst of 5 (one spent on connection_init), then refusals", answered, refused)
	}

	// Sockets per key: the third is refused (4429); closing one frees its place.
	capped := d.with(t, func(c *config) { c.MaxSockets, c.MaxSubscriptions = 2, 3 })
	first, err := dialLive(t, capped, d.keys.MAHViewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	second, err := dialLive(t, capped, d.keys.MAHViewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dialLive(t, capped, d.keys.MAHViewer, nil); websocket.CloseStatus(err) != 4429 {
		t.Errorf("a third socket of a key capped at 2: %v; want close 4429", err)
	}
	if _, err := dialLive(t, capped, d.keys.MAHAdmin, nil); err != nil {
		t.Errorf("another key's socket: %v", err)
	}
	// Subscriptions per key, over both of its sockets: the fourth is refused.
	first.subscribe("a", amoxicillin)
	first.subscribe("b", amoxicillin)
	second.subscribe("c", amoxicillin)
	for _, s := range []struct {
		c  *live
		id string
	}{{first, "a"}, {first, "b"}, {second, "c"}} {
		if m := s.c.next(s.id); m.Type != "next" {
			t.Fatalf("subscription %s: %s %s", s.id, m.Type, m.Payload)
		}
	}
	second.subscribe("d", amoxicillin)
	if m := second.next("d"); !strings.Contains(string(m.Payload), "RATE_LIMITED") || !strings.Contains(string(m.Payload), "per API key") {
		t.Errorf("a fourth subscription of a key capped at 3: %s %s", m.Type, m.Payload)
	}
	first.Close()
	var third *live
	deadline := time.Now().Add(5 * time.Second)
	for third == nil && time.Now().Before(deadline) { // the server notices the close at once, but asynchronously
		third, _ = dialLive(t, capped, d.keys.MAHViewer, nil)
	}
	if third == nil {
		t.Fatal("closing a socket did not free its place")
	}
	third.subscribe("e", amoxicillin)
	if m := third.next("e"); m.Type != "next" {
		t.Errorf("a subscription after the others closed: %s %s", m.Type, m.Payload)
	}
}

// TestSocketsWithoutInitAreClosed upgrades sockets that never send
// connection_init: the server closes them within a few seconds.
func TestSocketsWithoutInitAreClosed(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	start := time.Now()
	var conns []*websocket.Conn
	for range 5 {
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(d.url, "http")+"/graphql",
			&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		conns = append(conns, c)
	}
	for i, c := range conns {
		_, _, err := c.Read(ctx)
		if websocket.CloseStatus(err) == -1 {
			t.Errorf("socket %d without connection_init: %v after %v; want it closed by the server", i, err, time.Since(start).Round(time.Millisecond))
		}
	}
	if took := time.Since(start); took > 7*time.Second {
		t.Errorf("closed after %v", took)
	}
}

// TestRevokedKeyClosesItsSocket revokes the key of an open subscription in
// SQL: the socket closes with 4403 within the auth cache's lifetime.
func TestRevokedKeyClosesItsSocket(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	fast := d.with(t, func(c *config) { c.AuthCache = time.Second })
	var tenant int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&tenant)
	key, err := d.db.CreateKey(context.Background(), tenant, "viewer")
	if err != nil {
		t.Fatal(err)
	}
	c, err := dialLive(t, fast, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.subscribe("1", amoxicillin)
	if m := c.next("1"); m.Type != "next" {
		t.Fatalf("first update: %s %s", m.Type, m.Payload)
	}
	// Another socket of another key stays open.
	other, err := dialLive(t, fast, d.keys.MAHViewer, nil)
	if err != nil {
		t.Fatal(err)
	}
	other.subscribe("1", amoxicillin)
	other.next("1")
	if _, err := d.conn(t).Exec(context.Background(), `UPDATE api_keys SET revoked_at = now() WHERE hash = sha256(convert_to($1, 'UTF8'))`, key); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for {
		if _, err := c.Next(ctx, "1"); err != nil {
			if websocket.CloseStatus(err) != 4403 {
				t.Errorf("after revoking the key: %v; want close 4403 within the auth cache's second", err)
			}
			break
		}
	}
	t.Logf("closed %v after the key was revoked", time.Since(revoked).Round(time.Millisecond))
	if r := fast.gql(t, key, `{ viewer { role } }`, nil); r.code() != "UNAUTHENTICATED" {
		t.Errorf("the revoked key over HTTP: %+v", r)
	}
	if err := other.Send(context.Background(), liveclient.Message{Type: "ping"}); err != nil {
		t.Errorf("another key's socket: %v", err)
	}
	if m := other.next(""); m.Type != "pong" {
		t.Errorf("another key's socket answered %s", m.Type)
	}
}
