package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/cors"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"golang.org/x/time/rate"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/frontend"
	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/epcis"
	"github.com/serialpool/serialpool/server/httpx"
	"github.com/serialpool/serialpool/server/rest"
	"github.com/serialpool/serialpool/server/soap"
)

// serve runs the HTTP server until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg config, d *db.DB) error {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           newHandler(cfg, d, log),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	stopTracing, err := startTracing(ctx)
	if err != nil {
		return fmt.Errorf("tracing: %w", err)
	}
	defer stopTracing(context.Background())
	errc := make(chan error, 2)
	go func() { errc <- srv.ListenAndServe() }()
	if cfg.PprofAddr != "" {
		// Profiles show the server's internals: a listener of its own, for operators.
		prof := &http.Server{Addr: cfg.PprofAddr, Handler: pprofMux(), ReadHeaderTimeout: cfg.ReadHeaderTimeout}
		go func() { errc <- fmt.Errorf("pprof: %w", prof.ListenAndServe()) }()
		defer prof.Close()
		log.Info("profiling", "addr", cfg.PprofAddr)
	}
	rep := &replenisher{db: d, svc: d, client: upstreamClient(cfg.UpstreamAllow), interval: cfg.ReplenishInterval, backoff: cfg.RetryFirst, maxBackoff: cfg.RetryMax,
		log: log, outcomes: func(o string) { replenishments.WithLabelValues(o).Inc() }}
	go rep.run(ctx)
	log.Info("serving", "addr", cfg.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

// replenishments counts replenishment attempts by outcome (done, parked).
var replenishments = prometheus.NewCounterVec(prometheus.CounterOpts{
	Name: "serialpool_replenishments_total", Help: "Replenishment attempts by outcome.",
}, []string{"outcome"})

// newHandler routes every endpoint: the APIs behind authentication, and the
// public health, metrics, playground and SPA.
func newHandler(cfg config, d *db.DB, log *slog.Logger) http.Handler {
	reg, instrument, observe := newMetrics(cfg, d, log)
	d.SetLockout(cfg.Lockout)
	d.SetSessionPolicy(cfg.Sessions)
	ss := &sessions{db: d, secure: cfg.SecureCookies, max: cfg.Sessions.Max}
	g := &gate{auth: newAuthCache(d, cfg.AuthCache), keys: newRateLimiter(cfg.RateLimit, cfg.RateBurst),
		failures: newFailureLimiter(cfg.AuthFailLimit), sessions: ss}
	api := func(h http.Handler) http.Handler {
		return noStore(limitBody(cfg.MaxBodyBytes, cfg.BodyIdleTimeout, timeout(cfg.RequestTimeout, authenticate(g, log, h))))
	}
	bulk := func(h http.Handler) http.Handler {
		return instrument("bulk", noStore(limitBody(cfg.MaxBulkBytes, cfg.BodyIdleTimeout, timeout(cfg.BulkTimeout, authenticate(g, log, h)))))
	}
	uploads := newUploadSlots(cfg.BulkPerTenant)
	upload := func(h http.Handler) http.Handler { return bulk(uploads.limit(h)) }
	// A WebSocket presents its key in connection_init (the web app none: its
	// upgrade carried the session cookie), and lives past any request
	// deadline; SOAP callers present it as their Basic password.
	keyAuth := func(ctx context.Context, key string) (context.Context, error) {
		var a pool.Actor
		var err error
		if t := sessionTokenFrom(ctx); key == "" && t != "" {
			a, err = g.session(ctx, t)
		} else {
			a, err = g.admit(ctx, key)
		}
		if err != nil {
			return ctx, err
		}
		return pool.WithActor(ctx, a), nil
	}
	// Each operation on a socket takes a token of its key's bucket, as a request would.
	wsAdmit := func(ctx context.Context) error {
		a, err := pool.ActorFrom(ctx)
		if err == nil && !g.keys.allow(a.Credential()) {
			err = errRateLimited
		}
		return err
	}
	// An open socket asks the database itself, at least as often as the cache
	// forgets a key; a session's socket closes once the session is over (an
	// open socket is no activity of the person's).
	recheck := func(ctx context.Context, key string) error {
		if t := sessionTokenFrom(ctx); key == "" && t != "" {
			_, err := d.Session(ctx, t, false)
			return err
		}
		_, err := d.Authenticate(ctx, key)
		return err
	}
	var slots *graph.Slots
	if cfg.GraphQLSlots > 0 {
		slots = graph.NewSlots(cfg.GraphQLSlots)
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "serialpool_graphql_waiting", Help: "GraphQL operations waiting for a slot (SERIALPOOL_GRAPHQL_SLOTS).",
		}, func() float64 { return float64(slots.Waiting()) }))
	}
	gql := graph.NewHandler(d, graph.Options{Introspection: cfg.Introspection, MaxComplexity: cfg.MaxComplexity,
		MaxDepth: cfg.MaxDepth, MaxTokens: cfg.MaxTokens, MaxFields: cfg.MaxFields, MaxSelections: cfg.MaxSelections,
		Observe: observe, Authenticate: keyAuth, Admit: wsAdmit, Recheck: recheck, RecheckEvery: max(cfg.AuthCache, time.Second),
		MaxSockets: cfg.MaxSockets, MaxSubscriptions: cfg.MaxSubscriptions, PollLiveCounts: cfg.LivePoll, Slots: slots,
		WatchCounts: func(ctx context.Context, changed func(int64), resync func()) {
			d.WatchCounts(ctx, changed, resync, func(err error) { log.Warn("live counts: listening again", "error", err) })
		}}, log)
	mux := http.NewServeMux()
	mux.Handle("/graphql", webSockets(ss.withSessionToken(gql), instrument("graphql", api(gql)))) // a socket's lifetime is no latency
	registerAuth(mux, ss, g, d, log, func(h http.Handler) http.Handler { return instrument("auth", api(h)) },
		func(h http.Handler) http.Handler {
			return instrument("auth", noStore(limitBody(authBodyBytes, cfg.BodyIdleTimeout, timeout(cfg.RequestTimeout, h))))
		})
	rest.New(d, log).Register(mux, rest.Middleware{API: func(h http.Handler) http.Handler { return instrument("rest", api(h)) }, Bulk: bulk, Upload: upload})
	// EPCIS capture jobs run after their answer, up to the bulk deadline; a
	// few at once, since each holds its document in memory.
	epcis.New(d, log, epcis.Options{MaxBodyBytes: cfg.MaxBodyBytes, CaptureTimeout: cfg.BulkTimeout, Captures: 4}).
		Register(mux, func(h http.Handler) http.Handler { return instrument("epcis", api(h)) })
	// SOAP callers authenticate with HTTP Basic, and a request hands out up to
	// a product's cap of serials: the bulk deadline. The handler bounds the
	// body itself (answering a SOAP fault), which must arrive within the idle
	// timeout.
	soapRoute := func(h http.Handler) http.Handler {
		return instrument("soap", noStore(timeout(cfg.BulkTimeout, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(cfg.BodyIdleTimeout))
			h.ServeHTTP(w, r)
		}))))
	}
	mux.Handle("/soap/snx/snrequest", soapRoute(soap.TraceLink(d, keyAuth, log)))
	mux.Handle("/soap/sap/numberrange", soapRoute(soap.SAP(d, keyAuth, log)))
	(&ssoFlow{db: d, client: upstreamClient(cfg.UpstreamAllow), publicURL: cfg.PublicURL, secure: cfg.SecureCookies, log: log,
		sessions: ss}).register(mux,
		func(h http.Handler) http.Handler { return instrument("sso", noStore(timeout(cfg.RequestTimeout, h))) })
	mux.Handle("GET /playground", playground.Handler("serialpool GraphQL", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := d.Ping(ctx); err != nil {
			http.Error(w, "database unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("/", instrument("spa", spa()))

	return accessLog(log, withClient(secureHeaders(crossOrigin(cfg.CORSOrigins, mux))))
}

// newMetrics registers the server's metrics: instrument measures (and traces)
// an API route, observe a GraphQL operation.
func newMetrics(cfg config, d *db.DB, log *slog.Logger) (reg *prometheus.Registry,
	instrument func(route string, h http.Handler) http.Handler, observe func(context.Context, graph.Observation)) {
	reg = prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "serialpool_db_statements_total", Help: "SQL statements sent to PostgreSQL.",
	}, func() float64 { return float64(d.Statements()) }))
	requests := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "serialpool_http_request_duration_seconds", Help: "HTTP requests by route and status code.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"route", "code"})
	reg.MustRegister(requests, replenishments)
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "serialpool_pools_low", Help: "Pools whose Available count is below their low threshold.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := d.LowPools(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	// Each API route is measured, and traced when tracing is on (a span named
	// after the route, continuing the caller's trace).
	tracing := tracingConfigured()
	instrument = func(route string, h http.Handler) http.Handler {
		h = promhttp.InstrumentHandlerDuration(requests.MustCurryWith(prometheus.Labels{"route": route}), h)
		if !tracing {
			return h
		}
		return otelhttp.NewHandler(h, route, otelhttp.WithSpanNameFormatter(func(route string, r *http.Request) string { return r.Method + " " + route }))
	}

	operations := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "serialpool_graphql_operation_duration_seconds", Help: "GraphQL operations by root fields.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
	}, []string{"operation"})
	opErrors := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "serialpool_graphql_errors_total", Help: "GraphQL errors by operation and code.",
	}, []string{"operation", "code"})
	reg.MustRegister(operations, opErrors)
	observe = func(ctx context.Context, o graph.Observation) {
		operations.WithLabelValues(o.Operation).Observe(o.Duration.Seconds())
		for _, code := range o.Codes {
			opErrors.WithLabelValues(o.Operation, code).Inc()
		}
		if o.Duration >= cfg.SlowQuery {
			log.WarnContext(ctx, "slow graphql operation", "operation", o.Operation, "name", o.Name, "duration", o.Duration)
		}
	}

	return reg, instrument, observe
}

