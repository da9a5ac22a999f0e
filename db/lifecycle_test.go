package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// TestConcurrentRequestsNeverShareASerial runs 32 requests at once on one pool.
func TestConcurrentRequestsNeverShareASerial(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "Q", 40000)
	var wg sync.WaitGroup
	reqs := make([]*pool.SerialRequest, 32)
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if reqs[i], err = w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 1000, OrderRef: fmt.Sprintf("order-%d", i)}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND status = 'ASSIGNED'`, p.ID); n != 32000 {
		t.Errorf("%d serials assigned by 32 requests of 1000", n)
	}
	if n := w.count(t, `SELECT count(DISTINCT request_id) FROM serials WHERE product_id = ?`, p.ID); n != 32 {
		t.Errorf("serials carry %d distinct requests, want 32", n)
	}
	// Every request's page lists exactly its own 1000 serials.
	seen := map[string]bool{}
	for _, r := range reqs {
		var after int64
		for {
			page, err := requestPage(w.mahViewer, w, r, after, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range page.Serials {
				if seen[s.Value] {
					t.Fatalf("serial %s handed out twice", s.Value)
				}
				seen[s.Value] = true
				after = s.ID
			}
			if !page.HasNext {
				break
			}
		}
	}
	if len(seen) != 32000 {
		t.Errorf("requests list %d serials, want 32000", len(seen))
	}
	assertCountersExact(t, w)
}

func TestRequestLimits(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "L", 100)
	cap := 50
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: p.Code, RequestCap: &cap}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ctx   context.Context
		count int
		ref   string
		code  string
	}{
		{w.mahAdmin, 51, "o", pool.EINVALID},      // over the cap
		{w.mahAdmin, 0, "o", pool.EINVALID},       // nothing
		{w.mahAdmin, 1 << 40, "o", pool.EINVALID}, // more than any cap, and than the column holds
		{w.mahAdmin, 5, " ", pool.EINVALID},       // no order reference
		{w.mahViewer, 5, "o", pool.EFORBIDDEN},    // a viewer
		{w.otherAdmin, 5, "o", pool.ENOTFOUND},    // another tenant
		{w.cmoAdmin, 5, "o", pool.ENOTFOUND},      // a CMO with nothing assigned
	} {
		if _, err := w.db.RequestSerials(tc.ctx, pool.Request{ProductCode: p.Code, Count: tc.count, OrderRef: tc.ref}); pool.ErrorCode(err) != tc.code {
			t.Errorf("request %d %q: %v, want %s", tc.count, tc.ref, err, tc.code)
		}
	}
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 50, OrderRef: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 50, OrderRef: "b"}); err != nil {
		t.Fatal(err)
	}
	_, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 1, OrderRef: "c"})
	var pe *pool.Error
	if !errors.As(err, &pe) || pe.Code != pool.EINSUFFICIENT || pe.Message != fmt.Sprintf("asks for 1 serials of %s; 0 are available", p.Code) {
		t.Errorf("empty pool: %v", err)
	}
	if n := w.count(t, `SELECT count(*) FROM serial_requests`); n != 2 {
		t.Errorf("%d requests recorded; refused ones must leave nothing", n)
	}
	for _, l := range []pool.Limits{
		{ProductCode: p.Code, RequestCap: ptr(0)},
		{ProductCode: p.Code, LowThreshold: ptr(-1)},
		{ProductCode: p.Code, ReplenishTo: ptr(1)}, // not above the low threshold (1)
	} {
		if _, err := w.db.UpdateLimits(w.mahAdmin, l); pool.ErrorCode(err) != pool.EINVALID {
			t.Errorf("limits %+v: %v", l, err)
		}
	}
	if _, err := w.db.UpdateLimits(w.mahOperator(t), pool.Limits{ProductCode: p.Code, RequestCap: ptr(5)}); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("operator set limits: %v", err)
	}
	if _, err := w.db.UpdateLimits(w.otherAdmin, pool.Limits{ProductCode: p.Code, RequestCap: ptr(5)}); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("other tenant set limits: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestReleaseRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "R", 20)
	if _, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: p.Code, Source: pool.SourceExternal, Rows: rows("EXT1")}); err != nil {
		t.Fatal(err)
	}
	req, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 10, OrderRef: "line 1"})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := requestPage(w.mahAdmin, w, req, 0, 100)
	assigned := make([]string, len(page.Serials))
	for i, s := range page.Serials {
		assigned[i] = s.Value
	}
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: assigned[0], Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 2}); err != nil {
		t.Fatal(err)
	}
	var toCMO string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE partner_tenant_id = ? LIMIT 1`, w.cmo).Scan(&toCMO)
	var free string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND status = 'AVAILABLE' LIMIT 1`, p.ID).Scan(&free)

	// One bad serial refuses the whole batch, naming each refusal.
	_, err = w.db.ReleaseSerials(w.mahAdmin, p.Code, []string{assigned[1], assigned[0], "EXT1", toCMO, free, "NOPE", assigned[1]})
	var pe *pool.Error
	if !errors.As(err, &pe) || pe.Batch == nil || pe.Batch.Total != 6 {
		t.Fatalf("release: %v", err)
	}
	want := []string{"has_pack_events", "external", "assigned_to_partner", "not_assigned", "not_found", "duplicate_in_batch"}
	for i, r := range pe.Batch.Rows {
		if r.Code != want[i] || r.Row != int64(i+2) {
			t.Errorf("row %d: %+v, want %s", i+2, r, want[i])
		}
	}
	if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND status = 'ASSIGNED'`, p.ID); n != 13 {
		t.Errorf("%d assigned after a refused release, want 13 (10 + 1 external + 2 partner)", n)
	}
	n, err := w.db.ReleaseSerials(w.mahOperator(t), p.Code, assigned[1:])
	if err != nil || n != 9 {
		t.Fatalf("release = %d, %v", n, err)
	}
	page, _ = requestPage(w.mahAdmin, w, req, 0, 100)
	if len(page.Serials) != 1 {
		t.Errorf("the request still lists %d serials after 9 were released", len(page.Serials))
	}
	if _, err := w.db.ReleaseSerials(w.mahViewer, p.Code, []string{assigned[0]}); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("viewer release: %v", err)
	}
	assertCountersExact(t, w)
}

