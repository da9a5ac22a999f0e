package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/serialpool/serialpool/pool"
)

// unsigned is ctx's caller without a signature.
func unsigned(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return pool.WithActor(context.Background(), a)
}

func lastSignature(t *testing.T, w *world, action string) *pool.Signature {
	t.Helper()
	page, err := w.db.AuditLog(w.mahViewer, pool.AuditFilter{Action: action, Limit: 1})
	if err != nil || len(page.Entries) == 0 {
		t.Fatalf("%s audited: %+v, %v", action, page, err)
	}
	return page.Entries[0].Signature
}

// TestSignatures: the significant actions need a signature (a key's caller
// gives meaning and reason, a person also their password, checked), refuse
// nothing else, write nothing unsigned, and record the signature with the
// audit entry, inside its hash.
func TestSignatures(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Signed")
	w.addSerials(t, p, "S", 10)
	req, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 4, OrderRef: "PO-S"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := requestPage(w.mahAdmin, w, req, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	serial := func(i int) string { return page.Serials[i].Value }
	key := unsigned(t, w.mahAdmin)
	partners, err := w.db.Partners(w.mahAdmin)
	if err != nil || len(partners) != 1 {
		t.Fatal(partners, err)
	}
	cap := 5
	destroyed, sampled := pool.Destroyed, pool.Sampled
	code := func(err error) string { return pool.ErrorCode(err) }

	// Unsigned: refused, nothing changed.
	for name, err := range map[string]error{
		"limits": func() error {
			_, err := w.db.UpdateLimits(key, pool.Limits{ProductCode: p.Code, RequestCap: &cap})
			return err
		}(),
		"release": func() error { _, err := w.db.ReleaseSerials(key, p.Code, []string{serial(0)}); return err }(),
		"destroyed": func() error {
			_, err := w.db.RecordPackEvents(key, []pool.PackEventInput{{ProductCode: p.Code, Serial: serial(1), Event: pool.Decommission, Reason: &destroyed}})
			return err
		}(),
		"partnership end": func() error {
			_, err := w.db.EndPartnership(key, partners[0].ID, "done")
			return err
		}(),
		"key revoke": func() error { _, err := w.db.RevokeAPIKey(key, 1); return err }(),
	} {
		if code(err) != pool.ESIGNATUREREQUIRED {
			t.Errorf("%s unsigned: %v; want %s", name, err, pool.ESIGNATUREREQUIRED)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action IN ('product.limits', 'serials.release', 'pack.events', 'partnership.end', 'key.revoke')`, w.mah); n != 0 {
		t.Errorf("%d unsigned significant actions audited", n)
	}
	if n := w.count(t, `SELECT request_cap FROM products WHERE id = ?`, p.ID); n == int64(cap) {
		t.Error("unsigned limits changed")
	}
	// Not significant: no signature asked for.
	if _, err := w.db.RecordPackEvents(key, []pool.PackEventInput{{ProductCode: p.Code, Serial: serial(2), Event: pool.Commission, Lot: "L1", Expiry: testExpiry}, {ProductCode: p.Code, Serial: serial(2), Event: pool.Decommission, Reason: &sampled}}); err != nil {
		t.Errorf("sampled without a signature: %v", err)
	}
	// Bad meanings and reasons.
	for _, in := range []pool.SignatureInput{
		{Meaning: "AGREED", Reason: "x"}, {Meaning: pool.Approved, Reason: "  "}, {Meaning: pool.Approved, Reason: strings.Repeat("r", pool.MaxSignatureReason+1)},
	} {
		if _, err := w.db.UpdateLimits(pool.WithSignature(key, in), pool.Limits{ProductCode: p.Code, RequestCap: &cap}); code(err) != pool.EINVALID {
			t.Errorf("signature %+v: %v; want %s", in, err, pool.EINVALID)
		}
	}

	// A key signs with meaning and reason, recorded as the key's caller.
	keyActor, _ := pool.ActorFrom(key)
	if _, err := w.db.RecordPackEvents(pool.WithSignature(key, pool.SignatureInput{Meaning: pool.Performed, Reason: " crushed on line 3 "}),
		[]pool.PackEventInput{{ProductCode: p.Code, Serial: serial(1), Event: pool.Commission, Lot: "L1", Expiry: testExpiry}, {ProductCode: p.Code, Serial: serial(1), Event: pool.Decommission, Reason: &destroyed}}); err != nil {
		t.Fatal(err)
	}
	if s := lastSignature(t, w, "pack.events"); s == nil || s.Name != keyActor.Name() || !s.ServiceAccount || s.Email != "" ||
		s.Meaning != pool.Performed || s.Reason != "crushed on line 3" || s.At.IsZero() {
		t.Errorf("a key's signature: %+v", s)
	}

	// A person signs with their password.
	_, person := w.user(t, w.mah, "quinn@mah.example", pool.RoleAdmin)
	sign := func(password string) context.Context {
		return pool.WithSignature(person, pool.SignatureInput{Password: password, Meaning: pool.Approved, Reason: "new cap agreed with QA"})
	}
	if _, err := w.db.UpdateLimits(sign(""), pool.Limits{ProductCode: p.Code, RequestCap: &cap}); code(err) != pool.ESIGNATUREREQUIRED {
		t.Errorf("a person signs without a password: %v", err)
	}
	if _, err := w.db.UpdateLimits(sign("wrong password"), pool.Limits{ProductCode: p.Code, RequestCap: &cap}); code(err) != pool.ESIGNATUREINVALID {
		t.Errorf("a person signs with a wrong password: %v", err)
	}
	if n := w.count(t, `SELECT request_cap FROM products WHERE id = ?`, p.ID); n == int64(cap) {
		t.Error("limits changed under a wrong password")
	}
	if _, err := w.db.UpdateLimits(sign(goodPassword), pool.Limits{ProductCode: p.Code, RequestCap: &cap}); err != nil {
		t.Fatal(err)
	}
	if s := lastSignature(t, w, "product.limits"); s == nil || s.Name != "Person quinn@mah.example" || s.Email != "quinn@mah.example" || s.ServiceAccount ||
		s.Meaning != pool.Approved || s.Reason != "new cap agreed with QA" {
		t.Errorf("a person's signature: %+v", s)
	}
	if _, err := w.db.ReleaseSerials(sign(goodPassword), p.Code, []string{serial(0)}); err != nil {
		t.Errorf("a signed release: %v", err)
	}

	// Moved to another entry, a signature breaks the chain there.
	if v := w.verify(t, w.mah); len(v.Breaks) != 0 {
		t.Fatalf("signed trail: %+v", v.Breaks)
	}
	w.tamper(t, `UPDATE audit_log SET signature = (SELECT signature FROM audit_log WHERE action = 'product.limits')
		WHERE id = (SELECT id FROM audit_log WHERE action = 'serials.request' ORDER BY id DESC LIMIT 1)`)
	v := w.verify(t, w.mah)
	if len(v.Breaks) != 1 || !strings.Contains(v.Breaks[0].Problem, "content edited") {
		t.Errorf("a signature copied to another entry: %+v", v.Breaks)
	}
}