// crossOrigin lets the configured origins call the APIs (/graphql, /api/) from
// a browser; nothing else, /metrics least of all, is ever readable
// cross-origin, and with no origins configured nothing is (rs/cors would read
// an empty list as every origin).
func crossOrigin(origins []string, next http.Handler) http.Handler {
	if len(origins) == 0 {
		return next
	}
	apis := cors.New(cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Authorization", "Content-Type", "X-Channel-Key", "Idempotency-Key"},
		MaxAge:         600,
	}).Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" || strings.HasPrefix(r.URL.Path, "/api/") {
			apis.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// secureHeaders keeps browsers from guessing media types and from sending the
// app's URLs (which carry product codes and serials) to other sites.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// noStore keeps API answers (serial numbers, keys) out of browser and proxy caches.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// appPolicy confines the web app to its own scripts, styles, images and API
// (the browser test fails on any violation): an injected script or a page
// framing the app gets nothing.
const appPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// webSockets sends WebSocket upgrades to ws, the rest to next.
func webSockets(ws, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			ws.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate is the entrance for API requests: it resolves the bearer key,
// or without one the session cookie (a person signed in to the web app, CSRF
// token checked on writes), to a pool.Actor in the request context, or answers
// 401 (403 for a write without the CSRF token, 429 over the rate limit or the
// address's failure limit). WebSockets present their key in connection_init
// instead (keyAuth).
func authenticate(g *gate, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodOptions {
			next.ServeHTTP(w, r)
			return
		}
		var a pool.Actor
		var err error
		ctx := r.Context()
		auth := r.Header.Get("Authorization")
		if token := g.sessions.token(r); auth == "" && token != "" {
			var s *pool.Session
			if s, err = g.sessions.authenticate(w, r, token); err == nil {
				a, err, ctx = s.Actor(), g.allow(s.Actor()), withSession(ctx, s)
			}
		} else if key, ok := strings.CutPrefix(auth, "Bearer "); !ok || key == "" {
			closeUnread(w, r)
			httpx.WriteError(w, http.StatusUnauthorized, pool.Errorf(pool.EUNAUTHENTICATED, "sign in, or send an API key: Authorization: Bearer <key>"))
			return
		} else {
			a, err = g.admit(r.Context(), key)
		}
		if err != nil {
			closeUnread(w, r)
			httpx.Fail(log, w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(pool.WithActor(ctx, a)))
	})
}