// TestPartnership walks the MAH-to-CMO flow and checks what each side sees.
func TestPartnership(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSNM, pool.SerialFormat{})
	if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: p.Code, Count: 500, Mode: pool.Random}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.other, Count: 10}); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("assign to a non-partner: %v", err)
	}
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 501}); pool.ErrorCode(err) != pool.EINSUFFICIENT {
		t.Errorf("assign more than available: %v", err)
	}
	req, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 200})
	if err != nil || *req.PartnerID != w.cmo {
		t.Fatalf("assign = %+v, %v", req, err)
	}
	// The CMO's trail says what it received, from whom, and names the MAH.
	received, err := w.db.AuditLog(w.cmoAdmin, pool.AuditFilter{Action: "serials.receive_partner", Limit: 10})
	if err != nil || len(received.Entries) != 1 {
		t.Fatalf("the CMO's receipts: %+v, %v", received, err)
	}
	if e := received.Entries[0]; e.Count == nil || *e.Count != 200 || e.ProductCode != p.Code || e.Names["partner"] != "MAH" || !strings.HasPrefix(e.Actor, "tenant:") {
		t.Errorf("the CMO's receipt = %+v", e)
	}
	// Nobody writes a receipt into another tenant's trail but for its own assignment.
	for _, tc := range []struct {
		name string
		ctx  context.Context
	}{{"the CMO, of the MAH's request", w.cmoAdmin}, {"another tenant", w.otherAdmin}} {
		err := w.db.TenantExec(tc.ctx, func(tx *gorm.DB) error {
			return tx.Exec(`SELECT audit_partner_receipt(?, 'forged')`, req.ID).Error
		})
		if err == nil {
			t.Errorf("%s wrote a receipt", tc.name)
		}
	}
	counts := func(ctx context.Context) pool.Counts {
		c, err := w.db.Counts(ctx, []int64{p.ID})
		if err != nil {
			t.Fatal(err)
		}
		return c[0]
	}
	if c := counts(w.mahViewer); c.Available != 300 || c.Assigned != 200 {
		t.Errorf("MAH pool = %+v", c)
	}
	if c := counts(w.cmoAdmin); c.Available != 200 || c.Assigned != 0 {
		t.Errorf("CMO pool = %+v", c)
	}
	// The CMO requests and releases from what it was given, like its own.
	cmoReq, err := w.db.RequestSerials(w.cmoAdmin, pool.Request{ProductCode: p.Code, Count: 50, OrderRef: "cmo line"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := requestPage(w.cmoAdmin, w, cmoReq, 0, 100)
	if err != nil || len(page.Serials) != 50 || page.Serials[0].Source != pool.SourcePartner || page.Serials[0].Status != pool.Assigned {
		t.Fatalf("CMO request page: %d %v", len(page.Serials), err)
	}
	if _, err := w.db.RequestSerials(w.cmoAdmin, pool.Request{ProductCode: p.Code, Count: 151, OrderRef: "too many"}); pool.ErrorCode(err) != pool.EINSUFFICIENT {
		t.Errorf("CMO asked beyond what it was given: %v", err)
	}
	if _, err := w.db.ReleaseSerials(w.cmoAdmin, p.Code, []string{page.Serials[0].Value}); err != nil {
		t.Fatal(err)
	}
	if c := counts(w.cmoAdmin); c.Available != 151 || c.Assigned != 49 {
		t.Errorf("CMO pool after request and release = %+v", c)
	}
	if c := counts(w.mahViewer); c.Available != 300 || c.Assigned != 200 {
		t.Errorf("MAH pool moved with the CMO's requests: %+v", c)
	}
	// The CMO records a pack event; the MAH sees it, another tenant sees nothing.
	cmoSerial := page.Serials[1].Value
	if _, err := w.db.RecordPackEvents(w.cmoAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: cmoSerial, Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	s, err := w.db.SerialByValue(w.mahViewer, p.Code, cmoSerial)
	if err != nil || s.PackStatus != pool.PackCommissioned || s.Status != pool.Assigned || s.Source != pool.SourceSNM {
		t.Fatalf("MAH view of the CMO's pack: %+v, %v", s, err)
	}
	h, err := history(w.mahViewer, w, s.ProductID, s.ID)
	if err != nil || len(h) != 1 || h[0].Event != pool.Commission || h[0].Actor == "" {
		t.Errorf("MAH sees history %+v, %v", h, err)
	}
	for _, who := range []context.Context{w.otherAdmin} {
		if _, err := w.db.SerialByValue(who, p.Code, cmoSerial); pool.ErrorCode(err) != pool.ENOTFOUND {
			t.Errorf("other tenant sees the serial: %v", err)
		}
	}
	// A serial the MAH kept is invisible to the CMO.
	var kept string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND partner_tenant_id IS NULL LIMIT 1`, p.ID).Scan(&kept)
	if _, err := w.db.SerialByValue(w.cmoAdmin, p.Code, kept); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("CMO sees a serial it was not given: %v", err)
	}
	if _, err := w.db.RecordPackEvents(w.cmoAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: kept, Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("CMO commissioned a serial it was not given: %v", err)
	}
	// The export lists exactly what was assigned to the CMO.
	var exported int
	if err := w.db.EachPartnerSerial(w.mahViewer, w.cmo, "", func(ps pool.PartnerSerial) error {
		exported++
		if ps.ProductCode != p.Code || ps.AssignedAt == nil {
			t.Errorf("export row %+v", ps)
		}
		return nil
	}); err != nil || exported != 200 {
		t.Errorf("export has %d rows, %v", exported, err)
	}
	exported = 0
	w.db.EachPartnerSerial(w.otherAdmin, w.cmo, "", func(pool.PartnerSerial) error { exported++; return nil })
	if exported != 0 {
		t.Errorf("another tenant exports %d of the MAH's partner serials", exported)
	}
	partners, err := w.db.Partners(w.cmoAdmin)
	if err != nil || len(partners) != 1 || partners[0].TenantID != w.mah || partners[0].IsCMO {
		t.Errorf("CMO partners = %+v, %v", partners, err)
	}
	assertCountersExact(t, w)
}

// TestPartnerInvitations: a partnership needs the CMO's invitation, which works
// once, until it expires, for another tenant only; a wrong code tells nothing.
func TestPartnerInvitations(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	invite := func(ctx context.Context) string {
		t.Helper()
		inv, err := w.db.CreatePartnerInvitation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(inv.Code, "spi_") || time.Until(inv.ExpiresAt) < pool.InvitationLifetime-time.Minute {
			t.Fatalf("invitation %+v", inv)
		}
		return inv.Code
	}
	partners := func(ctx context.Context) int {
		t.Helper()
		p, err := w.db.Partners(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(p)
	}
	code := invite(w.otherAdmin)
	if _, err := w.db.CreatePartnership(w.otherAdmin, code); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("accepting one's own invitation: %v; want BAD_USER_INPUT", err)
	}
	if _, err := w.db.CreatePartnership(w.mahViewer, code); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("a viewer accepted an invitation: %v", err)
	}
	if _, err := w.db.CreatePartnerInvitation(w.mahViewer); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("a viewer created an invitation: %v", err)
	}
	if n := w.count(t, `SELECT count(*) FROM partner_invitations WHERE cmo_tenant_id = ?`, w.other); n != 1 {
		t.Fatalf("%d invitations of Other", n)
	}
	p, err := w.db.CreatePartnership(w.mahAdmin, code)
	if err != nil || p.TenantID != w.other || !p.IsCMO {
		t.Fatalf("accept = %+v, %v", p, err)
	}
	if partners(w.otherAdmin) != 1 || partners(w.mahAdmin) != 2 {
		t.Errorf("Other has %d partners, the MAH %d; want 1 and 2", partners(w.otherAdmin), partners(w.mahAdmin))
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action = 'partnership.accepted' AND (detail->>'mah')::bigint = ?`, w.other, w.mah); n != 1 {
		t.Errorf("the CMO's audit log has %d acceptances", n)
	}
	// Used, expired, unknown and malformed codes are refused alike.
	expired := invite(w.otherAdmin)
	if err := w.db.Gorm().Exec(`UPDATE partner_invitations SET expires_at = now() - interval '1 second' WHERE hash = sha256(?::bytea)`, expired).Error; err != nil {
		t.Fatal(err)
	}
	// An open invitation is listed to its tenant's admins only, and can be revoked once.
	revoked := invite(w.otherAdmin)
	open, err := w.db.PartnerInvitations(w.otherAdmin)
	if err != nil || len(open) != 1 || open[0].Code != "" {
		t.Fatalf("open invitations of Other: %+v, %v; want the one to revoke, without its code", open, err)
	}
	if mine, err := w.db.PartnerInvitations(w.mahAdmin); err != nil || len(mine) != 0 {
		t.Errorf("the MAH lists %+v, %v", mine, err)
	}
	if _, err := w.db.PartnerInvitations(w.mahViewer); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("a viewer lists invitations: %v", err)
	}
	if _, err := w.db.RevokePartnerInvitation(w.mahAdmin, open[0].ID); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("the MAH revokes Other's invitation: %v", err)
	}
	if inv, err := w.db.RevokePartnerInvitation(w.otherAdmin, open[0].ID); err != nil || inv.ID != open[0].ID {
		t.Errorf("revoke: %+v, %v", inv, err)
	}
	if _, err := w.db.RevokePartnerInvitation(w.otherAdmin, open[0].ID); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("revoking twice: %v", err)
	}
	if open, _ := w.db.PartnerInvitations(w.otherAdmin); len(open) != 0 {
		t.Errorf("still open after revoking: %+v", open)
	}
	var messages []string
	for _, c := range []string{code, expired, revoked, "spi_" + strings.Repeat("A", 43), "tenant:2", "\x00"} {
		_, err := w.db.CreatePartnership(w.cmoAdmin, c)
		if pool.ErrorCode(err) != pool.ENOTFOUND {
			t.Errorf("code %q: %v; want NOT_FOUND", c, err)
		}
		messages = append(messages, pool.ErrorMessage(err))
	}
	for _, m := range messages[1:] {
		if m != messages[0] {
			t.Errorf("refusals differ: %q", messages)
		}
	}
	if partners(w.cmoAdmin) != 1 {
		t.Errorf("refused codes made partners: %d", partners(w.cmoAdmin))
	}
	// Accepting a current partner's invitation changes nothing, and succeeds.
	if _, err := w.db.CreatePartnership(w.mahAdmin, invite(w.cmoAdmin)); err != nil || partners(w.mahAdmin) != 2 {
		t.Errorf("accepting a partner's invitation again: %v, %d partners", err, partners(w.mahAdmin))
	}
}

