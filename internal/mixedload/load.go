package mixedload

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Load is a run of clients against one server, with the ledger of what each
// serial went through.
type Load struct {
	pool   *Pool
	urls   []string
	server map[string]string // client key -> the URL of the server it calls
	client *http.Client

	// Retry is how long a call the server could not answer (UNAVAILABLE, as
	// while the database fails over, or cut off) is sent again before it counts
	// as a failure; writes then carry idempotency keys, so a retry of one that
	// was done replays it. A release has no such key: one left unanswered is
	// not retried, its serials count as uncertain (Verify). 0, for a steady
	// run, makes every such call a failure at once.
	Retry time.Duration

	mu          sync.Mutex
	orders      map[string]int // times handed to an MAH order
	released    map[string]int // times the MAH released it
	partner     map[string]int // times assigned to the CMO
	cmoOrders   map[string]int // times handed to a CMO order
	cmoReleased map[string]int // times the CMO released it
	pushed      int            // serials stored by pushes
	uncertain   map[string]int // times a release of it went unanswered (Retry)
	writes      [][2]time.Time // when each write answered 201 was sent and answered (Retry)
	failures    []string       // answers that break the contract

	requests, assignments, releases, pushes, replays, reads atomic.Int64
	refused                                                 sync.Map     // expected refusals by code -> *atomic.Int64
	slowest                                                 sync.Map     // "METHOD path" -> *atomic.Int64, nanoseconds
	slow                                                    atomic.Int64 // calls that took over 5 s
	unanswered                                              atomic.Int64 // calls sent again (Retry)
}

// errUnanswered marks a call the server could not answer: UNAVAILABLE, or the
// connection cut off. Only with Retry set; else such a call is a failure.
var errUnanswered = errors.New("unanswered")

// New prepares a load of p's clients against the servers at urls, the
// clients spread over them in turn.
func New(p *Pool, urls ...string) *Load {
	l := &Load{pool: p, urls: urls, server: map[string]string{}, uncertain: map[string]int{},
		// Enough idle connections for every client, so a long run does not churn ports.
		client: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 256}},
		orders: map[string]int{}, released: map[string]int{}, partner: map[string]int{},
		cmoOrders: map[string]int{}, cmoReleased: map[string]int{}}
	l.record(l.partner, p.ToPartner)
	for i, key := range append(append([]string(nil), p.MAHKeys...), p.CMOKeys...) {
		l.server[key] = urls[i%len(urls)]
	}
	return l
}

// Run runs every client for rounds rounds each, or when rounds is 0 until ctx
// ends, and returns when all have stopped. A round that has begun runs to its
// end: a call cut off mid-way might have been served, and the ledger would miss it.
func (l *Load) Run(ctx context.Context, rounds int, seed uint64) {
	var wg sync.WaitGroup
	for i, key := range l.pool.MAHKeys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.play(ctx, &mahClient{l: l, key: key, id: i}, rounds, seed+uint64(i))
		}()
	}
	for i, key := range l.pool.CMOKeys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.play(ctx, &cmoClient{l: l, key: key}, rounds, seed+uint64(1000+i))
		}()
	}
	wg.Wait()
}

type roundPlayer interface {
	round(ctx context.Context, rnd *rand.Rand, n int) error
}

func (l *Load) play(ctx context.Context, c roundPlayer, rounds int, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 42))
	calls := context.WithoutCancel(ctx) // each call is bounded by the client's timeout
	for n := 0; (rounds == 0 || n < rounds) && ctx.Err() == nil; n++ {
		if err := c.round(calls, rnd, n); err != nil {
			l.fail("%v", err)
		}
	}
}

func (l *Load) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) < 100 {
		l.failures = append(l.failures, fmt.Sprintf(format, args...))
	}
}

// Failures are the answers that broke the contract (5xx, an error without a
// code, a refused release of a held serial), up to 100.
func (l *Load) Failures() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.failures...)
}

