package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// TestRecentPackEvents lists a tenant's pack events newest event time first
// (not in the order recorded), page by page, filtered by product, event type
// and time; a CMO sees only the events of serials assigned to it, another
// tenant none.
func TestRecentPackEvents(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	now := time.Now().Truncate(time.Second)
	sampled := pool.Sampled
	ev := func(serial string, e pool.PackEventType, ago time.Duration) pool.PackEventInput {
		in := pool.PackEventInput{ProductCode: p.Code, Serial: serial, Event: e, At: now.Add(-ago), TZOffset: "+02:00"}
		if e == pool.Decommission {
			in.Reason = &sampled
		}
		if e == pool.Commission {
			in.Lot, in.Expiry = "LOT-"+serial, testExpiry
		}
		return in
	}
	// Recorded P1, P2, P3; by event time P2 is newest, then P3, then P1.
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{
		ev("P1", pool.Commission, 3*time.Hour), ev("P2", pool.Commission, time.Hour), ev("P3", pool.Commission, 2*time.Hour),
		ev("P1", pool.Decommission, 90*time.Minute),
	}); err != nil {
		t.Fatal(err)
	}
	list := func(ctx context.Context, f pool.PackEventListFilter) []string {
		t.Helper()
		var out []string
		for {
			page, err := w.db.RecentPackEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Events {
				out = append(out, fmt.Sprintf("%s %s %s", e.Serial, e.Event, e.At.Format("-07:00")))
			}
			if !page.HasNext {
				return out
			}
			last := page.Events[len(page.Events)-1]
			f.Before = &pool.PackEventCursor{At: last.At, ID: last.ID}
		}
	}
	want := "[P2 COMMISSION +02:00 P1 DECOMMISSION +02:00 P3 COMMISSION +02:00 P1 COMMISSION +02:00]"
	for _, limit := range []int{1, 2, 50} {
		if got := fmt.Sprint(list(w.mahViewer, pool.PackEventListFilter{Limit: limit})); got != want {
			t.Errorf("pages of %d: %s; want %s", limit, got, want)
		}
	}
	page, err := w.db.RecentPackEvents(w.mahViewer, pool.PackEventListFilter{Limit: 1})
	if err != nil || page.Events[0].Lot != "LOT-P2" || page.Events[0].ProductCode != p.Code {
		t.Errorf("the newest event: %+v, %v", page.Events, err)
	}
	if got := fmt.Sprint(list(w.mahViewer, pool.PackEventListFilter{Events: []pool.PackEventType{pool.Decommission}, Limit: 10})); got != "[P1 DECOMMISSION +02:00]" {
		t.Errorf("decommissions: %s", got)
	}
	if got := fmt.Sprint(list(w.mahViewer, pool.PackEventListFilter{From: now.Add(-150 * time.Minute), To: now.Add(-time.Hour), Limit: 10})); got != "[P1 DECOMMISSION +02:00 P3 COMMISSION +02:00]" {
		t.Errorf("from 2.5 h to 1 h ago: %s", got)
	}
	if got := list(w.mahViewer, pool.PackEventListFilter{ProductCode: p.Code + "0", Limit: 10}); len(got) != 0 {
		t.Errorf("another product code: %v", got)
	}
	if got := list(w.mahViewer, pool.PackEventListFilter{ProductCode: p.Code, Limit: 10}); len(got) != 4 {
		t.Errorf("its product code: %v", got)
	}

	// The CMO: only what happened to the serials assigned to it.
	q := w.product(t, w.mahAdmin, gtin(7), "Assigned to the CMO")
	w.addSerials(t, q, "C", 4)
	w.assignToCMO(t, q, 4) // C2 and C4 are Assigned in the CMO's pool
	if err := w.db.Gorm().Exec(`UPDATE serials SET received_at = now() - interval '1 day' WHERE product_id = ?`, q.ID).Error; err != nil {
		t.Fatal(err)
	}
	var cmoSerial string
	if err := w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND partner_status = 'ASSIGNED' ORDER BY id LIMIT 1`, q.ID).Scan(&cmoSerial).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordPackEvents(w.cmoAdmin, []pool.PackEventInput{{ProductCode: q.Code, Serial: cmoSerial, Event: pool.Commission, At: now.Add(-time.Minute), Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(list(w.cmoAdmin, pool.PackEventListFilter{Limit: 10})); got != fmt.Sprintf("[%s COMMISSION +00:00]", cmoSerial) {
		t.Errorf("the CMO's list: %s", got)
	}
	if got := list(w.cmoAdmin, pool.PackEventListFilter{ProductCode: p.Code, Limit: 10}); len(got) != 0 {
		t.Errorf("the CMO reads the MAH's own product: %v", got)
	}
	if got := list(w.mahViewer, pool.PackEventListFilter{Limit: 10}); len(got) != 5 || got[0] != fmt.Sprintf("%s COMMISSION +00:00", cmoSerial) {
		t.Errorf("the MAH sees the CMO's event on its serial: %v", got)
	}
	if got := list(w.otherAdmin, pool.PackEventListFilter{Limit: 10}); len(got) != 0 {
		t.Errorf("another tenant: %v", got)
	}
	if _, err := w.db.RecentPackEvents(w.mahViewer, pool.PackEventListFilter{Limit: 1001}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("a page of 1001: %v", err)
	}
}

// BenchmarkRecentPackEvents reads the newest page of 50 of a tenant's 200,000
// pack events (on the pack_events_tenant_at index; without it, a sort of all).
func BenchmarkRecentPackEvents(b *testing.B) {
	w := newWorld(b)
	p, err := w.db.CreateProduct(w.mahAdmin, pool.NewProduct{Code: gtin(1), CodeSchema: pool.GTIN, Name: "Measured", Source: pool.SourceSNM, LowThreshold: 10})
	if err != nil {
		b.Fatal(err)
	}
	w.addSerials(b, p, "M", 200_000)
	if err := w.db.Gorm().Exec(`INSERT INTO pack_events (product_id, serial_id, tenant_id, event, status, at, actor)
		SELECT product_id, id, tenant_id, 'COMMISSION', 'COMMISSIONED', now() - random() * interval '300 days', 'bench' FROM serials WHERE product_id = ?`, p.ID).Error; err != nil {
		b.Fatal(err)
	}
	w.db.Gorm().Exec(`ANALYZE pack_events`)
	b.ResetTimer()
	for range b.N {
		if page, err := w.db.RecentPackEvents(w.mahViewer, pool.PackEventListFilter{Limit: 50}); err != nil || len(page.Events) != 50 {
			b.Fatal(err)
		}
	}
}