func TestPackEventTransitions(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "P", 10)
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 8, OrderRef: "o"}); err != nil {
		t.Fatal(err)
	}
	ev := func(serial string, e pool.PackEventType, r *pool.Reason) pool.PackEventInput {
		return withLot(pool.PackEventInput{ProductCode: p.Code, Serial: serial, Event: e, Reason: r})
	}
	sampled, destroyed := pool.Sampled, pool.Destroyed
	// A whole lifecycle in one batch, in order.
	res, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{
		ev("P1", pool.Commission, nil), ev("P1", pool.Decommission, &sampled), ev("P1", pool.Reactivate, nil),
		ev("P2", pool.Commission, nil), ev("P2", pool.Decommission, &destroyed),
		ev("EXTERNAL-9", pool.Commission, nil), // unknown but valid: stored as external
	})
	if err != nil || res.Recorded != 6 || res.StoredExternal != 1 {
		t.Fatalf("record = %+v, %v", res, err)
	}
	s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P1")
	h, _ := history(w.mahViewer, w, p.ID, s.ID)
	if s.PackStatus != pool.PackCommissioned || len(h) != 3 || h[1].Reason == nil || *h[1].Reason != pool.Sampled {
		t.Errorf("P1: %+v history %+v", s, h)
	}
	s, _ = w.db.SerialByValue(w.mahViewer, p.Code, "P2")
	if s.PackStatus != pool.PackDecommissioned || s.DecommissionReason == nil || *s.DecommissionReason != pool.Destroyed || s.Status != pool.Assigned {
		t.Errorf("P2 = %+v; it stays Assigned", s)
	}
	s, _ = w.db.SerialByValue(w.mahViewer, p.Code, "EXTERNAL-9")
	if s == nil || s.Source != pool.SourceExternal || s.Status != pool.Assigned || s.PackStatus != pool.PackCommissioned {
		t.Errorf("external serial = %+v", s)
	}
	var p9 string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND status = 'AVAILABLE' LIMIT 1`, p.ID).Scan(&p9)

	for _, tc := range []struct {
		name string
		e    pool.PackEventInput
		code string
	}{
		{"commission twice", ev("P1", pool.Commission, nil), "illegal_transition"},
		{"decommission an active pack", ev("P3", pool.Decommission, &sampled), "illegal_transition"},
		{"decommission without reason", ev("P1", pool.Decommission, nil), "reason_required"},
		{"reactivate a destroyed pack", ev("P2", pool.Reactivate, nil), "final_decommission"},
		{"reactivate an active pack", ev("P3", pool.Reactivate, nil), "illegal_transition"},
		{"reason on commission", ev("P3", pool.Commission, &sampled), "reason_not_allowed"},
		{"commission an available serial", ev(p9, pool.Commission, nil), "not_assigned"},
		{"unknown serial decommissioned", ev("NOPE", pool.Decommission, &sampled), "not_found"},
		{"invalid external serial", ev("BAD SERIAL", pool.Commission, nil), "serial_charset"},
		{"unknown product", pool.PackEventInput{ProductCode: "00000000000000", Serial: "P3", Event: pool.Commission, Lot: "L1", Expiry: testExpiry}, "product_not_found"},
	} {
		_, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev("P4", pool.Commission, nil), tc.e})
		var pe *pool.Error
		if !errors.As(err, &pe) || pe.Batch == nil || pe.Batch.Rows[0].Code != tc.code || pe.Batch.Rows[0].Row != 2 || pe.Batch.Rows[0].Reason == "" {
			t.Errorf("%s: %v, want %s on row 2", tc.name, err, tc.code)
		}
	}
	// Refused batches recorded nothing: P4 is still ACTIVE.
	s, _ = w.db.SerialByValue(w.mahViewer, p.Code, "P4")
	if s.PackStatus != pool.PackActive {
		t.Errorf("P4 = %s after refused batches", s.PackStatus)
	}
	if err := w.db.Gorm().Exec(`UPDATE pack_events SET reason = NULL`).Error; err == nil {
		t.Error("pack history was rewritten")
	}
	assertCountersExact(t, w)
}

func TestSSCCPool(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sp, err := w.db.CreateSSCCPool(w.mahAdmin, "4012345", 3)
	if err != nil || sp.Code != "34012345" || sp.CodeSchema != pool.SSCC {
		t.Fatalf("CreateSSCCPool = %+v, %v", sp, err)
	}
	if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: sp.Code, Count: 1000, Mode: pool.Sequential}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: sp.Code, Count: 1, Mode: pool.Random}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("random SSCCs: %v", err)
	}
	var values []string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? ORDER BY id`, sp.ID).Scan(&values)
	if len(values) != 1000 || values[0] != "340123450000000017" {
		t.Fatalf("%d SSCCs, first %q", len(values), values[0])
	}
	for _, v := range values {
		if err := gs1ValidSSCC(v); err != nil {
			t.Fatalf("SSCC %s: %v", v, err)
		}
	}
	// External SSCCs are received; non-SSCCs refused.
	if _, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: sp.Code, Source: pool.SourceExternal, Rows: rows("106141412345678908")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: sp.Code, Source: pool.SourceExternal, Rows: rows("106141412345678909")}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("bad SSCC check digit: %v", err)
	}
	req, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: sp.Code, Count: 10, OrderRef: "shipment 7"})
	if err != nil || req.Count != 10 {
		t.Fatal(err)
	}
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: sp.Code, Serial: values[0], Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	pools, err := w.db.SSCCPools(w.mahViewer)
	if err != nil || len(pools) != 1 {
		t.Fatalf("SSCCPools = %v, %v", pools, err)
	}
	if page, _ := w.db.Products(w.mahViewer, pool.ProductFilter{Limit: 50}); len(page.Products) != 0 {
		t.Errorf("SSCC pools appear among products: %d", len(page.Products))
	}
	if pools, _ := w.db.SSCCPools(w.otherAdmin); len(pools) != 0 {
		t.Errorf("another tenant sees SSCC pools")
	}
	for _, bad := range []struct {
		prefix string
		ext    int
	}{{"12345", 0}, {"1234567890123", 0}, {"40123x5", 0}, {"4012345", 10}} {
		if _, err := w.db.CreateSSCCPool(w.mahAdmin, bad.prefix, bad.ext); pool.ErrorCode(err) != pool.EINVALID {
			t.Errorf("SSCC pool %q/%d: %v", bad.prefix, bad.ext, err)
		}
	}
	if _, err := w.db.CreateSSCCPool(w.otherAdmin, "4012345", 3); pool.ErrorCode(err) != pool.ECONFLICT {
		t.Errorf("same prefix for another tenant: %v", err)
	}
	assertCountersExact(t, w)
}

