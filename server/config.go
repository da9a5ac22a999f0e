package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// config comes from the environment, with defaults for a developer's machine;
// flags override the listen address.
type config struct {
	DatabaseURL string // DATABASE_URL
	ReadURL     string // SERIALPOOL_READ_URL: a hot standby for the reads that may lag (optional)
	Addr        string // SERIALPOOL_ADDR, --addr (default :8080)
	// PprofAddr serves Go's profiler (net/http/pprof) on a listener of its own,
	// never the API's (SERIALPOOL_PPROF_ADDR, e.g. 127.0.0.1:6060; default off).
	PprofAddr      string
	DataDir        string        // SERIALPOOL_DATA_DIR: the private database of `dev` (default .data)
	CORSOrigins    []string      // SERIALPOOL_CORS_ORIGINS: comma-separated; empty allows same origin only
	Introspection  bool          // SERIALPOOL_INTROSPECTION (default true)
	MaxBodyBytes   int64         // SERIALPOOL_MAX_BODY_BYTES for API requests (default 16 MiB)
	RequestTimeout time.Duration // SERIALPOOL_REQUEST_TIMEOUT (default 30s)
	MaxBulkBytes   int64         // SERIALPOOL_MAX_BULK_BYTES for bulk serial uploads (default 4 GiB)
	BulkTimeout    time.Duration // SERIALPOOL_BULK_TIMEOUT (default 30m)
	// ReplenishInterval is how often low pools are checked (SERIALPOOL_REPLENISH_INTERVAL, default 10s).
	ReplenishInterval time.Duration
	// A parked replenishment is retried after RetryFirst, doubling per attempt
	// up to RetryMax (SERIALPOOL_REPLENISH_RETRY_FIRST, _MAX; defaults 5s and
	// 5m; both 15m retry as TraceLink itself does).
	RetryFirst, RetryMax time.Duration
	MaxComplexity        int           // SERIALPOOL_MAX_COMPLEXITY: the most a GraphQL operation may cost (default 50000)
	MaxDepth             int           // SERIALPOOL_MAX_DEPTH: the deepest GraphQL nesting (default 15)
	MaxTokens            int           // SERIALPOOL_MAX_TOKENS: the longest GraphQL document, in tokens (default 15000)
	MaxFields            int           // SERIALPOOL_MAX_FIELDS: the most fields of one GraphQL selection set (default 200)
	MaxSelections        int           // SERIALPOOL_MAX_SELECTIONS: the most fields of one GraphQL operation (default 1000)
	SlowQuery            time.Duration // SERIALPOOL_SLOW_QUERY: operations at least this slow are logged (default 500ms)
	RateLimit            float64       // SERIALPOOL_RATE_LIMIT: requests per second per API key; 0 is unlimited (default 200)
	RateBurst            int           // SERIALPOOL_RATE_BURST: requests a key may burst (default 400)
	AuthCache            time.Duration // SERIALPOOL_AUTH_CACHE: how long an authenticated key is remembered (default 10s; 0 off)
	EventClockSkew       time.Duration // SERIALPOOL_EVENT_CLOCK_SKEW: how far in the future a pack event may lie (default 5m)
	// UpstreamAllow is where replenishment requests may go besides public
	// addresses (SERIALPOOL_UPSTREAM_ALLOW: CIDRs and host names).
	UpstreamAllow pool.UpstreamPolicy
	// AuthFailLimit is how many failed authentications a client address may
	// make at once, refilled at as many per minute (SERIALPOOL_AUTH_FAIL_LIMIT, default 20; 0 off).
	AuthFailLimit     int
	BodyIdleTimeout   time.Duration // SERIALPOOL_BODY_IDLE_TIMEOUT: longest pause within a request body (default 15s)
	BulkPerTenant     int           // SERIALPOOL_BULK_PER_TENANT: concurrent bulk uploads of one tenant (default 4)
	ReadHeaderTimeout time.Duration // SERIALPOOL_READ_HEADER_TIMEOUT: for a request's headers (default 10s)
	IdleTimeout       time.Duration // SERIALPOOL_IDLE_TIMEOUT: a kept-alive connection between requests (default 2m)
	MaxSockets        int           // SERIALPOOL_MAX_SOCKETS: open WebSocket connections per API key (default 20)
	GraphQLSlots      int           // SERIALPOOL_GRAPHQL_SLOTS: GraphQL operations over HTTP running at once, shared between tenants (default 4 per core; 0: no bound)
	MaxSubscriptions  int           // SERIALPOOL_MAX_SUBSCRIPTIONS: live subscriptions per API key (default 100)
	LivePoll          bool          // SERIALPOOL_LIVE_POLL: each subscription polls its pool (the bench's baseline only)
	// Sessions is how long a person's session lasts without a request and in
	// all (SERIALPOOL_SESSION_IDLE, SERIALPOOL_SESSION_MAX; defaults 15m, 12h).
	Sessions pool.SessionPolicy
	// SecureCookies marks the session cookie Secure, sent over https only
	// (SERIALPOOL_SECURE_COOKIES, default true; `serialpool dev` defaults it to
	// false, so that make run works on plain http://localhost).
	SecureCookies bool
	// Lockout locks an account after Failures failed sign-ins within Window
	// (SERIALPOOL_LOCKOUT_FAILURES, SERIALPOOL_LOCKOUT_WINDOW; defaults 5, 15m).
	Lockout pool.Lockout
	// PublicURL is where people reach the web app, for the invitation links
	// `serialpool user create` prints and single sign-on's redirect URI
	// (SERIALPOOL_PUBLIC_URL, default http://localhost:8080).
	PublicURL string
}

