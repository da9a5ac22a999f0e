package db_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// TestAuditLog reads the trail newest first, page by page and filtered by
// action, product and time; each tenant reads only its own, any role may.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	start := time.Now()
	p := w.product(t, w.mahAdmin, gtin(1), "Audited")
	q := w.product(t, w.mahAdmin, gtin(2), "Also audited")
	w.addSerials(t, p, "A", 20)
	for i := 1; i <= 3; i++ {
		if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: i, OrderRef: fmt.Sprintf("PO-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	cap := 7
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: q.Code, RequestCap: &cap}); err != nil {
		t.Fatal(err)
	}
	all := func(f pool.AuditFilter) []*pool.AuditEntry {
		t.Helper()
		var out []*pool.AuditEntry
		for {
			page, err := w.db.AuditLog(w.mahViewer, f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, page.Entries...)
			if !page.HasNext {
				return out
			}
			f.BeforeID = page.Entries[len(page.Entries)-1].ID
		}
	}
	entries := all(pool.AuditFilter{From: start, Limit: 2})
	var actions []string
	for i, e := range entries {
		actions = append(actions, e.Action)
		if i > 0 && e.ID >= entries[i-1].ID {
			t.Errorf("entry %d after %d: not newest first", e.ID, entries[i-1].ID)
		}
	}
	want := "[product.limits serials.request serials.request serials.request product.create product.create]"
	if fmt.Sprint(actions) != want {
		t.Errorf("trail since the start: %v; want %s", actions, want)
	}
	requests := all(pool.AuditFilter{Action: "serials.request", ProductCode: p.Code, Limit: 10})
	if len(requests) != 3 || requests[0].ProductCode != p.Code || *requests[0].Count != 3 || requests[0].Detail["orderRef"] != "PO-3" || *requests[0].ProductID != p.ID {
		t.Errorf("requests of %s: %+v", p.Code, requests)
	}
	if got := all(pool.AuditFilter{ProductCode: q.Code, Limit: 10}); len(got) != 2 {
		t.Errorf("entries of %s: %d; want product.create and product.limits", q.Code, len(got))
	}
	if got := all(pool.AuditFilter{From: time.Now().Add(time.Hour), Limit: 10}); len(got) != 0 {
		t.Errorf("entries in the future: %d", len(got))
	}
	if got := all(pool.AuditFilter{To: start, Action: "serials.request", Limit: 10}); len(got) != 0 {
		t.Errorf("requests before the start: %d", len(got))
	}
	page, err := w.db.AuditLog(w.otherAdmin, pool.AuditFilter{ProductCode: p.Code, Limit: 1000})
	if err != nil || len(page.Entries) != 0 {
		t.Errorf("another tenant reads the MAH's trail: %d entries, %v", len(page.Entries), err)
	}
	page, err = w.db.AuditLog(w.otherAdmin, pool.AuditFilter{Limit: 1000})
	for _, e := range page.Entries {
		if e.ProductID != nil && (*e.ProductID == p.ID || *e.ProductID == q.ID) {
			t.Errorf("another tenant reads %+v", e)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestAuditWrittenAlike: one writer for changes on GORM (a channel, limits)
// and on pgx (generation, release): no product or no count is NULL, a detail
// a JSON object, or NULL when the change has none.
func TestAuditWrittenAlike(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Audited alike")
	if _, _, err := w.db.CreateChannel(w.mahAdmin, pool.NewChannel{Name: "ATTP", Source: pool.SourceSAPATTP}); err != nil {
		t.Fatal(err)
	}
	low := 3
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: p.Code, LowThreshold: &low}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: p.Code, Count: 4, Mode: pool.Sequential}); err != nil {
		t.Fatal(err)
	}
	req, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 2, OrderRef: "PO-A"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := requestPage(w.mahAdmin, w, req, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.ReleaseSerials(w.mahAdmin, p.Code, []string{page.Serials[0].Value}); err != nil {
		t.Fatal(err)
	}
	var got []string
	err = w.db.Gorm().Raw(`SELECT action || ' ' || (product_id IS NOT NULL) || ' ' || coalesce(count::text, '-') || ' ' || coalesce(jsonb_typeof(detail), '-')
		FROM audit_log WHERE tenant_id = ? AND action IN ('channel.create', 'product.limits', 'serials.generate', 'serials.release') ORDER BY id`, w.mah).
		Scan(&got).Error
	if err != nil {
		t.Fatal(err)
	}
	want := "[channel.create false - object product.limits true - object serials.generate true 4 object serials.release true 1 -]"
	if fmt.Sprint(got) != want {
		t.Errorf("audit rows %v; want %s", got, want)
	}
}

