package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// keyRow is an API key as apiKeys lists it.
type keyRow struct {
	ID, Role              string
	CreatedAt             time.Time
	LastUsedAt, RevokedAt *time.Time
}

// TestAPIKeys has a tenant admin list the tenant's keys (never a key itself),
// watch their last use being recorded without a write per request, and revoke
// keys, its own included, each revocation audited and effective at once with
// the authentication cache off.
func TestAPIKeys(t *testing.T) {
	t.Parallel()
	d := newDemo(t).with(t, func(c *config) { c.AuthCache = 0 })
	const list = `{ apiKeys { id role createdAt lastUsedAt revokedAt } }`
	var keys struct{ APIKeys []keyRow }
	r := d.gql(t, d.keys.MAHAdmin, list, nil)
	r.ok(t, &keys)
	var mahKeys int
	d.sql(t, `SELECT count(*) FROM api_keys WHERE tenant_id = (SELECT id FROM tenants WHERE name = 'Demo Pharma')`).Scan(&mahKeys)
	if len(keys.APIKeys) != mahKeys || mahKeys < 3 {
		t.Fatalf("apiKeys lists %d keys, the tenant has %d", len(keys.APIKeys), mahKeys)
	}
	if body := string(r.Data); strings.Contains(body, "sp_") {
		t.Errorf("apiKeys shows a key: %s", body)
	}
	keyID := map[string]string{} // role -> id of the demo key
	var adminUsed bool
	for _, k := range keys.APIKeys {
		keyID[k.Role] = k.ID
		adminUsed = adminUsed || (k.Role == "ADMIN" && k.LastUsedAt != nil)
	}
	if !adminUsed || keyID["OPERATOR"] == "" || keyID["VIEWER"] == "" {
		t.Errorf("apiKeys = %+v: want the admin's last use and every role", keys.APIKeys)
	}
	for _, key := range []string{d.keys.MAHViewer, d.keys.MAHOperator} {
		if r := d.gql(t, key, list, nil); r.code() != "FORBIDDEN" {
			t.Errorf("apiKeys for a non-admin: %+v", r.Errors)
		}
	}

	// Last use costs no write per request: the row stays untouched (same xmin)
	// while its last use is under a minute old, and is brought up to date after.
	row := func() (xmin string, lastUsed time.Time) {
		d.sql(t, `SELECT xmin::text, last_used_at FROM api_keys WHERE hash = sha256(convert_to($1, 'UTF8'))`, d.keys.MAHViewer).Scan(&xmin, &lastUsed)
		return
	}
	d.gql(t, d.keys.MAHViewer, `{ viewer { role } }`, nil).ok(t, &struct{}{})
	xmin, used := row()
	for range 5 {
		d.gql(t, d.keys.MAHViewer, `{ viewer { role } }`, nil).ok(t, &struct{}{})
	}
	if x, u := row(); x != xmin || !u.Equal(used) {
		t.Errorf("5 requests within a minute rewrote the key's row: xmin %s -> %s, last used %v -> %v", xmin, x, used, u)
	}
	if _, err := d.conn(t).Exec(context.Background(), `UPDATE api_keys SET last_used_at = now() - interval '2 minutes' WHERE hash = sha256(convert_to($1, 'UTF8'))`, d.keys.MAHViewer); err != nil {
		t.Fatal(err)
	}
	d.gql(t, d.keys.MAHViewer, `{ viewer { role } }`, nil).ok(t, &struct{}{})
	if _, u := row(); time.Since(u) > 30*time.Second {
		t.Errorf("last use %v not recorded after a minute", u)
	}

	// Revoking the operator's key: it stops working; a second revocation is NOT_FOUND.
	const revoke = `mutation($id: ID!) { revokeApiKey(id: $id, signature: {meaning: PERFORMED, reason: "test"}) { id role revokedAt } }`
	var rv struct{ RevokeAPIKey keyRow }
	d.gql(t, d.keys.MAHAdmin, revoke, map[string]any{"id": keyID["OPERATOR"]}).ok(t, &rv)
	if rv.RevokeAPIKey.ID != keyID["OPERATOR"] || rv.RevokeAPIKey.RevokedAt == nil {
		t.Errorf("revokeApiKey = %+v", rv)
	}
	if r := d.gql(t, d.keys.MAHOperator, `{ viewer { role } }`, nil); r.status != http.StatusUnauthorized {
		t.Errorf("a revoked key: %d %+v", r.status, r.Errors)
	}
	if r := d.gql(t, d.keys.MAHAdmin, revoke, map[string]any{"id": keyID["OPERATOR"]}); r.code() != "NOT_FOUND" {
		t.Errorf("revoking a revoked key: %+v", r.Errors)
	}
	// Its own key: the answer comes, then the key is refused.
	d.gql(t, d.keys.MAHAdmin, revoke, map[string]any{"id": keyID["ADMIN"]}).ok(t, &rv)
	if r := d.gql(t, d.keys.MAHAdmin, list, nil); r.status != http.StatusUnauthorized {
		t.Errorf("the admin's own revoked key: %d %+v", r.status, r.Errors)
	}
	var audited int
	d.sql(t, `SELECT count(*) FROM audit_log WHERE action = 'key.revoke' AND actor LIKE 'key:%' AND detail->>'role' IN ('operator', 'admin')`).Scan(&audited)
	if audited != 2 {
		t.Errorf("%d key revocations audited, want 2", audited)
	}
}

