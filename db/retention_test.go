package db_test

import (
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// TestRetention: a serial that was handed out or used, and its events, cannot
// be deleted, not even by the database owner, before six years after its last
// use and a year after its expiry (EU FMD art. 35, DSCSA); a serial never
// handed out can. The app role cannot delete at all.
func TestRetention(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t) // P1..P8 Assigned, P9, P10 Available
	g := w.db.Gorm()
	// P3 and P4 were handed out 8 years ago and commissioned 7 years ago, P3
	// with an expiry long past, P4 with one a month ahead; P1 today.
	longAgo := time.Now().AddDate(-7, 0, 0)
	if err := g.Exec(`UPDATE serials SET received_at = now() - interval '8 years', assigned_at = now() - interval '8 years'
		WHERE product_id = ? AND value IN ('P3', 'P4')`, p.ID).Error; err != nil {
		t.Fatal(err)
	}
	commission := func(serial string, at time.Time, expiry time.Time) pool.PackEventInput {
		return pool.PackEventInput{ProductCode: p.Code, Serial: serial, Event: pool.Commission, At: at, Lot: "L1", Expiry: expiry.UTC().Truncate(24 * time.Hour)}
	}
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{withLot(pool.PackEventInput{ProductCode: p.Code, Serial: "P1", Event: pool.Commission}),
		commission("P3", longAgo, longAgo.AddDate(0, 1, 0)), commission("P4", longAgo, time.Now().AddDate(0, 1, 0))}); err != nil {
		t.Fatal(err)
	}
	del := func(table, serial string) error {
		if table == "serials" {
			return g.Exec(`DELETE FROM serials WHERE product_id = ? AND value = ?`, p.ID, serial).Error
		}
		return g.Exec(`DELETE FROM pack_events e USING serials s WHERE s.product_id = ? AND s.value = ? AND e.product_id = s.product_id AND e.serial_id = s.id`, p.ID, serial).Error
	}
	kept := func(what string, err error) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), "retention") {
			t.Errorf("%s: %v, want refused for retention", what, err)
		}
	}
	kept("delete an assigned serial", del("serials", "P2"))
	kept("delete a commissioned pack's events", del("pack_events", "P1"))
	kept("delete a commissioned serial", del("serials", "P1"))
	kept("delete events of a pack within a year after its expiry", del("pack_events", "P4"))
	if err := del("serials", "P9"); err != nil {
		t.Errorf("delete a serial never handed out: %v", err)
	}
	if err := del("pack_events", "P3"); err != nil {
		t.Errorf("delete events after their retention: %v", err)
	}
	if err := del("serials", "P3"); err != nil {
		t.Errorf("delete a serial after its retention: %v", err)
	}
	if err := g.Exec(`UPDATE pack_events SET lot = 'L2' WHERE product_id = ?`, p.ID).Error; err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("an event is edited: %v", err)
	}
	if err := w.db.TenantExec(w.mahAdmin, func(tx *gorm.DB) error {
		return tx.Exec(`DELETE FROM serials WHERE value = 'P10'`).Error
	}); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the app role deletes a serial: %v", err)
	}
}

// TestAdoptedSerialEntersAtItsCommissioning: an unknown serial a line
// commissions enters the pool at the commissioning's event time, so that its
// next event, reported late but after the commissioning, is taken.
func TestAdoptedSerialEntersAtItsCommissioning(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	at := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{withLot(pool.PackEventInput{ProductCode: p.Code, Serial: "LATE-1", Event: pool.Commission, At: at})}); err != nil {
		t.Fatal(err)
	}
	s, err := w.db.SerialByValue(w.mahViewer, p.Code, "LATE-1")
	if err != nil || s.Source != pool.SourceExternal || !s.ReceivedAt.Equal(at) {
		t.Fatalf("adopted serial %+v, %v: want EXTERNAL received at %s", s, err, at)
	}
	sampled := pool.Sampled
	if _, err := w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: "LATE-1", Event: pool.Decommission, Reason: &sampled, At: at.Add(time.Hour)}}); err != nil {
		t.Errorf("a later event reported late: %v", err)
	}
	_, err = w.db.RecordPackEvents(w.mahAdmin, []pool.PackEventInput{{ProductCode: p.Code, Serial: "NOLOT-1", Event: pool.Commission}})
	refusedAs(t, "adopt a serial without lot and expiry", err, 1, pool.CodeLotRequired)
}

// TestInterruptedCapture: a capture job its server never finished reads as
// failed (interrupted) once its deadline and grace passed, and can no longer
// succeed.
func TestInterruptedCapture(t *testing.T) {
	t.Parallel()
	w, p := packWorld(t)
	job, err := w.db.StartCapture(w.mahAdmin, 1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := w.db.CaptureByID(w.mahViewer, job.ID); err != nil || c.State != pool.CaptureRunning {
		t.Fatalf("a fresh job: %+v, %v", c, err)
	}
	if err := w.db.Gorm().Exec(`UPDATE epcis_captures SET deadline = now() - interval '2 minutes' WHERE id = ?`, job.ID).Error; err != nil {
		t.Fatal(err)
	}
	c, err := w.db.CaptureByID(w.mahViewer, job.ID)
	if err != nil || c.State != pool.CaptureFailed || len(c.Refusals) != 1 || c.Refusals[0].Code != pool.CodeCaptureInterrupted {
		t.Fatalf("a job past its deadline: %+v, %v", c, err)
	}
	_, err = w.db.CapturePackEvents(w.mahAdmin, job.ID, []pool.CapturedPackEvent{{Hash: "ni:///sha-256;" + strings.Repeat("a", 64) + "?ver=CBV2.0",
		PackEventInput: withLot(pool.PackEventInput{ProductCode: p.Code, Serial: "P1", Event: pool.Commission})}})
	if pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("finishing an interrupted job: %v, want NOT_FOUND", err)
	}
}