// TestAuditOldNewValues: a change of master data records what it changed, old
// and new, read in its own transaction; secrets only as "changed"; unchanged
// fields not at all.
func TestAuditOldNewValues(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Changed")
	changes := func(action string) string {
		t.Helper()
		var c string
		if err := w.db.Gorm().Raw(`SELECT coalesce(detail->>'changes', '-') FROM audit_log WHERE tenant_id = ? AND action = ? ORDER BY id DESC LIMIT 1`, w.mah, action).Scan(&c).Error; err != nil {
			t.Fatal(err)
		}
		return c
	}
	capA, capB, low := 7, 9, 10
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: p.Code, RequestCap: &capA, LowThreshold: &low}); err != nil {
		t.Fatal(err)
	}
	if got, want := changes("product.limits"), `{"requestCap": {"new": 7, "old": 500000}}`; got != want {
		t.Errorf("limits changed: %s; want %s (lowThreshold was already 10)", got, want)
	}
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: p.Code, RequestCap: &capB}); err != nil {
		t.Fatal(err)
	}
	if got, want := changes("product.limits"), `{"requestCap": {"new": 9, "old": 7}}`; got != want {
		t.Errorf("limits changed again: %s; want %s", got, want)
	}

	ch, _, err := w.db.CreateChannel(w.mahAdmin, pool.NewChannel{Name: "ERP", Source: pool.SourceExternal})
	if err != nil {
		t.Fatal(err)
	}
	url := "https://erp.example.com/serials"
	if _, err := w.db.UpdateChannelUpstream(w.mahAdmin, ch.ID, pool.Upstream{URL: &url, Credentials: pool.UpstreamCredentials{Token: "s3cret-token"}}); err != nil {
		t.Fatal(err)
	}
	got := changes("channel.upstream")
	if want := `{"upstreamUrl": {"new": "https://erp.example.com/serials", "old": null}, "upstreamCredentials": "changed"}`; got != want {
		t.Errorf("upstream changed: %s; want %s", got, want)
	}
	if strings.Contains(got, "s3cret") {
		t.Errorf("the secret is in the trail: %s", got)
	}
	if _, _, err := w.db.RotateChannelKey(w.mahAdmin, ch.ID); err != nil {
		t.Fatal(err)
	}
	if got := changes("channel.rotate_key"); !strings.Contains(got, `"key": "changed"`) || !strings.Contains(got, `"keyRotatedAt": {"new": "`) || strings.Contains(got, "spc_") {
		t.Errorf("key rotated: %s", got)
	}

	u, _ := w.user(t, w.mah, "pat@mah.example", pool.RoleViewer)
	_, admin := w.user(t, w.mah, "ada@mah.example", pool.RoleAdmin)
	op := pool.RoleOperator
	if _, err := w.db.UpdateUser(admin, u.ID, pool.UserUpdate{Role: &op}); err != nil {
		t.Fatal(err)
	}
	if got, want := changes("user.update"), `{"role": {"new": "operator", "old": "viewer"}}`; got != want {
		t.Errorf("user changed: %s; want %s", got, want)
	}
	keys, err := w.db.APIKeys(admin)
	if err != nil || len(keys) == 0 {
		t.Fatal(keys, err)
	}
	if _, err := w.db.RevokeAPIKey(pool.WithSignature(admin, pool.SignatureInput{Password: goodPassword, Meaning: pool.Performed, Reason: "rotated"}), keys[0].ID); err != nil {
		t.Fatal(err)
	}
	if got := changes("key.revoke"); !strings.HasPrefix(got, `{"revokedAt": {"new": "`) || !strings.HasSuffix(got, `"old": null}}`) {
		t.Errorf("key revoked: %s", got)
	}

	// A new record: every field set, from "not set".
	if got := changes("product.create"); !strings.Contains(got, `"code": {"new": "`+p.Code+`", "old": null}`) ||
		!strings.Contains(got, `"name": {"new": "Changed", "old": null}`) || !strings.Contains(got, `"requestCap": {"new": 500000, "old": null}`) {
		t.Errorf("product created: %s", got)
	}
	partners, err := w.db.Partners(admin)
	if err != nil || len(partners) != 1 {
		t.Fatal(partners, err)
	}
	signed := pool.WithSignature(admin, pool.SignatureInput{Password: goodPassword, Meaning: pool.Approved, Reason: "contract over"})
	if _, err := w.db.EndPartnership(signed, partners[0].ID, "contract over"); err != nil {
		t.Fatal(err)
	}
	if got := changes("partnership.end"); !strings.Contains(got, `"status": {"new": "ENDED", "old": "ACTIVE"}`) ||
		!strings.Contains(got, `"endReason": {"new": "contract over", "old": null}`) || !strings.Contains(got, `"endedAt": {"new": "`) {
		t.Errorf("partnership ended: %s", got)
	}
}
