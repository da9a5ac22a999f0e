package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/serialpool/serialpool/internal/serverproc"
)

func TestConfigFromEnvironment(t *testing.T) {
	t.Setenv("SERIALPOOL_AUTH_CACHE", "0")
	t.Setenv("SERIALPOOL_AUTH_FAIL_LIMIT", "0")
	t.Setenv("SERIALPOOL_RATE_LIMIT", "0")
	t.Setenv("SERIALPOOL_MAX_BULK_BYTES", "1024")
	t.Setenv("SERIALPOOL_IDLE_TIMEOUT", "90s")
	t.Setenv("SERIALPOOL_MAX_DEPTH", "7")
	t.Setenv("SERIALPOOL_REPLENISH_RETRY_FIRST", "15m")
	t.Setenv("SERIALPOOL_REPLENISH_RETRY_MAX", "15m")
	t.Setenv("SERIALPOOL_INTROSPECTION", "false")
	t.Setenv("SERIALPOOL_EVENT_CLOCK_SKEW", "0")
	t.Setenv("SERIALPOOL_CORS_ORIGINS", " https://a.example , ,https://b.example")
	c, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthCache != 0 || c.AuthFailLimit != 0 || c.RateLimit != 0 || c.MaxBulkBytes != 1024 || c.IdleTimeout != 90*time.Second ||
		c.MaxDepth != 7 || c.Introspection || c.EventClockSkew != 0 || c.RetryFirst != 15*time.Minute || c.RetryMax != 15*time.Minute || strings.Join(c.CORSOrigins, " ") != "https://a.example https://b.example" {
		t.Errorf("config %+v", c)
	}
	if c.MaxBodyBytes != 16<<20 || c.RequestTimeout != 30*time.Second || c.MaxSockets != 20 {
		t.Errorf("unset variables lost their defaults: %+v", c)
	}
	t.Setenv("SERIALPOOL_EVENT_CLOCK_SKEW", "")
	if c, _ := loadConfig(); c.EventClockSkew != 5*time.Minute {
		t.Errorf("default clock skew %v, want 5m", c.EventClockSkew)
	}

	// 0 turns off only the cache, the failure limit and the rate limit.
	for name, value := range map[string]string{
		"SERIALPOOL_INTROSPECTION": "maybe", "SERIALPOOL_MAX_BODY_BYTES": "0", "SERIALPOOL_MAX_BULK_BYTES": "4G",
		"SERIALPOOL_REQUEST_TIMEOUT": "0", "SERIALPOOL_BULK_TIMEOUT": "-1m", "SERIALPOOL_REPLENISH_INTERVAL": "10",
		"SERIALPOOL_SLOW_QUERY": "0s", "SERIALPOOL_AUTH_CACHE": "-1s", "SERIALPOOL_BODY_IDLE_TIMEOUT": "0",
		"SERIALPOOL_READ_HEADER_TIMEOUT": "soon", "SERIALPOOL_IDLE_TIMEOUT": "0", "SERIALPOOL_MAX_COMPLEXITY": "0",
		"SERIALPOOL_MAX_DEPTH": "-3", "SERIALPOOL_MAX_TOKENS": "1e4", "SERIALPOOL_MAX_FIELDS": "0", "SERIALPOOL_MAX_SELECTIONS": "x",
		"SERIALPOOL_RATE_BURST": "0", "SERIALPOOL_MAX_SOCKETS": "0", "SERIALPOOL_MAX_SUBSCRIPTIONS": "0",
		"SERIALPOOL_BULK_PER_TENANT": "0", "SERIALPOOL_AUTH_FAIL_LIMIT": "-1", "SERIALPOOL_RATE_LIMIT": "-5",
		"SERIALPOOL_UPSTREAM_ALLOW": "10.0.0.0/33", "SERIALPOOL_REPLENISH_RETRY_FIRST": "0", "SERIALPOOL_REPLENISH_RETRY_MAX": "-1m",
		"SERIALPOOL_EVENT_CLOCK_SKEW": "-5m",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			if _, err := loadConfig(); err == nil || !strings.HasPrefix(err.Error(), name+": ") {
				t.Errorf("%s=%s: error %v, want one naming the variable", name, value, err)
			}
		})
	}
}

// TestPprofListener: SERIALPOOL_PPROF_ADDR serves Go's profiler on its own
// listener; the API's listener never does.
func TestPprofListener(t *testing.T) {
	t.Parallel()
	bin, err := serverproc.Binary()
	if err != nil {
		t.Fatal(err)
	}
	d := newDemo(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s, err := serverproc.Start(bin, d.dbURL, "SERIALPOOL_PPROF_ADDR="+addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	res, err := http.Get("http://" + addr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "serialpool") {
		t.Errorf("the profiler's cmdline: %s %q; want 200 naming the binary", res.Status, body)
	}
	res, err = http.Get(s.URL + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	api, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(api) == string(body) {
		t.Errorf("the API's listener answered the profiler's path: %s %q", res.Status, api)
	}
}
