package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// TestMigrationMovesUpstreamCredentials stores upstream URLs with credentials
// under the schema before migration 00010, migrates, and finds the URLs without
// them (acceptable to createChannel now) and the credentials in the secret.
func TestMigrationMovesUpstreamCredentials(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.db.MigrateDownTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		stored, url, secret string // secret "" is NULL
	}{
		{"https://snx%40user:p%3Ass%2Fw0rd@erp.example.com:8443/path?client=100#frag", "https://erp.example.com:8443/path?client=100#frag",
			`{"password": "p:ss/w0rd", "username": "snx@user"}`},
		{"https://erp.example.com/r?token=abc%2B1+2&client=100", "https://erp.example.com/r?client=100", `{"token": "abc+1 2"}`},
		{"http://erp.example.com/r?access_token=T", "http://erp.example.com/r", `{"token": "T"}`},
		{"https://user@erp.example.com/", "https://erp.example.com/", `{"username": "user"}`},
		{"https://a:b@erp.example.com/r?x=1&TOKEN=t#f?token=no", "https://erp.example.com/r?x=1#f?token=no", `{"token": "t", "password": "b", "username": "a"}`},
		{"https://erp.example.com/plain?x=1&tokens=2", "https://erp.example.com/plain?x=1&tokens=2", ""},
	}
	for i, c := range cases {
		if err := w.db.Gorm().Exec(`INSERT INTO channels (tenant_id, source, name, key_hash, upstream_url) VALUES (?, 'SAP_ATTP', ?, sha256(?::bytea), ?)`,
			w.mah, fmt.Sprint("C", i), fmt.Sprint("k", i), c.stored).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := w.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		var row struct {
			UpstreamURL string
			Secret      *string
		}
		if err := w.db.Gorm().Raw(`SELECT upstream_url, upstream_secret::text AS secret FROM channels WHERE name = ?`, fmt.Sprint("C", i)).Scan(&row).Error; err != nil {
			t.Fatal(err)
		}
		if row.UpstreamURL != c.url || (row.Secret == nil) != (c.secret == "") || (row.Secret != nil && *row.Secret != c.secret) {
			t.Errorf("%s migrated to %s with secret %v, want %s and %s", c.stored, row.UpstreamURL, deref(row.Secret), c.url, c.secret)
		}
		if err := (pool.Upstream{URL: &row.UpstreamURL}).Validate(pool.UpstreamPolicy{}); err != nil {
			t.Errorf("migrated %s still refused: %v", row.UpstreamURL, err)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

// TestReplenishmentUpstream hands the replenisher a channel's write-only
// credentials, and no upstream at all once the channel is revoked.
func TestReplenishmentUpstream(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	low, to := 10, 100
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: p.Code, LowThreshold: &low, ReplenishTo: &to}); err != nil {
		t.Fatal(err)
	}
	url := "https://attp.example.com/numberRanges"
	creds := pool.UpstreamCredentials{Username: "attp", Password: "s3cret"}
	ch, _, err := w.db.CreateChannel(w.mahAdmin, pool.NewChannel{Name: "ATTP", Source: pool.SourceSAPATTP, Upstream: pool.Upstream{URL: &url, Credentials: creds}})
	if err != nil || !ch.UpstreamCredentialsSet {
		t.Fatalf("CreateChannel = %+v, %v", ch, err)
	}
	if _, err := w.db.ScheduleReplenishments(ctx); err != nil {
		t.Fatal(err)
	}
	job, err := w.db.ClaimReplenishment(ctx, time.Now())
	if err != nil || job == nil || job.ChannelID != ch.ID || job.UpstreamURL == nil || *job.UpstreamURL != url || job.Credentials != creds {
		t.Fatalf("ClaimReplenishment = %+v, %v", job, err)
	}
	if _, err := w.db.RevokeChannel(w.mahAdmin, ch.ID); err != nil {
		t.Fatal(err)
	}
	job, err = w.db.ClaimReplenishment(ctx, time.Now())
	if err != nil || job == nil || job.UpstreamURL != nil || job.ChannelID != 0 || !job.Credentials.IsZero() {
		t.Fatalf("ClaimReplenishment after revocation = %+v, %v", job, err)
	}
}
