package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// demo is a server over a database seeded with the demo data set.
type demo struct {
	url   string
	keys  db.DemoKeys
	db    *db.DB
	dbURL string
}

func newDemo(t testing.TB) *demo {
	t.Helper()
	d := newDemoAt(t, dbtest.URL(t))
	var err error
	if d.keys, err = d.db.SeedDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// newDemoAt serves the database at url, as it is.
func newDemoAt(t testing.TB, url string) *demo {
	t.Helper()
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newHandler(cfg, d, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))))
	t.Cleanup(srv.Close)
	return &demo{url: srv.URL, db: d, dbURL: url}
}

// conn connects as the database owner, outside every tenant, for ground truth.
func (d *demo) conn(t *testing.T) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), d.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// sql runs a ground-truth query as the database owner, outside every tenant.
func (d *demo) sql(t *testing.T, query string, args ...any) pgx.Row {
	t.Helper()
	return d.conn(t).QueryRow(context.Background(), query, args...)
}

type gqlError struct {
	Message    string
	Extensions map[string]any
}

type gqlResponse struct {
	Data   json.RawMessage
	Errors []gqlError
	status int
}

// gql posts a GraphQL request with key and decodes the answer.
func (d *demo) gql(t *testing.T, key, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, d.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		t.Fatalf("decode %s: %v", res.Status, err)
	}
	r.status = res.StatusCode
	return r
}

// ok decodes data into v and fails the test on any GraphQL error.
func (r gqlResponse) ok(t *testing.T, v any) {
	t.Helper()
	if len(r.Errors) > 0 || r.status != http.StatusOK {
		t.Fatalf("status %d, errors %+v", r.status, r.Errors)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatal(err)
	}
}

// code returns the first error's extensions.code.
func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestHealthMetricsAndSPA(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/metrics", 200, "serialpool_db_statements_total"},
		{"/", 200, "<div id=\"app\""},
		{"/products/04012340051006", 200, "<div id=\"app\""}, // an SPA route survives a reload
		{"/missing.js", 404, ""},
		{"/playground", 200, "/graphql"},
	} {
		status, body := get(t, d.url+tc.path)
		if status != tc.status || !strings.Contains(body, tc.body) {
			t.Errorf("GET %s = %d %.80q, want %d containing %q", tc.path, status, body, tc.status, tc.body)
		}
	}
	// Browsers get the app under a strict policy, and keep API answers out of caches.
	for path, want := range map[string]map[string]string{
		"/":                                     {"Content-Security-Policy": "default-src 'self'", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"},
		"/partners":                             {"Content-Security-Policy": "frame-ancestors 'none'"},
		"/graphql?query=%7Bviewer%7Brole%7D%7D": {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
		"/api/v2/products/" + amoxicillin + "/pool": {"Cache-Control": "no-store"},
	} {
		req, _ := http.NewRequest(http.MethodGet, d.url+path, nil)
		req.Header.Set("Authorization", "Bearer "+d.keys.MAHViewer)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for h, v := range want {
			if !strings.Contains(res.Header.Get(h), v) {
				t.Errorf("GET %s: %s = %q, want it to contain %q", path, h, res.Header.Get(h), v)
			}
		}
	}
}