// gate admits API keys: the one check that HTTP requests and WebSocket
// connections both pass.
type gate struct {
	auth     *authCache
	keys     *rateLimiter
	failures *failureLimiter
	sessions *sessions
}

// session resolves a session id to its person within their rate limit.
func (g *gate) session(ctx context.Context, token string) (pool.Actor, error) {
	s, err := g.sessions.db.Session(ctx, token, true)
	if err != nil {
		return pool.Actor{}, err
	}
	a := s.Actor()
	return a, g.allow(a)
}

// allow takes a request of a's rate limit, or refuses it.
func (g *gate) allow(a pool.Actor) error {
	if !g.keys.allow(a.Credential()) {
		return errRateLimited
	}
	return nil
}

// admit resolves an API key to its actor within the key's rate limit. A client
// address that failed too often is refused before its key is looked up, unless
// the key is one already remembered: only failures are limited, so callers with
// a valid key go on while an attacker at their address guesses.
func (g *gate) admit(ctx context.Context, key string) (pool.Actor, error) {
	key = strings.TrimSpace(key)
	a, ok := g.auth.cached(key)
	if !ok {
		addr := clientFrom(ctx)
		if g.failures.exhausted(addr) {
			return a, pool.Errorf(pool.ERATELIMITED, "too many failed authentications from your address; retry later")
		}
		var err error
		if a, err = g.auth.lookup(ctx, key); err != nil {
			if pool.ErrorCode(err) == pool.EUNAUTHENTICATED {
				g.failures.fail(addr)
			}
			return a, err
		}
	}
	return a, g.allow(a)
}