// Report summarises the run in one line.
func (l *Load) Report() string {
	l.mu.Lock()
	handed, back := 0, 0
	for _, n := range l.orders {
		handed += n
	}
	for _, n := range l.cmoOrders {
		handed += n
	}
	for _, n := range l.released {
		back += n
	}
	for _, n := range l.cmoReleased {
		back += n
	}
	toPartner, pushed, uncertain := len(l.partner)-len(l.pool.ToPartner), l.pushed, len(l.uncertain)
	l.mu.Unlock()
	refused := []string{}
	l.refused.Range(func(k, v any) bool {
		refused = append(refused, fmt.Sprintf("%s %d", k, v.(*atomic.Int64).Load()))
		return true
	})
	if len(refused) == 0 {
		refused = append(refused, "none")
	}
	slowest := []string{}
	l.slowest.Range(func(k, v any) bool {
		slowest = append(slowest, fmt.Sprintf("%s %v", k, time.Duration(v.(*atomic.Int64).Load()).Round(time.Millisecond)))
		return true
	})
	slices.Sort(slowest)
	return fmt.Sprintf("%d requests handed out %d serials, %d releases gave back %d, %d assignments gave the CMO %d, "+
		"%d pushes stored %d (%d replays), %d reads; expected refusals: %s; %d calls sent again, %d serials of unanswered releases; "+
		"%d calls over 5s; slowest: %s",
		l.requests.Load(), handed, l.releases.Load(), back, l.assignments.Load(), toPartner,
		l.pushes.Load(), pushed, l.replays.Load(), l.reads.Load(), strings.Join(refused, ", "), l.unanswered.Load(), uncertain,
		l.slow.Load(), strings.Join(slowest, ", "))
}

// FirstWriteAfter is when the first REST write sent after t was answered 201
// (with Retry set): a request or push committed; and whether there was one.
func (l *Load) FirstWriteAfter(t time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var first time.Time
	for _, w := range l.writes {
		if w[0].After(t) && (first.IsZero() || w[1].Before(first)) {
			first = w[1]
		}
	}
	return first, !first.IsZero()
}

// retried runs call until it is answered, sending it again while Retry allows.
func (l *Load) retried(call func() (bool, error)) (bool, error) {
	deadline := time.Now().Add(l.Retry)
	for {
		ok, err := call()
		if !errors.Is(err, errUnanswered) || time.Now().After(deadline) {
			return ok, err
		}
		l.unanswered.Add(1)
		time.Sleep(100 * time.Millisecond)
	}
}