func loadConfig() (config, error) {
	c := config{
		DatabaseURL:       os.Getenv("DATABASE_URL"),
		ReadURL:           os.Getenv("SERIALPOOL_READ_URL"),
		Addr:              env("SERIALPOOL_ADDR", ":8080"),
		PprofAddr:         os.Getenv("SERIALPOOL_PPROF_ADDR"),
		DataDir:           env("SERIALPOOL_DATA_DIR", ".data"),
		Introspection:     true,
		MaxBodyBytes:      16 << 20,
		RequestTimeout:    30 * time.Second,
		MaxBulkBytes:      4 << 30,
		BulkTimeout:       30 * time.Minute,
		ReplenishInterval: 10 * time.Second,
		RetryFirst:        5 * time.Second,
		RetryMax:          5 * time.Minute,
		MaxComplexity:     50000,
		MaxDepth:          15,
		MaxTokens:         15000,
		MaxFields:         200,
		MaxSelections:     1000,
		SlowQuery:         500 * time.Millisecond,
		RateLimit:         200,
		RateBurst:         400,
		AuthCache:         10 * time.Second,
		AuthFailLimit:     20,
		BodyIdleTimeout:   15 * time.Second,
		BulkPerTenant:     4,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxSockets:        20,
		GraphQLSlots:      4 * runtime.GOMAXPROCS(0),
		MaxSubscriptions:  100,
		EventClockSkew:    pool.DefaultClockSkew,
		Sessions:          pool.DefaultSessionPolicy,
		SecureCookies:     true,
		Lockout:           pool.DefaultLockout,
		PublicURL:         strings.TrimRight(env("SERIALPOOL_PUBLIC_URL", "http://localhost:8080"), "/"),
	}
	for _, o := range strings.Split(os.Getenv("SERIALPOOL_CORS_ORIGINS"), ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	var err error
	if c.UpstreamAllow, err = pool.ParseUpstreamPolicy(os.Getenv("SERIALPOOL_UPSTREAM_ALLOW")); err != nil {
		return c, fmt.Errorf("SERIALPOOL_UPSTREAM_ALLOW: %w", err)
	}
	// The first variable set wrong is reported; 0 turns off only what says so.
	for _, err := range []error{
		envBool("SERIALPOOL_INTROSPECTION", &c.Introspection),
		envBytes("SERIALPOOL_MAX_BODY_BYTES", &c.MaxBodyBytes),
		envBytes("SERIALPOOL_MAX_BULK_BYTES", &c.MaxBulkBytes),
		envDuration("SERIALPOOL_REQUEST_TIMEOUT", &c.RequestTimeout, false),
		envDuration("SERIALPOOL_BULK_TIMEOUT", &c.BulkTimeout, false),
		envDuration("SERIALPOOL_REPLENISH_INTERVAL", &c.ReplenishInterval, false),
		envDuration("SERIALPOOL_REPLENISH_RETRY_FIRST", &c.RetryFirst, false),
		envDuration("SERIALPOOL_REPLENISH_RETRY_MAX", &c.RetryMax, false),
		envDuration("SERIALPOOL_SLOW_QUERY", &c.SlowQuery, false),
		envDuration("SERIALPOOL_AUTH_CACHE", &c.AuthCache, true),
		envDuration("SERIALPOOL_EVENT_CLOCK_SKEW", &c.EventClockSkew, true),
		envDuration("SERIALPOOL_BODY_IDLE_TIMEOUT", &c.BodyIdleTimeout, false),
		envDuration("SERIALPOOL_READ_HEADER_TIMEOUT", &c.ReadHeaderTimeout, false),
		envDuration("SERIALPOOL_IDLE_TIMEOUT", &c.IdleTimeout, false),
		envInt("SERIALPOOL_MAX_COMPLEXITY", &c.MaxComplexity, false),
		envInt("SERIALPOOL_MAX_DEPTH", &c.MaxDepth, false),
		envInt("SERIALPOOL_MAX_TOKENS", &c.MaxTokens, false),
		envInt("SERIALPOOL_MAX_FIELDS", &c.MaxFields, false),
		envInt("SERIALPOOL_MAX_SELECTIONS", &c.MaxSelections, false),
		envInt("SERIALPOOL_RATE_BURST", &c.RateBurst, false),
		envInt("SERIALPOOL_MAX_SOCKETS", &c.MaxSockets, false),
		envInt("SERIALPOOL_GRAPHQL_SLOTS", &c.GraphQLSlots, true),
		envInt("SERIALPOOL_MAX_SUBSCRIPTIONS", &c.MaxSubscriptions, false),
		envBool("SERIALPOOL_LIVE_POLL", &c.LivePoll),
		envInt("SERIALPOOL_BULK_PER_TENANT", &c.BulkPerTenant, false),
		envInt("SERIALPOOL_AUTH_FAIL_LIMIT", &c.AuthFailLimit, true),
		envDuration("SERIALPOOL_SESSION_IDLE", &c.Sessions.Idle, false),
		envDuration("SERIALPOOL_SESSION_MAX", &c.Sessions.Max, false),
		envBool("SERIALPOOL_SECURE_COOKIES", &c.SecureCookies),
		envInt("SERIALPOOL_LOCKOUT_FAILURES", &c.Lockout.Failures, false),
		envDuration("SERIALPOOL_LOCKOUT_WINDOW", &c.Lockout.Window, false),
		envRate("SERIALPOOL_RATE_LIMIT", &c.RateLimit),
	} {
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// The env* parsers leave dst as it is when the variable is unset.

func envBool(name string, dst *bool) (err error) {
	if v := os.Getenv(name); v != "" {
		if *dst, err = strconv.ParseBool(v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func envBytes(name string, dst *int64) (err error) {
	if v := os.Getenv(name); v != "" {
		if *dst, err = strconv.ParseInt(v, 10, 64); err != nil || *dst <= 0 {
			return fmt.Errorf("%s: want a positive number of bytes, got %q", name, v)
		}
	}
	return nil
}

// envDuration reads a positive duration, or also 0 when zeroOff (0 turns it off).
func envDuration(name string, dst *time.Duration, zeroOff bool) (err error) {
	if v := os.Getenv(name); v != "" {
		if *dst, err = time.ParseDuration(v); err != nil || *dst < 0 || (*dst == 0 && !zeroOff) {
			return fmt.Errorf("%s: want a duration such as 30s, got %q", name, v)
		}
	}
	return nil
}

// envInt reads a positive whole number, or also 0 when zeroOff (0 turns it off).
func envInt(name string, dst *int, zeroOff bool) (err error) {
	if v := os.Getenv(name); v != "" {
		if *dst, err = strconv.Atoi(v); err != nil || *dst < 0 || (*dst == 0 && !zeroOff) {
			return fmt.Errorf("%s: want a positive whole number, got %q", name, v)
		}
	}
	return nil
}

func envRate(name string, dst *float64) (err error) {
	if v := os.Getenv(name); v != "" {
		if *dst, err = strconv.ParseFloat(v, 64); err != nil || *dst < 0 {
			return fmt.Errorf("%s: want requests per second (0 for unlimited), got %q", name, v)
		}
	}
	return nil
}

func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
