package db_test

import (
	"context"
	"testing"

	"github.com/serialpool/serialpool/pool"
)

// TestAuditNames: the ids in audit details come with the names of what they
// refer to (partner tenant, key owner, user, channel, order), read under the
// reader's row-level security, so another tenant's records stay unnamed.
func TestAuditNames(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	p := w.product(t, w.mahAdmin, gtin(1), "Named")
	w.addSerials(t, p, "N", 5)
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 1, OrderRef: "PO-4711"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.db.CreateChannel(w.mahAdmin, pool.NewChannel{Name: "Line 3", Source: pool.SourceSAPATTP}); err != nil {
		t.Fatal(err)
	}
	alice, _ := w.user(t, w.mah, "alice@example.com", pool.RoleOperator)
	if _, err := w.db.CreateOwnedKey(ctx, w.mah, pool.RoleViewer, pool.KeyOwner{ServiceAccount: "SAP ATTP"}); err != nil {
		t.Fatal(err)
	}
	keys, err := w.db.APIKeys(w.mahAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RevokeAPIKey(w.mahAdmin, keys[len(keys)-1].ID); err != nil {
		t.Fatal(err)
	}
	// An entry of the other tenant naming the MAH's user and the MAH itself,
	// as a forged or stale id would: it must not name them.
	if err := w.db.Gorm().Exec(`INSERT INTO audit_log (tenant_id, actor, action, detail) VALUES (?, 'cli', 'test.forged', jsonb_build_object('user', ?::bigint, 'partner', ?::bigint, 'request', 'PO-text'))`,
		w.other, alice.ID, w.mah).Error; err != nil {
		t.Fatal(err)
	}

	names := func(ctx context.Context, action string) map[string]string {
		t.Helper()
		page, err := w.db.AuditLog(ctx, pool.AuditFilter{Action: action, Limit: 10})
		if err != nil || len(page.Entries) == 0 {
			t.Fatalf("%s: %v, %d entries", action, err, len(page.Entries))
		}
		return page.Entries[0].Names
	}
	for _, c := range []struct{ action, key, want string }{
		{"partnership.create", "cmo", "CMO"},
		{"serials.request", "request", "PO-4711"},
		{"channel.create", "channel", "Line 3"},
		{"user.create", "user", "Person alice@example.com <alice@example.com>"},
		{"key.revoke", "key", "SAP ATTP"},
	} {
		if got := names(w.mahViewer, c.action)[c.key]; got != c.want {
			t.Errorf("%s: %s names %q; want %q", c.action, c.key, got, c.want)
		}
	}
	if got := names(w.cmoAdmin, "partnership.accepted")["mah"]; got != "MAH" {
		t.Errorf("the CMO's partnership.accepted names the MAH %q", got)
	}
	if got := names(w.otherAdmin, "test.forged"); len(got) != 0 {
		t.Errorf("another tenant's ids are named: %v", got)
	}
}

// TestAuditProductCodeContains: the product code filter matches part of a
// code, as the product search does, and takes LIKE's wildcards literally.
func TestAuditProductCodeContains(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Partly matched")
	q := w.product(t, w.mahAdmin, gtin(2), "Also partly matched")
	matched := func(code string) map[string]int {
		t.Helper()
		page, err := w.db.AuditLog(w.mahViewer, pool.AuditFilter{ProductCode: code, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, e := range page.Entries {
			out[e.ProductCode]++
		}
		return out
	}
	if got := matched(p.Code[3:10]); got[p.Code] != 1 || got[q.Code] != 1 || len(got) != 2 {
		t.Errorf("%q, part of both codes: %v", p.Code[3:10], got)
	}
	if got := matched(p.Code[10:]); got[p.Code] != 1 || len(got) != 1 {
		t.Errorf("the end of %s: %v", p.Code, got)
	}
	if got := matched(p.Code[:6] + "%"); len(got) != 0 {
		t.Errorf("a %% matched as a wildcard: %v", got)
	}
}