// idempotencyKey is the key a write sends with Retry set, unique per client
// and round; none without Retry.
func (l *Load) idempotencyKey(key string) string {
	if l.Retry == 0 {
		return ""
	}
	var b [8]byte
	crand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// timed records how long a call took, by method and route.
func (l *Load) timed(req *http.Request, took time.Duration) {
	route := req.Method + " " + req.URL.Path
	if strings.HasPrefix(req.URL.Path, "/api/v2/requests/") {
		route = req.Method + " /api/v2/requests/{id}/serials.csv"
	}
	route = strings.Replace(route, "/"+l.pool.ProductCode+"/", "/{code}/", 1)
	v, _ := l.slowest.LoadOrStore(route, new(atomic.Int64))
	for n := v.(*atomic.Int64); ; {
		old := n.Load()
		if int64(took) <= old || n.CompareAndSwap(old, int64(took)) {
			break
		}
	}
	if took > 5*time.Second {
		l.slow.Add(1)
	}
}

// mahClient is a line or ERP system of the owner.
type mahClient struct {
	l    *Load
	key  string
	id   int
	held []string // serials handed to this client's orders and not released
}

func (c *mahClient) round(ctx context.Context, rnd *rand.Rand, n int) error {
	l, code := c.l, c.l.pool.ProductCode
	got, err := l.request(ctx, c.key, rnd.IntN(100)+1, fmt.Sprintf("PO-%d-%d", c.id, n), n%2 == 0)
	if err != nil {
		return err
	}
	l.record(l.orders, got)
	c.held = append(c.held, got...)
	if c.held, err = l.release(ctx, c.key, c.held, rnd, l.released); err != nil {
		return err
	}
	switch rnd.IntN(8) {
	case 0, 1:
		got, err := l.assign(ctx, c.key, rnd.IntN(50)+1)
		if err != nil {
			return err
		}
		l.record(l.partner, got)
	case 2:
		if err := l.push(ctx, c.key, fmt.Sprintf("P%d-%d-", c.id, n), 100); err != nil {
			return err
		}
	}
	return l.read(ctx, c.key, `query($code: String!) { product(code: $code) { pool { available assigned total } } }`,
		map[string]any{"code": code})
}

// cmoClient is a packaging line of the CMO, drawing on what its MAH assigned to it.
type cmoClient struct {
	l    *Load
	key  string
	held []string
}

func (c *cmoClient) round(ctx context.Context, rnd *rand.Rand, n int) error {
	l := c.l
	got, err := l.request(ctx, c.key, rnd.IntN(30)+1, fmt.Sprintf("CMO-%d", n), true)
	if err != nil {
		return err
	}
	l.record(l.cmoOrders, got)
	c.held = append(c.held, got...)
	if c.held, err = l.release(ctx, c.key, c.held, rnd, l.cmoReleased); err != nil {
		return err
	}
	return l.read(ctx, c.key, `{ poolStats(groupBy: [STATUS]) { status count } }`, nil)
}

func (l *Load) record(ledger map[string]int, values []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, v := range values {
		ledger[v]++
	}
}

// request asks for count serials for an order, over REST or GraphQL, and
// returns them; none when too few are available.
func (l *Load) request(ctx context.Context, key string, count int, orderRef string, rest bool) ([]string, error) {
	var values []string
	idem := l.idempotencyKey(key)
	if rest {
		var res struct{ Serials []struct{ Value string } }
		ok, err := l.retried(func() (bool, error) {
			req := l.newRequest(ctx, key, http.MethodPost, "/api/v2/products/"+l.pool.ProductCode+"/requests", "application/json",
				map[string]any{"count": count, "orderRef": orderRef})
			if idem != "" {
				req.Header.Set("Idempotency-Key", idem)
			}
			return l.do(req, key, http.StatusCreated, &res)
		})
		if !ok {
			return nil, err
		}
		for _, s := range res.Serials {
			values = append(values, s.Value)
		}
	} else {
		var res struct {
			RequestSerials struct {
				Serials struct {
					Edges []struct{ Node struct{ Value string } }
				}
			}
		}
		in := map[string]any{"productCode": l.pool.ProductCode, "count": count, "orderRef": orderRef}
		if idem != "" {
			in["idempotencyKey"] = idem
		}
		ok, err := l.retried(func() (bool, error) {
			return l.gql(ctx, key, `mutation($in: RequestSerialsInput!) { requestSerials(input: $in) {
			serials(first: 1000) { edges { node { value } } } } }`, map[string]any{"in": in}, &res)
		})
		if !ok {
			return nil, err
		}
		for _, e := range res.RequestSerials.Serials.Edges {
			values = append(values, e.Node.Value)
		}
	}
	l.requests.Add(1)
	if len(values) != count {
		return values, fmt.Errorf("asked for %d serials, got %d", count, len(values))
	}
	return values, nil
}

// release gives back a random part of held (all of it once it grows large)
// and returns what is still held. Only held serials are released, so every
// release must succeed: a refusal means someone else holds one of them.
func (l *Load) release(ctx context.Context, key string, held []string, rnd *rand.Rand, ledger map[string]int) ([]string, error) {
	if len(held) == 0 || rnd.IntN(3) == 0 {
		return held, nil
	}
	rnd.Shuffle(len(held), func(i, j int) { held[i], held[j] = held[j], held[i] })
	n := rnd.IntN(len(held)) + 1
	if len(held) > 500 {
		n = len(held)
	}
	var res struct{ Released int }
	ok, err := l.call(ctx, key, http.MethodPost, "/api/v2/products/"+l.pool.ProductCode+"/release", "application/json",
		map[string]any{"serials": held[:n], "signature": map[string]any{"meaning": "PERFORMED", "reason": "mixed load: unused serials given back"}}, http.StatusOK, &res)
	if !ok {
		if errors.Is(err, errUnanswered) {
			// Released or not, nobody can tell: they are held no longer by
			// this client, and Verify allows for either.
			l.record(l.uncertain, held[:n])
			return held[n:], nil
		}
		if err != nil {
			return held, fmt.Errorf("releasing %d held serials: %w", n, err)
		}
		return held, nil // rate limited: release them later
	}
	if res.Released != n {
		return held, fmt.Errorf("released %d of %d held serials", res.Released, n)
	}
	l.releases.Add(1)
	l.record(ledger, held[:n])
	return held[n:], nil
}

// assign hands count serials to the CMO and reads them back from the request's CSV export.
func (l *Load) assign(ctx context.Context, key string, count int) ([]string, error) {
	var res struct {
		AssignSerialsToPartner struct {
			ID    string
			Count int
		}
	}
	in := map[string]any{"productCode": l.pool.ProductCode, "partner": l.pool.CMO, "count": count}
	if idem := l.idempotencyKey(key); idem != "" {
		in["idempotencyKey"] = idem
	}
	ok, err := l.retried(func() (bool, error) {
		return l.gql(ctx, key, `mutation($in: AssignSerialsToPartnerInput!) { assignSerialsToPartner(input: $in) { id count } }`,
			map[string]any{"in": in}, &res)
	})
	if !ok {
		return nil, err
	}
	l.assignments.Add(1)
	var body bytes.Buffer
	if ok, err := l.retried(func() (bool, error) {
		body.Reset()
		return l.call(ctx, key, http.MethodGet, "/api/v2/requests/"+res.AssignSerialsToPartner.ID+"/serials.csv", "", nil, http.StatusOK, &body)
	}); !ok {
		return nil, fmt.Errorf("export of an assignment: %v", err)
	}
	records, err := csv.NewReader(&body).ReadAll()
	if err != nil || len(records) != count+1 {
		return nil, fmt.Errorf("export of an assignment of %d: %d lines, %v", count, len(records), err)
	}
	values := make([]string, 0, count)
	for _, r := range records[1:] {
		values = append(values, r[0])
	}
	return values, nil
}

// push delivers n new serials as CSV with an idempotency key, then delivers the
// same batch again, as a retry after a lost answer would: the retry must replay.
func (l *Load) push(ctx context.Context, key, prefix string, n int) error {
	var body strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&body, "%s%d\n", prefix, i)
	}
	for attempt, want := range []int{http.StatusCreated, http.StatusOK} {
		var res struct {
			Accepted int
			Replayed bool
		}
		ok, err := l.retried(func() (bool, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, l.server[key]+"/api/v2/products/"+l.pool.ProductCode+"/serials",
				strings.NewReader(body.String()))
			req.Header.Set("X-Channel-Key", l.pool.Channel)
			req.Header.Set("Idempotency-Key", prefix)
			req.Header.Set("Content-Type", "text/csv")
			return l.do(req, key, want, &res)
		})
		if !ok {
			return err
		}
		if attempt == 0 && l.Retry > 0 {
			res.Replayed = false // an earlier attempt, unanswered, may have stored the batch
		}
		if res.Accepted != n || res.Replayed != (attempt == 1) {
			return fmt.Errorf("push %s attempt %d: %+v", prefix, attempt+1, res)
		}
		if attempt == 0 {
			l.pushes.Add(1)
			l.mu.Lock()
			l.pushed += n
			l.mu.Unlock()
		} else {
			l.replays.Add(1)
		}
	}
	return nil
}

