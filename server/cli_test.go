package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
		if err := run(ctx, args, strings.NewReader(""), &out); err != nil {
			t.Fatalf("serialpool %s: %v", strings.Join(args, " "), err)
		}
		var v map[string]any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("serialpool %s printed %q: %v", strings.Join(args, " "), out.String(), err)
		}
		return v
	}

	if err := run(ctx, []string{"migrate"}, nil, &bytes.Buffer{}); err != nil { // idempotent: the template is migrated
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
	key := runJSON("key", "create", "--tenant", id, "--role", "operator", "--service-account", "Line 3 L3 server", "--json")["key"].(string)

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
		{"key", "create", "--tenant", id, "--role", "root", "--service-account", "X"},
		{"key", "create", "--tenant", "abc", "--role", "admin", "--service-account", "X"},
		{"key", "create", "--tenant", "999999", "--role", "admin", "--service-account", "X"},
		{"key", "create", "--tenant", id, "--role", "admin"}, // no owner
		{"key", "create", "--tenant", id, "--role", "admin", "--owner", "nobody@example.com"},
		{"key", "create", "--tenant", id, "--role", "admin", "--owner", "a@example.com", "--service-account", "X"},
	} {
		if err := run(ctx, bad, strings.NewReader(""), &bytes.Buffer{}); err == nil {
			t.Errorf("serialpool %v succeeded", bad)
		}
	}
	if r := d.gql(t, "", `{ viewer { role } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("no key: %d", r.status)
	}

	// key list shows the tenant's keys, never a key; key revoke stops one (at
	// once here, with the authentication cache off), audited as the cli.
	viewerKey := runJSON("key", "create", "--tenant", id, "--role", "viewer", "--service-account", "BI dashboard", "--json")["key"].(string)
	var listed struct {
		Keys []struct {
			ID, Role              string
			LastUsedAt, RevokedAt *string
		}
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"key", "list", "--tenant", id, "--json"}, nil, &out); err != nil {
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
	if err := run(ctx, []string{"key", "list", "--tenant", id}, nil, &out); err != nil || !strings.Contains(out.String(), operator.ID) ||
		!strings.Contains(out.String(), "never") || strings.Contains(out.String(), "sp_") {
		t.Errorf("key list for people printed %q, %v", out.String(), err)
	}
	uncached := d.with(t, func(c *config) { c.AuthCache = 0 })
	if err := run(ctx, []string{"key", "revoke", "--id", operator.ID}, nil, &bytes.Buffer{}); err != nil {
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
		if err := run(ctx, bad, strings.NewReader(""), &bytes.Buffer{}); err == nil {
			t.Errorf("serialpool %v succeeded", bad)
		}
	}
}

// TestUserCommands drives the user commands, then signs in as the people they
// made, and checks that a person's key is audited under their name.
func TestUserCommands(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("SERIALPOOL_PUBLIC_URL", "https://pool.example.com/")
	ctx := context.Background()
	runIn := func(stdin string, args ...string) (map[string]any, error) {
		t.Helper()
		var out bytes.Buffer
		if err := run(ctx, args, strings.NewReader(stdin), &out); err != nil {
			return nil, err
		}
		var v map[string]any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Fatalf("serialpool %s printed %q: %v", strings.Join(args, " "), out.String(), err)
		}
		return v, nil
	}
	must := func(v map[string]any, err error) map[string]any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// seed-demo --json adds the demo people, whose passwords sign in.
	seeded := must(runIn("", "seed-demo", "--json"))
	d := newDemoAt(t, url)
	users, _ := seeded["users"].(map[string]any)
	for _, who := range []string{"mah_admin", "mah_operator", "mah_viewer", "cmo_admin", "cmo_operator"} {
		u, _ := users[who].(map[string]any)
		email, _ := u["email"].(string)
		password, _ := u["password"].(string)
		if _, status, body := d.signIn(t, email, password, ""); status != http.StatusNoContent {
			t.Errorf("demo user %s (%s): %d %s", who, email, status, body)
		}
	}

	tenant := must(runIn("", "tenant", "create", "--name", "Acme CMO", "--json"))["id"].(string)
	made := must(runIn("a long enough password\n", "user", "create", "--tenant", tenant, "--email", "Ida@acme.example", "--name", "Ida Acme", "--role", "admin", "--json"))
	if made["invitation"] != nil {
		t.Errorf("a user with a password got an invitation: %v", made)
	}
	ida, status, body := d.signIn(t, "ida@acme.example", "a long enough password", "")
	if status != http.StatusNoContent {
		t.Fatalf("sign-in with the password given on stdin: %d %s", status, body)
	}
	// No password: an invitation link, which sets it once.
	invited := must(runIn("", "user", "create", "--tenant", tenant, "--email", "jan@acme.example", "--name", "Jan Acme", "--role", "viewer", "--json"))
	link, _ := invited["link"].(string)
	token, _ := invited["invitation"].(string)
	if link != "https://pool.example.com/invitation#"+token || !strings.HasPrefix(token, "spu_") {
		t.Fatalf("invitation %v", invited)
	}
	jan := &browser{url: d.url}
	if res, body := jan.do(t, http.MethodPost, "/auth/invitation", map[string]string{"token": token, "password": "short"}, false); res.StatusCode != http.StatusBadRequest {
		t.Errorf("invitation with a short password: %d %s", res.StatusCode, body)
	}
	if res, body := jan.do(t, http.MethodPost, "/auth/invitation", map[string]string{"token": token, "password": "jan's own password"}, false); res.StatusCode != http.StatusNoContent || jan.cookie == nil {
		t.Errorf("accept the invitation: %d %s", res.StatusCode, body)
	}
	if res, _ := (&browser{url: d.url}).do(t, http.MethodPost, "/auth/invitation", map[string]string{"token": token, "password": "another password!"}, false); res.StatusCode != http.StatusNotFound {
		t.Errorf("an invitation used twice: %d", res.StatusCode)
	}

	listed := must(runIn("", "user", "list", "--tenant", tenant, "--json"))
	if l, _ := listed["users"].([]any); len(l) != 2 || !strings.Contains(fmt.Sprint(l), "Ida@acme.example") || strings.Contains(fmt.Sprint(l), "password") {
		t.Errorf("user list = %v", listed)
	}

	// A person's key: the audit names them.
	key := must(runIn("", "key", "create", "--tenant", tenant, "--role", "admin", "--owner", "ida@ACME.example", "--json"))["key"].(string)
	d.gql(t, key, `mutation { createPartnerInvitation { code } }`, nil).ok(t, &struct{}{})
	var actor string
	d.sql(t, `SELECT actor FROM audit_log WHERE action = 'partnership.invite' ORDER BY id DESC LIMIT 1`).Scan(&actor)
	if !strings.HasPrefix(actor, "Ida Acme <Ida@acme.example> (key:") {
		t.Errorf("a person's key is audited as %q", actor)
	}

	if err := run(ctx, []string{"user", "disable", "--email", "IDA@acme.example"}, nil, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if status, _ := ida.gql(t, `{ viewer { role } }`, true); status != http.StatusUnauthorized {
		t.Errorf("a disabled user's session: %d", status)
	}
	// A key stops within the authentication cache: here at once, with it off.
	if r := d.with(t, func(c *config) { c.AuthCache = 0 }).gql(t, key, `{ viewer { role } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a disabled user's key: %d", r.status)
	}
	for _, bad := range [][]string{
		{"user", "create", "--tenant", tenant, "--email", "jan@acme.example", "--name", "Twin", "--role", "viewer"}, // taken
		{"user", "create", "--tenant", tenant, "--email", "not-an-address", "--name", "X", "--role", "viewer"},
		{"user", "create", "--tenant", tenant, "--email", "k@acme.example", "--name", "X", "--role", "root"},
		{"user", "create", "--tenant", "999999", "--email", "k@acme.example", "--name", "X", "--role", "viewer"},
		{"user", "create", "--email", "k@acme.example", "--name", "X", "--role", "viewer"},
		{"user", "list"}, {"user", "disable"}, {"user", "disable", "--email", "nobody@acme.example"}, {"user", "delete"},
	} {
		if err := run(ctx, bad, strings.NewReader(""), &bytes.Buffer{}); err == nil {
			t.Errorf("serialpool %v succeeded", bad)
		}
	}
	if err := run(ctx, []string{"user", "create", "--tenant", tenant, "--email", "k@acme.example", "--name", "K", "--role", "viewer"},
		strings.NewReader("k@acme.example\n"), &bytes.Buffer{}); err == nil {
		t.Error("user create with the e-mail as password succeeded")
	}
}
