package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/serialpool/serialpool/db/dbtest"
)

// TestCommands drives the operator commands as outside scripts do, then uses
// the key they print against a server.
func TestCommands(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	ctx := context.Background()
	runJSON := func(args ...string) map[string]any {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, args, &out); err != nil {
			t.Fatalf("serialpool %s: %v", strings.Join(args, " "), err)
		}
		var v map[string]any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("serialpool %s printed %q: %v", strings.Join(args, " "), out.String(), err)
		}
		return v
	}

	if err := run(ctx, []string{"migrate"}, &bytes.Buffer{}); err != nil { // idempotent: the template is migrated
		t.Fatal(err)
	}
	first := runJSON("seed-demo", "--json")
	second := runJSON("seed-demo", "--json")
	for _, role := range []string{"mah_admin", "mah_operator", "mah_viewer", "cmo_admin"} {
		a, _ := first["keys"].(map[string]any)[role].(string)
		b, _ := second["keys"].(map[string]any)[role].(string)
		if !strings.HasPrefix(a, "sp_") || !strings.HasPrefix(b, "sp_") || a == b {
			t.Errorf("seed-demo keys for %s: %q then %q", role, a, b)
		}
	}
	tenant := runJSON("tenant", "create", "--name", "Acme CMO", "--json")
	id, _ := tenant["id"].(string)
	key := runJSON("key", "create", "--tenant", id, "--role", "operator", "--json")["key"].(string)

	d := newDemoAt(t, url)
	var v struct {
		Viewer struct {
			Tenant struct{ Name string }
			Role   string
		}
		Products struct{ TotalCount int }
	}
	d.gql(t, key, `{ viewer { tenant { name } role } products { totalCount } }`, nil).ok(t, &v)
	if v.Viewer.Tenant.Name != "Acme CMO" || v.Viewer.Role != "OPERATOR" || v.Products.TotalCount != 0 {
		t.Errorf("new tenant's key sees %+v", v)
	}
	// The demo seeded twice is still one data set.
	var n int
	d.sql(t, `SELECT count(*) FROM tenants WHERE name = 'Demo Pharma'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d demo MAH tenants after two seeds", n)
	}

	for _, bad := range [][]string{
		{}, {"frobnicate"}, {"tenant", "create"}, {"tenant", "delete"},
		{"key", "create", "--tenant", id, "--role", "root"},
		{"key", "create", "--tenant", "abc", "--role", "admin"},
		{"key", "create", "--tenant", "999999", "--role", "admin"},
	} {
		if err := run(ctx, bad, &bytes.Buffer{}); err == nil {
			t.Errorf("serialpool %v succeeded", bad)
		}
	}
	if r := d.gql(t, "", `{ viewer { role } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("no key: %d", r.status)
	}

	// key list shows the tenant's keys, never a key; key revoke stops one (at
	// once here, with the authentication cache off), audited as the cli.
	viewerKey := runJSON("key", "create", "--tenant", id, "--role", "viewer", "--json")["key"].(string)
	var listed struct {
		Keys []struct {
			ID, Role              string
			LastUsedAt, RevokedAt *string
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"key", "list", "--tenant", id, "--json"}, &out); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), &listed); err != nil || len(listed.Keys) != 2 || strings.Contains(out.String(), "sp_") {
		t.Fatalf("key list printed %s (%v)", out.String(), err)
	}
	operator := listed.Keys[0]
	if operator.Role != "operator" || operator.LastUsedAt == nil || operator.RevokedAt != nil || listed.Keys[1].LastUsedAt != nil {
		t.Errorf("key list = %+v: want the used operator key first, the unused viewer key second", listed.Keys)
	}
	out.Reset()
	if err := run(ctx, []string{"key", "list", "--tenant", id}, &out); err != nil || !strings.Contains(out.String(), operator.ID) ||
		!strings.Contains(out.String(), "never") || strings.Contains(out.String(), "sp_") {
		t.Errorf("key list for people printed %q, %v", out.String(), err)
	}
	uncached := d.with(t, func(c *config) { c.AuthCache = 0 })
	if err := run(ctx, []string{"key", "revoke", "--id", operator.ID}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if r := uncached.gql(t, key, `{ viewer { role } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a key revoked by the cli: %d %+v", r.status, r.Errors)
	}
	if r := uncached.gql(t, viewerKey, `{ viewer { role } }`, nil); r.status != http.StatusOK {
		t.Errorf("the tenant's other key after a revocation: %d %+v", r.status, r.Errors)
	}
	var audited int
	d.sql(t, `SELECT count(*) FROM audit_log WHERE action = 'key.revoke' AND actor = 'cli'`).Scan(&audited)
	if audited != 1 {
		t.Errorf("%d cli revocations audited", audited)
	}
	for _, bad := range [][]string{
		{"key", "revoke"}, {"key", "revoke", "--id", "abc"}, {"key", "revoke", "--id", "999999"},
		{"key", "revoke", "--id", operator.ID}, // revoked already
		{"key", "list"}, {"key", "list", "--tenant", "999999"}, {"key", "delete"},
	} {
		if err := run(ctx, bad, &bytes.Buffer{}); err == nil {
			t.Errorf("serialpool %v succeeded", bad)
		}
	}
}
