package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

type livePool struct{ Available, Assigned, Total int }

// liveNext is the pool of subscription id's next update.
func liveNext(t *testing.T, c *live, id string) livePool {
	t.Helper()
	var u poolUpdate
	if m := c.next(id); m.Type != "next" || json.Unmarshal(m.Payload, &u) != nil {
		t.Fatalf("subscription %s: %s %s", id, m.Type, m.Payload)
	}
	return livePool(u.Data.PoolCounts.Pool)
}

// quiet waits until the demo's server sends no statement for a while: the
// listener has connected and its first re-read of the watched pools is done.
func quiet(t *testing.T, d *demo) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		before := d.db.Statements()
		time.Sleep(700 * time.Millisecond)
		if d.db.Statements() == before {
			return
		}
	}
	t.Fatal("the server keeps sending statements with nothing changing")
}

// poolOf reads a tenant's counts of product code as ground truth, outside the server.
func poolOf(t *testing.T, d *demo, tenant, code string) livePool {
	t.Helper()
	var p livePool
	if err := d.sql(t, `SELECT coalesce(sum(c.n) FILTER (WHERE c.status = 'AVAILABLE'), 0), coalesce(sum(c.n) FILTER (WHERE c.status = 'ASSIGNED'), 0)
		FROM pool_counters c JOIN products p ON p.id = c.product_id JOIN tenants t ON t.id = c.tenant_id
		WHERE p.code = $1 AND t.name = $2`, code, tenant).Scan(&p.Available, &p.Assigned); err != nil {
		t.Fatal(err)
	}
	p.Total = p.Available + p.Assigned
	return p
}

// TestLiveCountsFanOut: 20 MAH subscribers and a CMO subscriber of one pool on
// one server, changes made through another server. Each change reaches every
// subscriber within about a second at the cost of one read per tenant
// watching (not one per subscriber, nor polling); the CMO is pushed its
// partner counts, never the MAH's; after its listening connection is killed
// the server listens again and misses nothing; a new low threshold is pushed.
func TestLiveCountsFanOut(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	other := newDemoAt(t, d.dbURL) // another server with its own connections
	other.keys = d.keys
	const subscribers = 20
	var mah []*live
	for i := range subscribers / 10 {
		c, err := dialLive(t, d, d.keys.MAHViewer, nil)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 10 {
			c.subscribe(fmt.Sprint(i*10+j), amoxicillin)
		}
		mah = append(mah, c)
	}
	cmo, err := dialLive(t, d, d.keys.CMOAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	cmo.subscribe("cmo", amoxicillin)
	mahPool, cmoPool := poolOf(t, d, "Demo Pharma", amoxicillin), poolOf(t, d, "Demo Contract Manufacturing", amoxicillin)
	if mahPool == cmoPool {
		t.Fatalf("the demo's MAH and CMO counts of %s are the same (%+v): the test would not tell them apart", amoxicillin, mahPool)
	}
	for i := range subscribers {
		if got := liveNext(t, mah[i/10], fmt.Sprint(i)); got != mahPool {
			t.Fatalf("MAH subscriber %d first got %+v; want %+v", i, got, mahPool)
		}
	}
	if got := liveNext(t, cmo, "cmo"); got != cmoPool {
		t.Fatalf("the CMO first got %+v; want its partner counts %+v", got, cmoPool)
	}
	quiet(t, d)

	// change requests serials on the other server as key and checks what
	// every subscriber is pushed, and what that cost this server.
	change := func(name, key string) {
		t.Helper()
		before := d.db.Statements()
		start := time.Now()
		other.gql(t, key, `mutation { requestSerials(input: {productCode: "`+amoxicillin+`", count: 3, orderRef: "LIVE-FAN-OUT"}) { id } }`, nil).ok(t, &struct{}{})
		wantMAH, wantCMO := poolOf(t, d, "Demo Pharma", amoxicillin), poolOf(t, d, "Demo Contract Manufacturing", amoxicillin)
		if wantMAH != mahPool {
			for i := range subscribers {
				if got := liveNext(t, mah[i/10], fmt.Sprint(i)); got != wantMAH {
					t.Fatalf("%s: MAH subscriber %d got %+v; want %+v", name, i, got, wantMAH)
				}
			}
		}
		if wantCMO != cmoPool {
			if got := liveNext(t, cmo, "cmo"); got != wantCMO {
				t.Fatalf("%s: the CMO got %+v; want its partner counts %+v (the MAH's are %+v)", name, got, wantCMO, wantMAH)
			}
		}
		took := time.Since(start)
		if took > 2*time.Second {
			t.Errorf("%s: the change reached the subscribers %v after the request; want about a second at most", name, took)
		}
		time.Sleep(time.Second) // what the server does after the push counts too
		// One read per tenant watching (products and counts: two batches of
		// two statements), and perhaps a ping of the listener.
		if n := d.db.Statements() - before; n > 2*4+1 {
			t.Errorf("%s: %d statements on the subscribers' server for one change; want one read per tenant watching, at most %d", name, n, 2*4+1)
		} else {
			t.Logf("%s: pushed to %d subscribers in %v, %d statements", name, subscribers+1, took.Round(time.Millisecond), n)
		}
		mahPool, cmoPool = wantMAH, wantCMO
	}
	change("the MAH requests", d.keys.MAHOperator)
	change("the CMO requests", d.keys.CMOAdmin)

	// The listening connection dies; a change right after it, while the server
	// connects again, still reaches the subscribers (the re-read after connecting).
	start := time.Now()
	var killed int
	if err := d.sql(t, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query IN ('LISTEN pool_counts', '-- ping')`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("killing the listening connection: %d killed, %v", killed, err)
	}
	if _, err := d.conn(t).Exec(context.Background(), `UPDATE serials SET status = 'ASSIGNED', assigned_at = now()
		WHERE id IN (SELECT s.id FROM serials s JOIN products p ON p.id = s.product_id
			WHERE p.code = $1 AND s.status = 'AVAILABLE' ORDER BY s.id LIMIT 2)`, amoxicillin); err != nil {
		t.Fatal(err)
	}
	want := poolOf(t, d, "Demo Pharma", amoxicillin)
	for i := range subscribers {
		if got := liveNext(t, mah[i/10], fmt.Sprint(i)); got != want {
			t.Fatalf("after the listener died: MAH subscriber %d got %+v; want %+v", i, got, want)
		}
	}
	t.Logf("after the listener was killed, a change reached the subscribers %v after the kill", time.Since(start).Round(time.Millisecond))

	// A new low threshold is pushed too (the products trigger), long before the re-read of every pool.
	if _, err := d.conn(t).Exec(context.Background(), `UPDATE products SET low_threshold = 4321 WHERE code = $1`, amoxicillin); err != nil {
		t.Fatal(err)
	}
	for i := range subscribers {
		var u struct {
			Data struct{ PoolCounts struct{ LowThreshold int } }
		}
		if m := mah[i/10].next(fmt.Sprint(i)); json.Unmarshal(m.Payload, &u) != nil || u.Data.PoolCounts.LowThreshold != 4321 {
			t.Fatalf("after the low threshold changed: subscriber %d got %s %s", i, m.Type, m.Payload)
		}
	}
}
