package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
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

// fastReplenisher checks often and retries at once, reaching the loopback fakes.
func fastReplenisher(t *testing.T, d *demo) *replenisher {
	return &replenisher{db: d.db, svc: d.db, client: upstreamClient(loopbackAllowed(t)), interval: 20 * time.Millisecond, backoff: 10 * time.Millisecond,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), outcomes: func(string) {}}
}

// setLimits sets a product's low threshold and replenishment target.
func (d *demo) setLimits(t *testing.T, code string, low, to int) {
	t.Helper()
	var v struct{ UpdateProductLimits struct{ ReplenishTo *int } }
	d.gql(t, d.keys.MAHAdmin, `mutation($c: String!, $l: Int, $t: Int) { updateProductLimits(input: {productCode: $c, lowThreshold: $l, replenishTo: $t}, signature: {meaning: PERFORMED, reason: "test"}) { replenishTo } }`,
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
	rep := fastReplenisher(t, d)
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

// TestUpstreamSSRF points a channel's upstream at what a tenant admin must not
// reach through the server: cloud metadata, loopback (by address, IPv6,
// IPv4-mapped, unspecified, and a host name resolving to it), private and CGNAT
// ranges, and a redirect from an allowed upstream to a disallowed one. Each is
// refused when the replenisher connects, after name resolution, and the job
// parks saying why; the stored URLs stand for names that resolve there, or
// for URLs stored under a wider allow list. A host name the operator allowed
// is reached, and sent the channel's Bearer token.
func TestUpstreamSSRF(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var hits, redirectedHits atomic.Int32
	var lastAuth atomic.Value
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		lastAuth.Store(r.Header.Get("Authorization"))
		http.Error(w, "nothing here", http.StatusServiceUnavailable)
	}))
	defer target.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(target.URL, "http://"))
	// A second loopback address, not in the allow list: where a redirect leads.
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	redirected := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { redirectedHits.Add(1) }))
	redirected.Listener.Close()
	redirected.Listener = l
	redirected.Start()
	defer redirected.Close()
	redirector := httptest.NewServer(http.RedirectHandler(redirected.URL+"/latest/meta-data/", http.StatusTemporaryRedirect))
	defer redirector.Close()

	var c struct {
		CreateChannel struct{ Channel struct{ ID string } }
	}
	d.gql(t, d.keys.MAHAdmin, `mutation { createChannel(input: {name: "SNX", source: TRACELINK, upstreamUrl: "https://snx.example.com/replenish"}) { channel { id } } }`,
		nil).ok(t, &c)
	// A host name passes createChannel: it is checked where it resolves, when connecting.
	d.gql(t, d.keys.MAHAdmin, `mutation($id: ID!, $u: String) { updateChannelUpstream(input: {id: $id, upstreamUrl: $u, upstreamToken: "tok-1"}) { id } }`,
		map[string]any{"id": c.CreateChannel.Channel.ID, "u": "http://localhost:" + port + "/"}).ok(t, &struct{}{})
	d.setLimits(t, tlProduct, 1000, 3000)
	d.drain(t, tlProduct)

	ctx := context.Background()
	attempt := func(t *testing.T, url string, policy pool.UpstreamPolicy) string {
		t.Helper()
		if _, err := d.conn(t).Exec(ctx, `UPDATE channels SET upstream_url = $1 WHERE name = 'SNX'`, url); err != nil {
			t.Fatal(err)
		}
		if _, err := d.conn(t).Exec(ctx, `UPDATE replenishments SET next_attempt_at = now(), last_error = NULL WHERE state = 'PENDING'`); err != nil {
			t.Fatal(err)
		}
		rep := &replenisher{db: d.db, svc: d.db, client: upstreamClient(policy), interval: time.Hour, backoff: time.Hour,
			log: slog.New(slog.NewTextHandler(io.Discard, nil)), outcomes: func(string) {}}
		rep.tick(ctx)
		var lastError *string
		d.sql(t, `SELECT last_error FROM replenishments r JOIN products p ON p.id = r.product_id WHERE p.code = $1 AND state = 'PENDING'`, tlProduct).Scan(&lastError)
		if lastError == nil {
			t.Fatalf("%s: the job did not park", url)
		}
		return *lastError
	}
	publicOnly := pool.UpstreamPolicy{}
	for _, c := range []struct{ name, url string }{
		{"metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"},
		{"metadata-alibaba-cgnat", "http://100.100.100.200/latest/meta-data/"},
		{"private", "http://10.0.0.1:8080/"},
		{"loopback", target.URL + "/"},
		{"loopback-ipv6", "http://[::1]:" + port + "/"},
		{"loopback-ipv4-mapped", "http://[::ffff:127.0.0.1]:" + port + "/"},
		{"loopback-unspecified", "http://0.0.0.0:" + port + "/"},
		{"loopback-name", "http://localhost:" + port + "/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := hits.Load()
			if msg := attempt(t, c.url, publicOnly); !strings.Contains(msg, "upstream address not allowed") {
				t.Errorf("%s: parked with %q, want the address refused", c.url, msg)
			}
			if hits.Load() != before {
				t.Errorf("%s reached the loopback upstream", c.url)
			}
		})
	}
	t.Run("loopback-redirect", func(t *testing.T) {
		before := hits.Load()
		msg := attempt(t, redirector.URL+"/", loopbackAllowed(t))
		if !strings.Contains(msg, "redirects are not followed") || redirectedHits.Load() != 0 {
			t.Errorf("a redirect to %s: parked with %q, %d requests reached it", redirected.URL, msg, redirectedHits.Load())
		}
		if hits.Load() != before {
			t.Errorf("the redirect reached another upstream")
		}
	})
	t.Run("loopback-allowed-name", func(t *testing.T) {
		allowed, err := pool.ParseUpstreamPolicy("localhost")
		if err != nil {
			t.Fatal(err)
		}
		before := hits.Load()
		if msg := attempt(t, "http://localhost:"+port+"/", allowed); !strings.Contains(msg, "nothing here") {
			t.Errorf("an allowed host name: parked with %q", msg)
		}
		if hits.Load() != before+1 || lastAuth.Load() != "Bearer tok-1" {
			t.Errorf("an allowed host name: %d requests, Authorization %q", hits.Load()-before, lastAuth.Load())
		}
	})
}

