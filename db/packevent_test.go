package db_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// packWorld is a product with 10 serials P1..P10 of the MAH, 8 of them
// Assigned, received 20 days ago.
func packWorld(t *testing.T) (*world, *pool.Product) {
	t.Helper()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "P", 10)
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 8, OrderRef: "o"}); err != nil {
		t.Fatal(err)
	}
	if err := w.db.Gorm().Exec(`UPDATE serials SET received_at = now() - interval '20 days' WHERE product_id = ?`, p.ID).Error; err != nil {
		t.Fatal(err)
	}
	return w, p
}

// testExpiry is the expiry date of the packs the tests commission.
var testExpiry = time.Date(2029, 12, 31, 0, 0, 0, 0, time.UTC)

// withLot gives a commissioning the lot and expiry it must record.
func withLot(e pool.PackEventInput) pool.PackEventInput {
	if e.Event == pool.Commission {
		e.Lot, e.Expiry = "L1", testExpiry
	}
	return e
}

// refusedAs asserts err refused the batch's row (1-based) with code.
func refusedAs(t *testing.T, what string, err error, row int64, code string) {
	t.Helper()
	var pe *pool.Error
	if !errors.As(err, &pe) || pe.Code != pool.EINVALID || pe.Batch == nil || pe.Batch.Rows[0].Row != row || pe.Batch.Rows[0].Code != code || pe.Batch.Rows[0].Reason == "" {
		t.Errorf("%s: %v, want row %d refused as %s", what, err, row, code)
	}
}

func TestPackEventTimeRules(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	ev := func(serial string, e pool.PackEventType, r *pool.Reason, at time.Time) pool.PackEventInput {
		return withLot(pool.PackEventInput{ProductCode: p.Code, Serial: serial, Event: e, Reason: r, At: at})
	}
	sampled, destroyed := pool.Sampled, pool.Destroyed
	now := time.Now()
	commissioned := now.Add(-24 * time.Hour)
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev("P1", pool.Commission, nil, commissioned)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		e    pool.PackEventInput
		code string
	}{
		{"a destruction dated 2030", ev("P1", pool.Decommission, &destroyed, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)), pool.CodeEventInFuture},
		{"beyond the clock skew", ev("P2", pool.Commission, nil, now.Add(pool.DefaultClockSkew+time.Minute)), pool.CodeEventInFuture},
		{"before the serial arrived", ev("P2", pool.Commission, nil, now.Add(-21*24*time.Hour)), pool.CodeEventBeforeIntake},
		{"before the latest event", ev("P1", pool.Decommission, &sampled, commissioned.Add(-time.Minute)), pool.CodeEventOutOfOrder},
	} {
		_, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev("P3", pool.Commission, nil, time.Time{}), tc.e})
		refusedAs(t, tc.name, err, 2, tc.code)
	}
	// The clock skew is the database's setting.
	w.db.SetClockSkew(2 * time.Hour)
	defer w.db.SetClockSkew(pool.DefaultClockSkew)
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev("P2", pool.Commission, nil, now.Add(time.Hour))}); err != nil {
		t.Errorf("within a 2h skew: %v", err)
	}
	// Nothing of the refused batches was stored: P3 is still ACTIVE.
	if s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P3"); s.PackStatus != pool.PackActive {
		t.Errorf("P3 = %s after refused batches", s.PackStatus)
	}
}

func TestPackHistoryByEventTime(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P1")
	// Rows recorded out of event order (before the time rules, or by a
	// migration): the history reads them by event time, then recorded time.
	if err := w.db.Gorm().Exec(`INSERT INTO pack_events (product_id, serial_id, tenant_id, event, status, reason, at, recorded_at, actor, tz_offset) VALUES
		(?, ?, ?, 'DECOMMISSION', 'DECOMMISSIONED', 'SAMPLED', now() - interval '1 day', now() - interval '1 hour', 'a', '+02:00'),
		(?, ?, ?, 'COMMISSION', 'COMMISSIONED', NULL, now() - interval '2 days', now(), 'a', '-05:00')`,
		p.ID, s.ID, p.TenantID, p.ID, s.ID, p.TenantID).Error; err != nil {
		t.Fatal(err)
	}
	h, err := history(w.mahViewer, w, p.ID, s.ID)
	if err != nil || len(h) != 2 || h[0].Event != pool.Commission || h[1].Event != pool.Decommission {
		t.Fatalf("history %+v, %v; want COMMISSION, DECOMMISSION", h, err)
	}
	if _, off := h[0].At.Zone(); off != -5*3600 || h[0].TZOffset != "-05:00" || h[1].TZOffset != "+02:00" {
		t.Errorf("event times %v (%s), %v (%s): want them in their offsets", h[0].At, h[0].TZOffset, h[1].At, h[1].TZOffset)
	}
}