// TestChannelKeys rotates a channel's key (the old one stops working at once,
// the new one works) and revokes the channel (its key stops working, what it
// delivered stays); each step is audited, and neither works on a revoked channel.
func TestChannelKeys(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var c struct {
		CreateChannel struct {
			Key     string
			Channel struct{ ID string }
		}
	}
	d.gql(t, d.keys.MAHAdmin, `mutation { createChannel(input: {name: "Line 7", source: SAP_ATTP}) { key channel { id } } }`, nil).ok(t, &c)
	id, oldKey := c.CreateChannel.Channel.ID, c.CreateChannel.Key
	push := func(key, serial string) int {
		status, _ := d.raw(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: key, Type: "text/csv", Body: serial + "\n"})
		return status
	}
	if s := push(oldKey, "CK-1"); s != http.StatusCreated {
		t.Fatalf("push with a new channel key: %d", s)
	}
	var rot struct {
		RotateChannelKey struct {
			Key     string
			Channel struct {
				ID           string
				KeyRotatedAt *time.Time
			}
		}
	}
	d.gql(t, d.keys.MAHAdmin, `mutation($id: ID!) { rotateChannelKey(id: $id) { key channel { id keyRotatedAt } } }`, map[string]any{"id": id}).ok(t, &rot)
	newKey := rot.RotateChannelKey.Key
	if !strings.HasPrefix(newKey, "spc_") || newKey == oldKey || rot.RotateChannelKey.Channel.KeyRotatedAt == nil {
		t.Fatalf("rotateChannelKey = %+v", rot)
	}
	if s := push(oldKey, "CK-2"); s != http.StatusUnauthorized {
		t.Errorf("push with the replaced key: %d", s)
	}
	if s := push(newKey, "CK-3"); s != http.StatusCreated {
		t.Errorf("push with the rotated key: %d", s)
	}
	var rev struct {
		RevokeChannel struct{ RevokedAt *time.Time }
	}
	d.gql(t, d.keys.MAHAdmin, `mutation($id: ID!) { revokeChannel(id: $id) { revokedAt } }`, map[string]any{"id": id}).ok(t, &rev)
	if rev.RevokeChannel.RevokedAt == nil {
		t.Errorf("revokeChannel = %+v", rev)
	}
	if s := push(newKey, "CK-4"); s != http.StatusUnauthorized {
		t.Errorf("push with a revoked channel's key: %d", s)
	}
	for _, m := range []string{`rotateChannelKey(id: $id) { key }`, `revokeChannel(id: $id) { id }`, `updateChannelUpstream(input: {id: $id}) { id }`} {
		if r := d.gql(t, d.keys.MAHAdmin, `mutation($id: ID!) { `+m+` }`, map[string]any{"id": id}); r.code() != "NOT_FOUND" {
			t.Errorf("%s on a revoked channel: %+v", m, r.Errors)
		}
	}
	var listed struct {
		Channels []struct {
			ID                      string
			CreatedAt               time.Time
			KeyRotatedAt, RevokedAt *time.Time
		}
	}
	d.gql(t, d.keys.MAHViewer, `{ channels { id createdAt keyRotatedAt revokedAt } }`, nil).ok(t, &listed)
	var seen bool
	for _, ch := range listed.Channels {
		if ch.ID == id {
			seen = ch.KeyRotatedAt != nil && ch.RevokedAt != nil && !ch.CreatedAt.IsZero()
		}
	}
	if !seen {
		t.Errorf("channels = %+v: want the revoked channel with its times", listed)
	}
	var batches, serials, audited int
	d.sql(t, `SELECT count(*) FROM intake_batches b JOIN channels c ON c.id = b.channel_id WHERE c.name = 'Line 7'`).Scan(&batches)
	d.sql(t, `SELECT count(*) FROM serials WHERE value IN ('CK-1', 'CK-3')`).Scan(&serials)
	d.sql(t, `SELECT count(*) FROM audit_log WHERE action IN ('channel.rotate_key', 'channel.revoke') AND detail->>'name' = 'Line 7'`).Scan(&audited)
	if batches != 2 || serials != 2 || audited != 2 {
		t.Errorf("after revocation: %d batches, %d serials, %d audit entries; want 2 of each", batches, serials, audited)
	}
}