var errRateLimited = pool.Errorf(pool.ERATELIMITED, "too many requests for this API key; slow down and retry")

// authCache remembers authenticated keys for ttl, saving a lookup per request;
// a revoked key stops working within ttl. Unknown keys are never cached.
type authCache struct {
	auth pool.AuthService
	ttl  time.Duration
	keys sync.Map // key -> cachedActor
}

type cachedActor struct {
	actor   pool.Actor
	expires time.Time
}

func newAuthCache(auth pool.AuthService, ttl time.Duration) *authCache {
	return &authCache{auth: auth, ttl: ttl}
}

// cached returns the remembered actor of key, if any.
func (c *authCache) cached(key string) (pool.Actor, bool) {
	if e, ok := c.keys.Load(key); ok && time.Now().Before(e.(cachedActor).expires) {
		return e.(cachedActor).actor, true
	}
	return pool.Actor{}, false
}

// lookup authenticates key with the database and remembers it.
func (c *authCache) lookup(ctx context.Context, key string) (pool.Actor, error) {
	a, err := c.auth.Authenticate(ctx, key)
	if err == nil && c.ttl > 0 {
		c.keys.Store(key, cachedActor{a, time.Now().Add(c.ttl)})
	}
	return a, err
}

// rateLimiter keeps a token bucket per credential: an API key, or a person's sessions.
type rateLimiter struct {
	limit rate.Limit
	burst int
	keys  sync.Map // pool.Credential -> *rate.Limiter
}

// newRateLimiter allows perSecond requests per key with bursts of burst; 0 turns it off.
func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{limit: rate.Limit(perSecond), burst: burst}
}

func (l *rateLimiter) allow(key pool.Credential) bool {
	if l.limit == 0 {
		return true
	}
	b, _ := l.keys.LoadOrStore(key, rate.NewLimiter(l.limit, l.burst))
	return b.(*rate.Limiter).Allow()
}

// failureLimiter keeps a token bucket per client address that only failed
// authentications draw on: burst of them at once, refilled at burst a minute.
// Buckets that have filled up again are dropped, so an attack from many
// addresses leaves nothing behind.
type failureLimiter struct {
	burst int
	mu    sync.Mutex
	addrs map[netip.Prefix]*rate.Limiter
	swept time.Time
}

// newFailureLimiter allows burst failures per address; 0 turns it off.
func newFailureLimiter(burst int) *failureLimiter {
	return &failureLimiter{burst: burst, addrs: map[netip.Prefix]*rate.Limiter{}}
}

// exhausted reports whether addr has no failures left.
func (l *failureLimiter) exhausted(addr netip.Prefix) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.addrs[addr]
	return b != nil && b.Tokens() < 1
}

// fail records a failed authentication from addr.
func (l *failureLimiter) fail(addr netip.Prefix) {
	if l.burst == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now := time.Now(); now.Sub(l.swept) > time.Minute {
		for a, b := range l.addrs {
			if b.TokensAt(now) >= float64(l.burst) {
				delete(l.addrs, a)
			}
		}
		l.swept = now
	}
	b := l.addrs[addr]
	if b == nil {
		b = rate.NewLimiter(rate.Limit(float64(l.burst)/60), l.burst)
		l.addrs[addr] = b
	}
	b.Allow()
}

type clientKey struct{}