func TestPackEventUndoRule(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	operator := w.actor(t, w.mah, pool.RoleOperator) // another key of the same tenant
	ev := func(serial string, e pool.PackEventType, r *pool.Reason, at time.Time) pool.PackEventInput {
		return withLot(pool.PackEventInput{ProductCode: p.Code, Serial: serial, Event: e, Reason: r, At: at})
	}
	sampled, locked := pool.Sampled, pool.Locked
	long := time.Now().Add(-11 * 24 * time.Hour)
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{
		ev("P1", pool.Commission, nil, long.Add(-time.Hour)), ev("P1", pool.Decommission, &sampled, long),
		ev("P2", pool.Commission, nil, time.Time{}), ev("P2", pool.Decommission, &locked, time.Time{}),
		ev("P3", pool.Commission, nil, time.Time{}), ev("P3", pool.Decommission, &locked, time.Time{}),
	}); err != nil {
		t.Fatal(err)
	}
	_, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev("P1", pool.Reactivate, nil, time.Time{})})
	refusedAs(t, "undo after 11 days", err, 1, pool.CodeUndoTooLate)
	_, err = w.db.RecordPackEvents(operator, []pool.PackEventInput{ev("P2", pool.Reactivate, nil, time.Time{})})
	refusedAs(t, "undo by another key", err, 1, pool.CodeUndoOtherActor)
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev("P2", pool.Reactivate, nil, time.Time{})}); err != nil {
		t.Errorf("undo within 10 days by the same key: %v", err)
	}
	// The undone pack is COMMISSIONED again and, like every serial with pack
	// events, never returns to the pool.
	if s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P2"); s.PackStatus != pool.PackCommissioned {
		t.Errorf("P2 = %s", s.PackStatus)
	}
	if _, err := w.db.ReleaseSerials(w.mahAdmin, p.Code, []string{"P3"}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("a decommissioned serial released: %v", err)
	}
}

func TestPackEventIdentifiersAndAudit(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	expiry := time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)
	sampled := pool.Sampled
	var batch []pool.PackEventInput
	for _, s := range []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "EXT-1", "EXT-2"} {
		batch = append(batch, pool.PackEventInput{ProductCode: p.Code, Serial: s, Event: pool.Commission,
			Lot: "L-2028/02", Expiry: expiry, NHRN: "4150123", TZOffset: "+01:00"})
	}
	batch = slices.Delete(batch, 8, 10) // P9, P10 are Available
	if _, err := w.db.RecordPackEvents(w.mahAdmin, batch); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: "P1", Event: pool.Decommission, Reason: &sampled}}); err != nil {
		t.Fatal(err)
	}
	s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P1")
	h, err := history(w.mahViewer, w, p.ID, s.ID)
	if err != nil || len(h) != 2 {
		t.Fatalf("history %+v, %v", h, err)
	}
	// The decommissioning carries the lot and expiry of the commissioning.
	for _, e := range h {
		if e.Lot != "L-2028/02" || !e.Expiry.Equal(expiry) || e.NHRN != "4150123" {
			t.Errorf("%s: lot %q expiry %v NHRN %q", e.Event, e.Lot, e.Expiry, e.NHRN)
		}
	}
	if h[0].TZOffset != "+01:00" || h[1].TZOffset != pool.UTCOffset {
		t.Errorf("time zones %q %q", h[0].TZOffset, h[1].TZOffset)
	}
	// A bad lot is refused naming its row, nothing stored.
	_, err = w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: "EXT-3", Event: pool.Commission, Lot: "LOT#1", Expiry: testExpiry}})
	refusedAs(t, "lot outside set 82", err, 1, "lot_charset")

	page, err := w.db.AuditLog(w.mahViewer, pool.AuditFilter{Action: "pack.events", Limit: 10})
	if err != nil || len(page.Entries) != 2 {
		t.Fatalf("audit %+v, %v", page, err)
	}
	one, many := page.Entries[0], page.Entries[1]
	if one.ProductCode != p.Code || *one.Count != 1 || one.Detail["event"] != "DECOMMISSION" || one.Detail["reason"] != "SAMPLED" ||
		one.Detail["lot"] != "L-2028/02" || !slices.Equal(anyStrings(one.Detail["serials"]), []string{"P1"}) {
		t.Errorf("audit of one event: %+v", one)
	}
	if many.ProductCode != p.Code || *many.Count != 10 || many.Detail["event"] != "COMMISSION" || many.Detail["lot"] != "L-2028/02" ||
		len(anyStrings(many.Detail["serials"])) != 10 || anyStrings(many.Detail["serials"])[0] != "P1" || many.Detail["storedExternal"] != 2.0 {
		t.Errorf("audit of a batch: %+v", many)
	}
}

