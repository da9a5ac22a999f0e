package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// sameError fails unless got is the answer want is: the same code and message
// (rows of a refused batch included), so that it tells nothing more.
func sameError(t *testing.T, what string, got, want error) {
	t.Helper()
	if got == nil || want == nil || got.Error() != want.Error() || pool.ErrorCode(got) != pool.ErrorCode(want) {
		t.Errorf("%s: %v, want the answer for a stranger: %v", what, got, want)
	}
}

// TestPartnershipEnd ends a partnership from the CMO's side and checks both
// sides: the CMO moves nothing more, its unused serials are back in the MAH's
// pool with exact counters, what it used stays readable, both audit trails
// count it, and partnering again takes a new invitation.
func TestPartnershipEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	used := w.sourced(t, w.mahAdmin, 1, pool.SourceSNM, pool.SerialFormat{})
	unused := w.sourced(t, w.mahAdmin, 2, pool.SourceSNM, pool.SerialFormat{})
	for _, p := range []*pool.Product{used, unused} {
		if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: p.Code, Count: 500, Mode: pool.Random}); err != nil {
			t.Fatal(err)
		}
	}
	for p, n := range map[*pool.Product]int{used: 200, unused: 50} {
		if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: n}); err != nil {
			t.Fatal(err)
		}
	}
	cmoOperator := w.actor(t, w.cmo, pool.RoleOperator)
	before := pool.Request{ProductCode: used.Code, Count: 30, OrderRef: "cmo line", IdempotencyKey: "before-end"}
	cmoReq, err := w.db.RequestSerials(cmoOperator, before)
	if err != nil {
		t.Fatal(err)
	}
	page, err := requestPage(w.cmoAdmin, w, cmoReq, 0, 100)
	if err != nil || len(page.Serials) != 30 {
		t.Fatalf("CMO request: %d serials, %v", len(page.Serials), err)
	}
	packed, kept := page.Serials[0].Value, page.Serials[1].Value
	if _, err := w.db.RecordPackEvents(cmoOperator, []pool.PackEventInput{{ProductCode: used.Code, Serial: packed, Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	// One serial still Available to the CMO has a pack event (the MAH recorded
	// it): it has a history, so it stays where it is.
	var withEvent, unusedValue string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND partner_status = 'AVAILABLE' ORDER BY id LIMIT 1`, used.ID).Scan(&withEvent)
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND partner_status = 'AVAILABLE' ORDER BY id DESC LIMIT 1`, used.ID).Scan(&unusedValue)
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: used.Code, Serial: withEvent, Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}

	partners, err := w.db.Partners(w.cmoAdmin)
	if err != nil || len(partners) != 1 || partners[0].EndedAt != nil {
		t.Fatalf("CMO partners = %+v, %v", partners, err)
	}
	id := partners[0].ID
	// Only an admin of either side ends it, and for a reason.
	if _, err := w.db.EndPartnership(w.mahViewer, id, "no"); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("a viewer ends a partnership: %v", err)
	}
	if _, err := w.db.EndPartnership(cmoOperator, id, "no"); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("an operator ends a partnership: %v", err)
	}
	sameError(t, "another tenant ends the partnership", func() error { _, err := w.db.EndPartnership(w.otherAdmin, id, "x"); return err }(),
		func() error { _, err := w.db.EndPartnership(w.otherAdmin, id+1000, "x"); return err }())
	if _, err := w.db.EndPartnership(w.otherAdmin, id+1000, "x"); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("ending an unknown partnership: %v", err)
	}
	for _, reason := range []string{"", "   ", strings.Repeat("é", pool.MaxEndReason+1)} {
		var pe *pool.Error
		if _, err := w.db.EndPartnership(w.cmoAdmin, id, reason); !errors.As(err, &pe) || pe.Code != pool.EINVALID || pe.Field != "reason" {
			t.Errorf("reason %.10q: %v", reason, err)
		}
	}
	// The database checks the key too, and the app's role can neither end nor
	// begin a partnership but through the functions.
	key := func(ctx context.Context) int64 { a, _ := pool.ActorFrom(ctx); return a.KeyID }
	for what, call := range map[string]struct {
		ctx context.Context
		sql string
	}{
		"a viewer's key":         {w.mahViewer, fmt.Sprintf(`SELECT end_partnership(%d, %d, 'x')`, key(w.mahViewer), id)},
		"another tenant's admin": {w.mahViewer, fmt.Sprintf(`SELECT end_partnership(%d, %d, 'x')`, key(w.otherAdmin), id)},
		"a direct update":        {w.mahAdmin, fmt.Sprintf(`UPDATE partnerships SET ended_at = now() WHERE id = %d`, id)},
		"a direct insert":        {w.mahAdmin, fmt.Sprintf(`INSERT INTO partnerships (mah_tenant_id, cmo_tenant_id) VALUES (%d, %d)`, w.mah, w.other)},
	} {
		if err := w.db.TenantExec(call.ctx, func(tx *gorm.DB) error { return tx.Exec(call.sql).Error }); err == nil {
			t.Errorf("%s passed: %s", what, call.sql)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM partnerships WHERE ended_at IS NOT NULL`); n != 0 {
		t.Fatalf("refused ends ended %d partnerships", n)
	}

	// Strangers' answers, to compare with the ended partner's.
	otherOperator := w.actor(t, w.other, pool.RoleOperator)
	stranger := func(ctx context.Context) (request, release, events error) {
		_, request = w.db.RequestSerials(ctx, pool.Request{ProductCode: used.Code, Count: 1, OrderRef: "after end", IdempotencyKey: "fresh"})
		_, release = w.db.ReleaseSerials(ctx, used.Code, []string{kept})
		_, events = w.db.RecordPackEvents(ctx, []pool.PackEventInput{{ProductCode: used.Code, Serial: kept, Event: pool.Commission, Lot: "L1", Expiry: testExpiry}})
		return
	}
	wantRequest, wantRelease, wantEvents := stranger(otherOperator)

	end, err := w.db.EndPartnership(w.cmoAdmin, id, "  contract over  ")
	if err != nil {
		t.Fatal(err)
	}
	const returned = 200 - 30 - 1 + 50
	if end.Returned != returned || end.Partner.ID != id || end.Partner.TenantID != w.mah || end.Partner.EndedAt == nil ||
		*end.Partner.EndedBy != w.cmo || *end.Partner.EndReason != "contract over" {
		t.Errorf("end = %d returned, %+v", end.Returned, end.Partner)
	}
	assertCountersExact(t, w)
	counts := func(ctx context.Context, p *pool.Product) pool.Counts {
		t.Helper()
		c, err := w.db.Counts(ctx, []int64{p.ID})
		if err != nil {
			t.Fatal(err)
		}
		return c[0]
	}
	if c := counts(w.mahViewer, used); c.Available != 300+169 || c.Assigned != 31 {
		t.Errorf("MAH pool of the used product = %+v", c)
	}
	if c := counts(w.mahViewer, unused); c.Available != 500 || c.Assigned != 0 {
		t.Errorf("MAH pool of the unused product = %+v", c)
	}
	if c := counts(w.cmoAdmin, used); c.Available != 1 || c.Assigned != 30 {
		t.Errorf("CMO pool of the used product = %+v", c)
	}
	s, err := w.db.SerialByValue(w.mahViewer, used.Code, unusedValue)
	if err != nil || s.Status != pool.Available || s.Source != pool.SourceSNM || s.AssignedAt != nil {
		t.Errorf("a returned serial, as the MAH sees it: %+v, %v", s, err)
	}
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: unused.Code, Count: 500, OrderRef: "all back"}); err != nil {
		t.Errorf("the MAH requests its returned serials: %v", err)
	}

	// The ended partner is a stranger for everything new.
	gotRequest, gotRelease, gotEvents := stranger(cmoOperator)
	sameError(t, "ended CMO requests", gotRequest, wantRequest)
	sameError(t, "ended CMO releases", gotRelease, wantRelease)
	sameError(t, "ended CMO records a pack event", gotEvents, wantEvents)
	_, err = w.db.ReleaseSerials(cmoOperator, used.Code, []string{withEvent})
	sameError(t, "ended CMO releases a serial still Available to it", err, wantRelease)
	_, err = w.db.AssignToPartner(cmoOperator, pool.Assignment{ProductCode: used.Code, Partner: w.other, Count: 1})
	_, want := w.db.AssignToPartner(otherOperator, pool.Assignment{ProductCode: used.Code, Partner: w.cmo, Count: 1})
	sameError(t, "ended CMO assigns", err, want)
	_, err = w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: used.Code, Partner: w.cmo, Count: 1, IdempotencyKey: "new"})
	_, want = w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: used.Code, Partner: w.other, Count: 1})
	sameError(t, "MAH assigns to its ended partner", err, want)
	_, err = w.db.ProductByCode(w.cmoAdmin, unused.Code)
	_, want = w.db.ProductByCode(w.otherAdmin, unused.Code)
	sameError(t, "ended CMO reads a product it never used", err, want)
	_, err = w.db.SerialByValue(w.cmoAdmin, used.Code, unusedValue)
	_, want = w.db.SerialByValue(w.otherAdmin, used.Code, unusedValue)
	sameError(t, "ended CMO reads a serial it never used", err, want)
	if n, err := w.db.CountProducts(w.cmoAdmin, pool.ProductFilter{}); err != nil || n != 1 {
		t.Errorf("ended CMO lists %d products, %v; want the one it used", n, err)
	}

	// What it used stays readable to both: its request (a retry of it
	// replays), the serials, their pack history and the exports.
	again, err := w.db.RequestSerials(cmoOperator, before)
	if err != nil || again.ID != cmoReq.ID || !again.Replayed {
		t.Errorf("retry of a request made before the end = %+v, %v", again, err)
	}
	if page, err := requestPage(w.cmoAdmin, w, cmoReq, 0, 100); err != nil || len(page.Serials) != 30 {
		t.Errorf("CMO request after the end: %d serials, %v", len(page.Serials), err)
	}
	var exported int
	if err := w.db.EachRequestSerial(w.cmoAdmin, cmoReq.ID, func(string, map[string]string) error { exported++; return nil }); err != nil || exported != 30 {
		t.Errorf("CMO request export after the end: %d, %v", exported, err)
	}
	exported = 0
	if err := w.db.EachPartnerSerial(w.mahViewer, w.cmo, "", func(ps pool.PartnerSerial) error {
		exported++
		if ps.ProductCode != used.Code {
			t.Errorf("partner export lists %+v", ps)
		}
		return nil
	}); err != nil || exported != 31 {
		t.Errorf("partner export after the end: %d, %v; want the 30 used and the one with a pack event", exported, err)
	}
	for _, who := range []context.Context{w.cmoAdmin, w.mahViewer} {
		s, err := w.db.SerialByValue(who, used.Code, packed)
		if err != nil || s.PackStatus != pool.PackCommissioned {
			t.Fatalf("a used serial after the end: %+v, %v", s, err)
		}
		if h, err := history(who, w, s.ProductID, s.ID); err != nil || len(h) != 1 {
			t.Errorf("pack history after the end: %+v, %v", h, err)
		}
		if p, err := w.db.ProductByCode(who, used.Code); err != nil || p.TenantID != w.mah {
			t.Errorf("the used product after the end: %+v, %v", p, err)
		}
	}

	// Listed as ended on both sides; ending again is a conflict.
	for _, who := range []context.Context{w.mahViewer, w.cmoAdmin} {
		ps, err := w.db.Partners(who)
		if err != nil || len(ps) != 1 || ps[0].ID != id || ps[0].EndedAt == nil || *ps[0].EndedBy != w.cmo || *ps[0].EndReason != "contract over" {
			t.Errorf("partners after the end = %+v, %v", ps, err)
		}
	}
	if _, err := w.db.EndPartnership(w.mahAdmin, id, "again"); pool.ErrorCode(err) != pool.ECONFLICT {
		t.Errorf("ending an ended partnership: %v", err)
	}

	// Both audit trails count it: the end, and what returned per product.
	for _, side := range []struct {
		tenant, partner int64
		actor           string // a LIKE pattern
	}{{w.mah, w.cmo, fmt.Sprintf("tenant:%d key:%%", w.cmo)}, {w.cmo, w.mah, "key:%"}} {
		if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action = 'partnership.end' AND count = ?
			AND actor LIKE ? AND detail->>'reason' = 'contract over' AND (detail->>'partner')::bigint = ? AND (detail->>'partnership')::bigint = ?`,
			side.tenant, returned, side.actor, side.partner, id); n != 1 {
			t.Errorf("tenant %d has %d partnership.end entries", side.tenant, n)
		}
		for p, n := range map[int64]int64{used.ID: 169, unused.ID: 50} {
			if got := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action = 'serials.return' AND product_id = ? AND count = ?`,
				side.tenant, p, n); got != 1 {
				t.Errorf("tenant %d: %d serials.return entries of product %d with %d", side.tenant, got, p, n)
			}
		}
	}

	// Partnering again takes a new invitation, and starts afresh.
	inv, err := w.db.CreatePartnerInvitation(w.cmoAdmin)
	if err != nil {
		t.Fatal(err)
	}
	again2, err := w.db.CreatePartnership(w.mahAdmin, inv.Code)
	if err != nil || again2.ID == id || again2.EndedAt != nil || !again2.IsCMO {
		t.Fatalf("a new partnership = %+v, %v", again2, err)
	}
	if ps, err := w.db.Partners(w.cmoAdmin); err != nil || len(ps) != 2 || ps[0].EndedAt == nil || ps[1].EndedAt != nil {
		t.Errorf("partners after partnering again = %+v, %v", ps, err)
	}
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: unused.Code, Partner: w.cmo, Count: 1}); pool.ErrorCode(err) != pool.EINSUFFICIENT {
		t.Errorf("assigning from an emptied pool: %v", err)
	}
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: used.Code, Partner: w.cmo, Count: 10}); err != nil {
		t.Errorf("assigning in the new partnership: %v", err)
	}
	if _, err := w.db.RequestSerials(cmoOperator, pool.Request{ProductCode: used.Code, Count: 10, OrderRef: "new line"}); err != nil {
		t.Errorf("the CMO requests in the new partnership: %v", err)
	}
	assertCountersExact(t, w)
}

// TestPartnershipEndRacesRequests ends a partnership while its CMO requests
// serials: each request lands wholly before the end (its serials stay the
// CMO's) or after it (refused as for a stranger), never half; the end returns
// exactly what no request took, and the counters stay exact.
func TestPartnershipEndRacesRequests(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "R", 20000)
	if _, err := w.db.AssignToPartner(w.mahAdmin, pool.Assignment{ProductCode: p.Code, Partner: w.cmo, Count: 20000}); err != nil {
		t.Fatal(err)
	}
	partners, err := w.db.Partners(w.mahAdmin)
	if err != nil {
		t.Fatal(err)
	}
	cmoOperator := w.actor(t, w.cmo, pool.RoleOperator)
	const requests, size = 24, 200
	errs := make([]error, requests)
	var end *pool.PartnershipEnd
	var wg sync.WaitGroup
	for i := range requests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.db.RequestSerials(cmoOperator, pool.Request{ProductCode: p.Code, Count: size, OrderRef: fmt.Sprintf("line-%d", i)})
		}()
		if i == requests/2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var err error
				if end, err = w.db.EndPartnership(w.mahAdmin, partners[0].ID, "racing"); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if end == nil {
		t.Fatal("the partnership did not end")
	}
	var ok int64
	for i, err := range errs {
		switch pool.ErrorCode(err) {
		case "":
			ok++
		case pool.ENOTFOUND:
		default:
			t.Errorf("request %d racing the end: %v", i, err)
		}
	}
	if n := w.count(t, `SELECT count(*) FROM serials WHERE partner_tenant_id = ? AND partner_status = 'ASSIGNED'`, w.cmo); n != ok*size {
		t.Errorf("the CMO holds %d serials after %d requests of %d went through", n, ok, size)
	}
	if n := w.count(t, `SELECT count(*) FROM serials WHERE partner_tenant_id = ? AND partner_status = 'AVAILABLE'`, w.cmo); n != 0 {
		t.Errorf("%d serials stayed Available to the ended CMO", n)
	}
	if end.Returned != 20000-ok*size {
		t.Errorf("the end returned %d serials; %d requests of %d went through", end.Returned, ok, size)
	}
	assertCountersExact(t, w)
}