// TestRequestIdempotency: a retry under the same key, even eight at once, gets
// the first request back and assigns nothing more; the key with another ask is
// CONFLICT; a refused request leaves its key unused; keys are per tenant.
func TestRequestIdempotency(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Keyed")
	w.addSerials(t, p, "K", 100)
	ask := pool.Request{ProductCode: p.Code, Count: 10, OrderRef: "PO-1", IdempotencyKey: "po-1-try"}
	reqs := make([]*pool.SerialRequest, 8)
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := w.db.RequestSerials(w.mahAdmin, ask)
			if err != nil {
				t.Error(err)
				return
			}
			reqs[i] = r
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	replayed := 0
	for _, r := range reqs {
		if r.ID != reqs[0].ID {
			t.Errorf("requests %d and %d under one key", r.ID, reqs[0].ID)
		}
		if r.Replayed {
			replayed++
		}
	}
	if replayed != len(reqs)-1 {
		t.Errorf("%d of %d calls replayed; want all but one", replayed, len(reqs))
	}
	if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND status = 'ASSIGNED'`, p.ID); n != 10 {
		t.Errorf("%d serials assigned; want 10", n)
	}
	for _, changed := range []pool.Request{
		{ProductCode: p.Code, Count: 11, OrderRef: "PO-1", IdempotencyKey: "po-1-try"},
		{ProductCode: p.Code, Count: 10, OrderRef: "PO-2", IdempotencyKey: "po-1-try"},
	} {
		if _, err := w.db.RequestSerials(w.mahAdmin, changed); pool.ErrorCode(err) != pool.ECONFLICT {
			t.Errorf("%+v: %v; want CONFLICT", changed, err)
		}
	}
	big := pool.Request{ProductCode: p.Code, Count: 95, OrderRef: "PO-3", IdempotencyKey: "po-3"}
	if _, err := w.db.RequestSerials(w.mahAdmin, big); pool.ErrorCode(err) != pool.EINSUFFICIENT {
		t.Fatalf("95 of 90: %v", err)
	}
	w.addSerials(t, p, "L", 10)
	if r, err := w.db.RequestSerials(w.mahAdmin, big); err != nil || r.Replayed {
		t.Errorf("the refused request's key, once serials arrived: %+v, %v", r, err)
	}
	other := w.product(t, w.otherAdmin, gtin(2), "Theirs")
	w.addSerials(t, other, "O", 10)
	if r, err := w.db.RequestSerials(w.otherAdmin, pool.Request{ProductCode: other.Code, Count: 10, OrderRef: "PO-1", IdempotencyKey: "po-1-try"}); err != nil || r.Replayed {
		t.Errorf("another tenant's request under the same key: %+v, %v", r, err)
	}
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 1, OrderRef: "x", IdempotencyKey: strings.Repeat("k", 201)}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("a 201-character key: %v", err)
	}
	// Assignments to a partner replay the same way; a key is one request, order or assignment.
	assign := pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 4, IdempotencyKey: "to-cmo-1"}
	first, err := w.db.AssignToPartner(w.mahAdmin, assign)
	if err != nil {
		t.Fatal(err)
	}
	if again, err := w.db.AssignToPartner(w.mahAdmin, assign); err != nil || again.ID != first.ID || !again.Replayed {
		t.Errorf("a retried assignment: %+v, %v; want request %d replayed", again, err, first.ID)
	}
	if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND partner_tenant_id IS NOT NULL`, p.ID); n != 4 {
		t.Errorf("%d serials with the CMO after a retried assignment of 4", n)
	}
	for _, changed := range []pool.Assignment{
		{ProductCode: p.Code, Partner: w.cmo, Count: 5, IdempotencyKey: "to-cmo-1"},
		{ProductCode: p.Code, Partner: w.cmo, Count: 10, IdempotencyKey: "po-1-try"}, // an order's key
	} {
		if _, err := w.db.AssignToPartner(w.mahAdmin, changed); pool.ErrorCode(err) != pool.ECONFLICT {
			t.Errorf("%+v: %v; want CONFLICT", changed, err)
		}
	}
	assertCountersExact(t, w)
}