func anyStrings(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, s := range l {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}

// ssccs creates an SSCC pool of the tenant of ctx and requests n of its SSCCs.
func ssccs(t *testing.T, w *world, ctx context.Context, prefix string, n int) []string {
	t.Helper()
	sp, err := w.db.CreateSSCCPool(ctx, prefix, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Generate(ctx, pool.Generation{ProductCode: sp.Code, Count: n + 1, Mode: pool.Sequential}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RequestSerials(ctx, pool.Request{ProductCode: sp.Code, Count: n, OrderRef: "shipping"}); err != nil {
		t.Fatal(err)
	}
	var values []string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? ORDER BY id`, sp.ID).Scan(&values)
	return values
}

func TestAggregation(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	boxes := ssccs(t, w, w.mahAdmin, "4012345", 3)
	kase, pallet, spare, unrequested := boxes[0], boxes[1], boxes[2], boxes[3]
	pool0 := "34012345"
	ev := func(code, serial string, e pool.PackEventType, container string) pool.PackEventInput {
		return withLot(pool.PackEventInput{ProductCode: code, Serial: serial, Event: e, Container: container})
	}
	var batch []pool.PackEventInput
	for _, s := range []string{"P1", "P2", "P3"} {
		batch = append(batch, ev(p.Code, s, pool.Commission, ""), ev(p.Code, s, pool.Pack, kase))
	}
	batch = append(batch, ev(pool0, kase, pool.Pack, pallet), ev(p.Code, "P4", pool.Commission, ""), ev(p.Code, "P4", pool.Pack, pallet))
	if _, err := w.db.RecordPackEvents(w.mahAdmin, batch); err != nil {
		t.Fatal(err)
	}
	s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P1")
	if h, _ := history(w.mahViewer, w, p.ID, s.ID); len(h) != 2 || h[0].Container != "" || h[1].Event != pool.Pack || h[1].Container != kase || h[1].Status != pool.PackCommissioned {
		t.Errorf("P1's history: %+v", h)
	}
	// A container lists what is in it now, paged.
	page, err := w.db.ContainerContents(w.mahViewer, kase, 0, 2)
	if err != nil || len(page.Serials) != 2 || !page.HasNext || page.Serials[0].Value != "P1" {
		t.Fatalf("contents of the case: %+v, %v", page, err)
	}
	page, err = w.db.ContainerContents(w.mahViewer, kase, page.Serials[1].ID, 2)
	if err != nil || len(page.Serials) != 1 || page.HasNext || page.Serials[0].Value != "P3" {
		t.Errorf("second page: %+v, %v", page, err)
	}
	page, _ = w.db.ContainerContents(w.mahViewer, pallet, 0, 10)
	if got := values(page); !slices.Equal(got, []string{"P4", kase}) { // by id: the packs were stored first
		t.Errorf("pallet holds %v", got)
	}
	// Unpacking is an event too; the SSCC's history shows it.
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev(p.Code, "P3", pool.Unpack, kase)}); err != nil {
		t.Fatal(err)
	}
	if page, _ := w.db.ContainerContents(w.mahViewer, kase, 0, 10); !slices.Equal(values(page), []string{"P1", "P2"}) {
		t.Errorf("case after unpacking P3: %v", values(page))
	}
	for _, tc := range []struct {
		name string
		e    pool.PackEventInput
		code string
	}{
		{"an SSCC not requested", ev(p.Code, "P3", pool.Pack, unrequested), pool.CodeContainerNotFound},
		{"the pallet into the case it holds", ev(pool0, pallet, pool.Pack, kase), pool.CodeContainerCycle},
		{"packed twice", ev(p.Code, "P1", pool.Pack, spare), pool.CodeAlreadyPacked},
		{"an uncommissioned pack", ev(p.Code, "P5", pool.Pack, spare), pool.CodeNotPackable},
		{"unpacked from another", ev(p.Code, "P1", pool.Unpack, pallet), pool.CodeNotPacked},
	} {
		_, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{tc.e})
		refusedAs(t, tc.name, err, 1, tc.code)
	}
	// Another tenant's SSCC answers as an unknown one, as a container and
	// as a target.
	if _, err := w.db.ContainerContents(w.otherAdmin, kase, 0, 10); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("another tenant reads the case: %v", err)
	}
	if _, err := w.db.Container(w.otherAdmin, kase); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("another tenant finds the case: %v", err)
	}
	other := w.sourced(t, w.otherAdmin, 2, pool.SourceSAPATTP, pool.SerialFormat{})
	_, err = w.db.RecordPackEvents(w.otherAdmin, []pool.PackEventInput{ev(other.Code, "O1", pool.Commission, ""), ev(other.Code, "O1", pool.Pack, spare)})
	refusedAs(t, "into another tenant's SSCC", err, 2, pool.CodeContainerNotFound)
	if _, err := w.db.DecommissionContainer(w.otherAdmin, pool.ContainerDecommission{SSCC: pallet, Reason: pool.Destroyed}); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("another tenant decommissions the pallet: %v", err)
	}
	assertCountersExact(t, w)
}

func values(page *pool.SerialPage) []string {
	var out []string
	if page != nil {
		for _, s := range page.Serials {
			out = append(out, s.Value)
		}
	}
	return out
}

func TestDecommissionContainer(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	boxes := ssccs(t, w, w.mahAdmin, "4012345", 3)
	kase, pallet := boxes[0], boxes[1]
	ev := func(code, serial string, e pool.PackEventType, container string) pool.PackEventInput {
		return withLot(pool.PackEventInput{ProductCode: code, Serial: serial, Event: e, Container: container})
	}
	sampled := pool.Sampled
	batch := []pool.PackEventInput{ev("34012345", kase, pool.Pack, pallet)}
	for _, s := range []string{"P1", "P2", "P3"} {
		batch = append(batch, ev(p.Code, s, pool.Commission, ""), ev(p.Code, s, pool.Pack, kase))
	}
	batch = append(batch, ev(p.Code, "P4", pool.Commission, ""), ev(p.Code, "P4", pool.Pack, pallet),
		pool.PackEventInput{ProductCode: p.Code, Serial: "P3", Event: pool.Decommission, Reason: &sampled})
	if _, err := w.db.RecordPackEvents(w.mahAdmin, batch); err != nil {
		t.Fatal(err)
	}
	// All or nothing: an event time before the packs' latest refuses it all.
	_, err := w.db.DecommissionContainer(w.mahAdmin, pool.ContainerDecommission{SSCC: pallet, Reason: pool.Destroyed, At: time.Now().Add(-time.Hour)})
	var pe *pool.Error
	if !errors.As(err, &pe) || pe.Batch == nil || pe.Batch.Rows[0].Code != pool.CodeEventOutOfOrder {
		t.Fatalf("decommission dated before the packing: %v", err)
	}
	if s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P1"); s.PackStatus != pool.PackCommissioned {
		t.Errorf("P1 = %s after a refused container decommissioning", s.PackStatus)
	}
	res, err := w.db.DecommissionContainer(w.mahAdmin, pool.ContainerDecommission{SSCC: pallet, Reason: pool.Destroyed, TZOffset: "+01:00"})
	if err != nil || res.Recorded != 5 { // P1, P2, P4, the case, the pallet; P3 was sampled already
		t.Fatalf("DecommissionContainer = %+v, %v", res, err)
	}
	for code, serials := range map[string][]string{p.Code: {"P1", "P2", "P4"}, "34012345": {kase, pallet}} {
		for _, v := range serials {
			s, _ := w.db.SerialByValue(w.mahViewer, code, v)
			if s.PackStatus != pool.PackDecommissioned || *s.DecommissionReason != pool.Destroyed {
				t.Errorf("%s = %s %v", v, s.PackStatus, s.DecommissionReason)
			}
		}
	}
	if s, _ := w.db.SerialByValue(w.mahViewer, p.Code, "P3"); *s.DecommissionReason != pool.Sampled {
		t.Errorf("P3 decommissioned again: %v", *s.DecommissionReason)
	}
	page, err := w.db.AuditLog(w.mahViewer, pool.AuditFilter{Action: "container.decommission", Limit: 10})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].Detail["sscc"] != pallet || *page.Entries[0].Count != 5 {
		t.Errorf("audit %+v, %v", page, err)
	}
	// A destroyed container takes nothing more.
	_, err = w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{ev(p.Code, "P5", pool.Commission, ""), ev(p.Code, "P5", pool.Pack, pallet)})
	refusedAs(t, "into a destroyed pallet", err, 2, pool.CodeContainerClosed)
}

func TestCMOPacksIntoItsOwnSSCC(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	w.addSerials(t, p, "P", 4)
	w.assignToCMO(t, p, 4) // P2 and P4 (even ids) Assigned at the CMO
	var used []string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND partner_status = 'ASSIGNED' ORDER BY id`, p.ID).Scan(&used)
	kase := ssccs(t, w, w.cmoAdmin, "4099999", 1)[0]
	if _, err := w.db.RecordPackEvents(w.cmoAdmin, []pool.PackEventInput{
		{ProductCode: p.Code, Serial: used[0], Event: pool.Commission, Lot: "CMO-LOT", Expiry: testExpiry},
		{ProductCode: p.Code, Serial: used[0], Event: pool.Pack, Container: kase},
	}); err != nil {
		t.Fatal(err)
	}
	page, err := w.db.ContainerContents(w.cmoAdmin, kase, 0, 10)
	if err != nil || !slices.Equal(values(page), used[:1]) || page.Serials[0].Source != pool.SourcePartner {
		t.Errorf("the CMO's case: %+v, %v", page, err)
	}
	// The MAH sees the pack's container in its history, not the CMO's case itself.
	s, _ := w.db.SerialByValue(w.mahViewer, p.Code, used[0])
	if h, _ := history(w.mahViewer, w, p.ID, s.ID); len(h) != 2 || h[1].Container != kase || h[1].Lot != "CMO-LOT" {
		t.Errorf("the MAH's view of the history: %+v", h)
	}
	if _, err := w.db.ContainerContents(w.mahAdmin, kase, 0, 10); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("the MAH reads the CMO's case: %v", err)
	}
	// The MAH cannot take its pack out of the CMO's case.
	_, err = w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: used[0], Event: pool.Unpack, Container: kase}})
	refusedAs(t, "the MAH unpacks the CMO's case", err, 1, pool.CodeContainerNotFound)
}