// TestUpstreamCredentials stores an upstream's credentials as a write-only
// secret: a URL carrying them is refused, the secret is never shown by any
// field, audit entry or export, the request role cannot even select it, and
// replacing the upstream without credentials clears them.
func TestUpstreamCredentials(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const create = `mutation($in: CreateChannelInput!) { createChannel(input: $in) { channel { id upstreamUrl upstreamCredentialsSet } } }`
	for _, u := range []string{
		"https://snx-user:S3cret@erp.example.com/replenish",
		"https://erp.example.com/replenish?client=100&token=S3cret",
		"https://erp.example.com/replenish?ACCESS_TOKEN=S3cret",
		"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
		"http://127.0.0.1:8080/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://10.0.0.1/", "http://100.100.100.200/", "http://0.0.0.0/",
		"ftp://erp.example.com/", "https:///no-host",
	} {
		r := d.gql(t, d.keys.MAHAdmin, create, map[string]any{"in": map[string]any{"name": "Bad", "source": "SAP_ATTP", "upstreamUrl": u}})
		if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["field"] != "upstreamUrl" {
			t.Errorf("createChannel with upstreamUrl %s: %+v", u, r.Errors)
		}
	}
	for _, in := range []map[string]any{
		{"upstreamUrl": "https://erp.example.com/", "upstreamUsername": "u", "upstreamPassword": "p", "upstreamToken": "t"},
		{"upstreamUrl": "https://erp.example.com/", "upstreamPassword": "p"},
		{"upstreamUrl": "https://erp.example.com/", "upstreamUsername": "a:b", "upstreamPassword": "p"},
		{"upstreamUrl": "https://erp.example.com/", "upstreamToken": "line\nbreak"},
		{"upstreamToken": "no URL to send it to"},
	} {
		in["name"], in["source"] = "Bad", "SAP_ATTP"
		if r := d.gql(t, d.keys.MAHAdmin, create, map[string]any{"in": in}); r.code() != "BAD_USER_INPUT" {
			t.Errorf("createChannel with %v: %+v", in, r.Errors)
		}
	}

	const secret = "S3cret-Pa55word"
	var c struct {
		CreateChannel struct {
			Channel struct {
				ID, UpstreamURL        string
				UpstreamCredentialsSet bool
			}
		}
	}
	d.gql(t, d.keys.MAHAdmin, create, map[string]any{"in": map[string]any{"name": "ATTP", "source": "SAP_ATTP",
		"upstreamUrl": "https://attp.example.com/numberRanges?client=100", "upstreamUsername": "attp", "upstreamPassword": secret}}).ok(t, &c)
	ch := c.CreateChannel.Channel
	if ch.UpstreamURL != "https://attp.example.com/numberRanges?client=100" || !ch.UpstreamCredentialsSet {
		t.Errorf("createChannel = %+v", ch)
	}
	for _, read := range []func() string{
		func() string {
			return string(d.gql(t, d.keys.MAHViewer, `{ channels { id name source upstreamUrl upstreamCredentialsSet createdAt keyRotatedAt revokedAt } }`, nil).Data)
		},
		func() string {
			return string(d.gql(t, d.keys.MAHViewer, `{ auditLog(first: 1000) { edges { node { action detail { key value } } } } }`, nil).Data)
		},
		func() string {
			_, body := d.raw(t, req{Method: "GET", Path: "/api/v2/audit.csv", Key: d.keys.MAHViewer})
			return body
		},
	} {
		if body := read(); strings.Contains(body, secret) || !strings.Contains(body, "attp.example.com") {
			t.Errorf("a read shows the secret or not the channel: %.300s", body)
		}
	}
	// The role every request runs as cannot select the secret, whatever the query.
	tx, err := d.conn(t).Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), `SET LOCAL ROLE serialpool_app`); err != nil {
		t.Fatal(err)
	}
	var leaked *string
	err = tx.QueryRow(context.Background(), `SELECT upstream_secret::text FROM channels LIMIT 1`).Scan(&leaked)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("serialpool_app selects upstream_secret: %v, %v", leaked, err)
	}
	tx.Rollback(context.Background())

	// A new upstream without credentials clears them: they never follow a URL to another host.
	var up struct {
		UpdateChannelUpstream struct {
			UpstreamURL            string
			UpstreamCredentialsSet bool
		}
	}
	d.gql(t, d.keys.MAHAdmin, `mutation($id: ID!) { updateChannelUpstream(input: {id: $id, upstreamUrl: "https://other.example.com/"}) { upstreamUrl upstreamCredentialsSet } }`,
		map[string]any{"id": ch.ID}).ok(t, &up)
	var stored *string
	d.sql(t, `SELECT upstream_secret::text FROM channels WHERE name = 'ATTP'`).Scan(&stored)
	if up.UpdateChannelUpstream.UpstreamURL != "https://other.example.com/" || up.UpdateChannelUpstream.UpstreamCredentialsSet || stored != nil {
		t.Errorf("updateChannelUpstream = %+v, stored secret %v", up, stored)
	}
}