// TestSerialRequestsList pages through a tenant's requests newest first, by
// product and order reference; each tenant sees only its own.
func TestSerialRequestsList(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Listed")
	q := w.product(t, w.mahAdmin, gtin(2), "Other product")
	w.addSerials(t, p, "L", 100)
	w.addSerials(t, q, "Q", 10)
	var want []int64 // newest first
	for i := 1; i <= 5; i++ {
		r, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: i, OrderRef: fmt.Sprintf("PO-%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		want = append([]int64{r.ID}, want...)
	}
	assigned, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 20})
	if err != nil {
		t.Fatal(err)
	}
	want = append([]int64{assigned.ID}, want...)
	cmoReq, err := w.db.RequestSerials(w.cmoAdmin, pool.Request{ProductCode: p.Code, Count: 3, OrderRef: "CMO-1"})
	if err != nil {
		t.Fatal(err)
	}
	list := func(ctx context.Context, f pool.RequestFilter) []int64 {
		t.Helper()
		var ids []int64
		for {
			page, err := w.db.SerialRequests(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Requests {
				ids = append(ids, r.ID)
			}
			if !page.HasNext {
				return ids
			}
			f.BeforeID = page.Requests[len(page.Requests)-1].ID
		}
	}
	if got := list(w.mahAdmin, pool.RequestFilter{Limit: 2}); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("MAH requests in pages of 2: %v; want %v", got, want)
	}
	if got := list(w.mahAdmin, pool.RequestFilter{ProductCode: p.Code, OrderRef: "PO-3", Limit: 10}); len(got) != 1 || got[0] != want[3] {
		t.Errorf("PO-3: %v; want [%d]", got, want[3])
	}
	for _, code := range []string{q.Code, gtin(9), "nonsense"} {
		if got := list(w.mahAdmin, pool.RequestFilter{ProductCode: code, Limit: 10}); len(got) != 0 {
			t.Errorf("requests of %s: %v; want none", code, got)
		}
	}
	if got := list(w.cmoAdmin, pool.RequestFilter{Limit: 10}); len(got) != 1 || got[0] != cmoReq.ID {
		t.Errorf("CMO requests: %v; want only its own %d", got, cmoReq.ID)
	}
	if got := list(w.otherAdmin, pool.RequestFilter{ProductCode: p.Code, Limit: 10}); len(got) != 0 {
		t.Errorf("another tenant lists %v", got)
	}
}