// withClient puts the client's address into the request context, for the
// failure limit of HTTP requests and WebSocket connection_init alike. An IPv6
// client counts by its /64, which one host commonly holds whole.
func withClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var addr netip.Prefix
		if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
			ip := ap.Addr().Unmap()
			bits := 32
			if ip.Is6() {
				bits = 64
			}
			addr, _ = ip.Prefix(bits)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, addr)))
	})
}

func clientFrom(ctx context.Context) netip.Prefix {
	addr, _ := ctx.Value(clientKey{}).(netip.Prefix)
	return addr
}

// uploadSlots caps the concurrent bulk uploads of each tenant, so that one
// tenant's slow or stalled pushes take no more than their share of the bulk
// connections; beyond the cap a push is refused before any database work.
type uploadSlots struct {
	max  int
	mu   sync.Mutex
	held map[int64]int // tenant -> uploads running
}

func newUploadSlots(max int) *uploadSlots { return &uploadSlots{max: max, held: map[int64]int{}} }

// limit runs next within a slot of the caller's tenant, or answers 429.
func (u *uploadSlots) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := pool.ActorFrom(r.Context())
		if err != nil {
			httpx.WriteError(w, http.StatusUnauthorized, err)
			return
		}
		u.mu.Lock()
		ok := u.held[a.TenantID] < u.max
		if ok {
			u.held[a.TenantID]++
		}
		u.mu.Unlock()
		if !ok {
			closeUnread(w, r)
			httpx.WriteError(w, http.StatusTooManyRequests, pool.Errorf(pool.ERATELIMITED,
				"%d bulk uploads of your tenant are running, the most at once; retry when one has finished", u.max))
			return
		}
		defer func() {
			u.mu.Lock()
			if u.held[a.TenantID]--; u.held[a.TenantID] == 0 {
				delete(u.held, a.TenantID)
			}
			u.mu.Unlock()
		}()
		next.ServeHTTP(w, r)
	})
}

// closeUnread closes the connection after an answer given before the body
// was read: the server would otherwise read the body first, however slowly it
// comes, before sending the answer.
func closeUnread(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength != 0 {
		w.Header().Set("Connection", "close")
	}
}

// limitBody caps a request body at max bytes and at idle between two reads of
// it: a body that stalls longer is cut (408, see httpx.StatusOf), so a stalled upload
// holds its bulk connection for idle at most.
func limitBody(max int64, idle time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			httpx.WriteError(w, http.StatusRequestEntityTooLarge, pool.Errorf(pool.EINVALID, "request body is larger than %d bytes", max))
			return
		}
		body := &idleBody{ReadCloser: http.MaxBytesReader(w, r.Body, max), rc: http.NewResponseController(w), idle: idle}
		if r.ContentLength != 0 {
			// Bounds the server's own read of an unread body, too. (Not for
			// bodiless requests: the server's read watching for the client
			// going away would time out and cancel the request.)
			body.rc.SetReadDeadline(time.Now().Add(idle))
		}
		r.Body = body
		next.ServeHTTP(w, r)
	})
}

// idleBody gives each read of a request body idle to make progress.
type idleBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	idle time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	if err := b.rc.SetReadDeadline(time.Now().Add(b.idle)); err != nil {
		return 0, fmt.Errorf("server: body deadline: %w", err)
	}
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		// Done with the body: the server's own read of the connection (which
		// watches for the client going away) must not time out.
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func timeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// spa serves the embedded web app; paths that are not files get index.html so
// the app's own routes survive a reload.
func spa() http.Handler {
	dist, _ := fs.Sub(frontend.Dist, "dist")
	files := http.FileServerFS(dist)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" || name == "." {
			name = "index.html"
		}
		if _, err := fs.Stat(dist, name); errors.Is(err, fs.ErrNotExist) {
			if path.Ext(name) != "" {
				http.NotFound(w, r)
				return
			}
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/"
			r = r2
		}
		if strings.HasPrefix(r.URL.Path, "/assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		}
		w.Header().Set("Content-Security-Policy", appPolicy)
		w.Header().Set("X-Frame-Options", "DENY")
		files.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		log.LogAttrs(r.Context(), slog.LevelInfo, "http",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("status", strconv.Itoa(rec.status)), slog.Duration("duration", time.Since(start)))
	})
}

// pprofMux is net/http/pprof's handlers, without registering them on the
// default mux.
func pprofMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