// TestReplenishmentOverSOAP fills a TraceLink pool from a TraceLink-speaking
// upstream and an SAP ATTP pool from an SAP-speaking one (fakes written from
// PROTOCOLS.md): each first refuses (RfidException, ActionCode F) or faults,
// is parked and retried, then answers; the crypto tail is stored beside the
// serials, element strings are taken apart, a range is expanded, and a
// delivery that comes twice is stored once.
func TestReplenishmentOverSOAP(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.db.SetUpstreamPolicy(loopbackAllowed(t))
	var tlCalls, sapCalls atomic.Int32
	var tlRequest, sapRequest atomic.Value
	envelope := func(body string) string {
		return `<?xml version="1.0"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>` + body + `</S:Body></S:Envelope>`
	}
	tracelink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		user, pass, _ := r.BasicAuth()
		tlRequest.Store(user + ":" + pass + " " + string(b))
		w.Header().Set("Content-Type", "text/xml")
		switch tlCalls.Add(1) {
		case 1:
			io.WriteString(w, envelope(`<ns2:serialNumbersRequestResponse xmlns:ns2="urn:tracelink:soap"><SNResponse>
				<RfidException><ErrorCode>SNX-503</ErrorCode><ErrorMessage>number range exhausted</ErrorMessage></RfidException></SNResponse></ns2:serialNumbersRequestResponse>`))
			return
		case 2:
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, envelope(`<S:Fault><faultcode>S:Server</faultcode><faultstring>try later</faultstring></S:Fault>`))
			return
		}
		size := 0
		fmt.Sscanf(string(b[strings.Index(string(b), "<Size>")+6:]), "%d", &size)
		var list strings.Builder
		for i := range size {
			value := fmt.Sprintf("SX%011d", i)
			if i%2 == 1 {
				value = "01" + tlProduct + "21" + value // the element-string form
			}
			fmt.Fprintf(&list, `<SerialNo cryptoKey="K%03d" cryptoCode="%044d">%s</SerialNo>`, i%1000, i, value)
		}
		io.WriteString(w, envelope(`<ns2:serialNumbersRequestResponse xmlns:ns2="urn:tracelink:soap"><SNResponse><ActionCode>C</ActionCode>
			<RandomizedNumberList>`+list.String()+`</RandomizedNumberList></SNResponse></ns2:serialNumbersRequestResponse>`))
	}))
	defer tracelink.Close()
	sap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		sapRequest.Store(string(b))
		answer := `<ActionCode>F</ActionCode>`
		if sapCalls.Add(1) > 1 {
			size := 0
			fmt.Sscanf(string(b[strings.Index(string(b), "<Size>")+6:]), "%d", &size)
			answer = fmt.Sprintf(`<ActionCode>C</ActionCode><Interval><NumberFrom>%012d</NumberFrom><NumberTo>%012d</NumberTo></Interval>`, 7_000_000, 7_000_000+size-1)
		}
		io.WriteString(w, envelope(`<n0:MT_NumberRangeConfirmationMessage xmlns:n0="http://sap.com/xi/AIN">`+answer+`</n0:MT_NumberRangeConfirmationMessage>`))
	}))
	defer sap.Close()

	d.gql(t, d.keys.MAHAdmin, `mutation($u: String) { createChannel(input: {name: "SNX", source: TRACELINK, upstreamUrl: $u, upstreamProtocol: TRACELINK_SOAP,
		upstreamSendingSystem: "0401234000006", upstreamReceivingSystem: "TRACELINK", upstreamUsername: "snx", upstreamPassword: "pw"}) { key } }`,
		map[string]any{"u": tracelink.URL}).ok(t, new(any))
	d.gql(t, d.keys.MAHAdmin, `mutation($u: String) { createChannel(input: {name: "ATTP", source: SAP_ATTP, upstreamUrl: $u, upstreamProtocol: SAP_AIN,
		upstreamSendingSystem: "SERIALPOOL"}) { key } }`, map[string]any{"u": sap.URL}).ok(t, new(any))
	var channels struct {
		Channels []struct{ UpstreamProtocol, UpstreamSendingSystem string }
	}
	d.gql(t, d.keys.MAHViewer, `{ channels { upstreamProtocol upstreamSendingSystem } }`, nil).ok(t, &channels)
	if len(channels.Channels) != 2 || channels.Channels[0].UpstreamProtocol != "SAP_AIN" || channels.Channels[1].UpstreamSendingSystem != "0401234000006" {
		t.Errorf("channels: %+v", channels)
	}
	d.setLimits(t, tlProduct, 100, 300)
	d.setLimits(t, attpProduct, 100, 400)
	d.drain(t, tlProduct)
	d.drain(t, attpProduct)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep := fastReplenisher(t, d)
	go rep.run(ctx)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		tl, _ := d.poolOf(t, tlProduct)
		at, _ := d.poolOf(t, attpProduct)
		if tl == 300 && at == 400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not replenished: TraceLink %v (%d calls), SAP %v (%d calls)", tl, tlCalls.Load(), at, sapCalls.Load())
		}
	}
	cancel()
	req := tlRequest.Load().(string)
	for _, want := range []string{"snx:pw ", "<Size>300</Size>", "<Value>" + tlProduct + "</Value>", "<SendingSystem>0401234000006</SendingSystem>",
		"<ReceivingSystem>TRACELINK</ReceivingSystem>", "<ReferenceId>replenish-", "<SyncRequest>true</SyncRequest>"} {
		if !strings.Contains(req, want) {
			t.Errorf("the TraceLink request lacks %s: %s", want, req)
		}
	}
	if r := sapRequest.Load().(string); !strings.Contains(r, "NumberRangeRequestMessage") || !strings.Contains(r, "<Size>400</Size>") || !strings.Contains(r, "<SendingSystem>SERIALPOOL</SendingSystem>") {
		t.Errorf("the SAP request: %s", r)
	}
	var crypto, bare, ranged int
	d.sql(t, `SELECT count(*) FILTER (WHERE extra->>'91' ~ '^K[0-9]{3}$' AND length(extra->>'92') = 44), count(*) FILTER (WHERE value ~ '^SX[0-9]{11}$')
		FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND value LIKE 'SX%'`, tlProduct).Scan(&crypto, &bare)
	d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND value ~ '^0000070[0-9]{5}$'`, attpProduct).Scan(&ranged)
	if crypto != 300 || bare != 300 || ranged != 400 {
		t.Errorf("stored: %d with their crypto tail and %d bare of 300 TraceLink serials, %d of 400 from the SAP range", crypto, bare, ranged)
	}
	var parked int
	d.sql(t, `SELECT count(*) FROM replenishments WHERE state = 'DONE' AND attempts >= 2`).Scan(&parked)
	if parked != 2 || tlCalls.Load() != 3 || sapCalls.Load() != 2 {
		t.Errorf("%d jobs done after retries; upstream calls TraceLink %d, SAP %d", parked, tlCalls.Load(), sapCalls.Load())
	}

	// The same delivery again (a retry after a lost acknowledgement) stores nothing twice.
	var jobID int64
	d.sql(t, `SELECT r.id FROM replenishments r JOIN products p ON p.id = r.product_id WHERE p.code = $1`, tlProduct).Scan(&jobID)
	u := tracelink.URL
	job := &pool.Replenishment{ID: jobID, TenantID: 1, ProductCode: tlProduct, Source: pool.SourceTraceLink, Count: 300, UpstreamURL: &u,
		Protocol: pool.ProtocolTraceLink}
	d.sql(t, `SELECT tenant_id FROM products WHERE code = $1`, tlProduct).Scan(&job.TenantID)
	if err := rep.replenish(context.Background(), job); err != nil {
		t.Errorf("the repeated delivery: %v", err)
	}
	if tl, _ := d.poolOf(t, tlProduct); tl != 300 {
		t.Errorf("after the repeated delivery %v available, want 300", tl)
	}
}