// BenchmarkRecordPackEvents records batches of 100,000 events: commissionings
// with lot and expiry, then their decommissionings, which read the history
// the first wrote. go test -run '^$' -bench RecordPackEvents -benchtime 1x ./db
func BenchmarkRecordPackEvents(b *testing.B) {
	w := newWorld(b)
	p := w.sourced(b, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	const n = 100_000
	sampled := pool.Sampled
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		prefix := fmt.Sprint("B", i, "-")
		w.addSerials(b, p, prefix, n)
		if err := w.db.Gorm().Exec(`UPDATE serials SET status = 'ASSIGNED' WHERE product_id = ? AND status = 'AVAILABLE'`, p.ID).Error; err != nil {
			b.Fatal(err)
		}
		events := make([]pool.PackEventInput, n)
		for j := range events {
			events[j] = pool.PackEventInput{ProductCode: p.Code, Serial: fmt.Sprint(prefix, j+1), Event: pool.Commission,
				Lot: "L-2028/02", Expiry: time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)}
		}
		b.StartTimer()
		start := time.Now()
		if _, err := w.db.RecordPackEvents(w.mahAdmin, events); err != nil {
			b.Fatal(err)
		}
		commissioned := time.Since(start)
		for j := range events {
			events[j] = pool.PackEventInput{ProductCode: p.Code, Serial: events[j].Serial, Event: pool.Decommission, Reason: &sampled}
		}
		start = time.Now()
		if _, err := w.db.RecordPackEvents(w.mahAdmin, events); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/commissioned.Seconds(), "commissions/s")
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "decommissions/s")
	}
}