func (l *Load) read(ctx context.Context, key, query string, vars map[string]any) error {
	var res struct {
		Product *struct {
			Pool struct{ Available, Assigned, Total int }
		}
	}
	ok, err := l.retried(func() (bool, error) { return l.gql(ctx, key, query, vars, &res) })
	if !ok {
		return err
	}
	if p := res.Product; p != nil && p.Pool.Available+p.Pool.Assigned != p.Pool.Total {
		return fmt.Errorf("pool %+v does not add up", p.Pool)
	}
	l.reads.Add(1)
	return nil
}

// gql runs a GraphQL operation; ok is false when it was refused (err is nil
// for an expected refusal, such as too few serials).
func (l *Load) gql(ctx context.Context, key, query string, vars map[string]any, v any) (ok bool, err error) {
	var res struct {
		Data   json.RawMessage
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if ok, err := l.call(ctx, key, http.MethodPost, "/graphql", "application/json",
		map[string]any{"query": query, "variables": vars}, http.StatusOK, &res); !ok {
		return false, err
	}
	if len(res.Errors) > 0 {
		return false, l.refusal(res.Errors[0].Extensions.Code, res.Errors[0].Message)
	}
	return true, json.Unmarshal(res.Data, v)
}

// call sends body as JSON and decodes the answer into v (a *bytes.Buffer takes it raw).
func (l *Load) call(ctx context.Context, key, method, path, ctype string, body any, want int, v any) (bool, error) {
	return l.do(l.newRequest(ctx, key, method, path, ctype, body), key, want, v)
}

// newRequest is a request of key's client to its server, with body as JSON.
func (l *Load) newRequest(ctx context.Context, key, method, path, ctype string, body any) *http.Request {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequestWithContext(ctx, method, l.server[key]+path, r)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	return req
}

func (l *Load) do(req *http.Request, key string, want int, v any) (bool, error) {
	req.Header.Set("Authorization", "Bearer "+key)
	start := time.Now()
	res, err := l.client.Do(req)
	defer func() { l.timed(req, time.Since(start)) }()
	if err != nil {
		return false, l.unansweredIf(true, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err))
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return false, l.unansweredIf(true, fmt.Errorf("%s %s: reading the answer: %w", req.Method, req.URL.Path, err))
	}
	// With Retry, a write sent again after an unanswered attempt that was done
	// is replayed: 200 where the first answer would have been 201.
	replayed := l.Retry > 0 && want == http.StatusCreated && res.StatusCode == http.StatusOK && req.Header.Get("Idempotency-Key") != ""
	if res.StatusCode != want && !replayed {
		var e struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		if json.Unmarshal(b, &e) != nil || len(e.Errors) == 0 || res.StatusCode >= 500 {
			unavailable := res.StatusCode == http.StatusServiceUnavailable && len(e.Errors) > 0 && e.Errors[0].Extensions.Code == "UNAVAILABLE"
			return false, l.unansweredIf(unavailable, fmt.Errorf("%s %s: %d %.300s", req.Method, req.URL.Path, res.StatusCode, b))
		}
		if e.Errors[0].Extensions.Code == "RATE_LIMITED" {
			time.Sleep(time.Second) // as told by Retry-After
		}
		return false, l.refusal(e.Errors[0].Extensions.Code, e.Errors[0].Message)
	}
	if l.Retry > 0 && res.StatusCode == http.StatusCreated {
		l.answeredWrite(start) // a request or push that stored something, not a replay
	}
	if buf, ok := v.(*bytes.Buffer); ok {
		buf.Write(b)
		return true, nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%s %s: %d %.300s: %w", req.Method, req.URL.Path, res.StatusCode, b, err)
	}
	return true, nil
}

// unansweredIf marks err as errUnanswered when the server could not answer
// (cond) and Retry is set.
func (l *Load) unansweredIf(cond bool, err error) error {
	if cond && l.Retry > 0 {
		return fmt.Errorf("%w: %w", errUnanswered, err)
	}
	return err
}

func (l *Load) answeredWrite(sent time.Time) {
	l.mu.Lock()
	l.writes = append(l.writes, [2]time.Time{sent, time.Now()})
	l.mu.Unlock()
}

// refusal counts an expected refusal and returns nil, or returns an error for
// any other one.
func (l *Load) refusal(code, message string) error {
	if code == "UNAVAILABLE" && l.Retry > 0 {
		return fmt.Errorf("%w: %s", errUnanswered, message)
	}
	switch code {
	case "INSUFFICIENT_SERIALS", "RATE_LIMITED":
		n, _ := l.refused.LoadOrStore(code, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		return nil
	}
	return fmt.Errorf("refused with %q: %s", code, message)
}
