package db_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// chainedWorld is a world whose MAH has a trail worth tampering with: a product,
// three requests (the entries tampered with) and a change of limits after them.
func chainedWorld(t *testing.T) (*world, []int64) {
	t.Helper()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Chained")
	w.addSerials(t, p, "C", 10)
	for i := 1; i <= 3; i++ {
		if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 1, OrderRef: fmt.Sprintf("PO-%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	low := 2
	if _, err := w.db.UpdateLimits(w.mahAdmin, pool.Limits{ProductCode: p.Code, LowThreshold: &low}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	if err := w.db.Gorm().Raw(`SELECT id FROM audit_log WHERE tenant_id = ? AND action = 'serials.request' ORDER BY seq`, w.mah).Scan(&ids).Error; err != nil {
		t.Fatal(err)
	}
	return w, ids
}

// tamper runs statements as the database superuser with triggers off, as an
// attacker holding that role can.
func (w *world) tamper(t *testing.T, statements ...string) {
	t.Helper()
	err := w.db.Gorm().Transaction(func(tx *gorm.DB) error {
		for _, s := range append([]string{`SET LOCAL session_replication_role = replica`}, statements...) {
			if err := tx.Exec(s).Error; err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (w *world) verify(t *testing.T, tenant int64) *pool.AuditVerification {
	t.Helper()
	v, err := w.db.VerifyAudit(t.Context(), tenant, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestAuditChainVerify: the chain of an untouched trail is intact, and each kind
// of tampering by the superuser is found at the entry where it was done, in that
// tenant's chain alone.
func TestAuditChainVerify(t *testing.T) {
	t.Parallel()
	w, _ := chainedWorld(t)
	v := w.verify(t, 0)
	n := w.count(t, `SELECT count(*) FROM audit_log`)
	if len(v.Breaks) != 0 || v.Checked != n || v.Tenants != 3 {
		t.Fatalf("untouched trail: %+v; want %d entries of 3 tenants, intact", v, n)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ? AND seq BETWEEN 1 AND (SELECT seq FROM audit_heads WHERE tenant_id = ?)`, w.mah, w.mah); n != w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ?`, w.mah) || n < 6 {
		t.Errorf("the MAH's entries are not numbered 1 to its head: %d", n)
	}

	for _, c := range []struct {
		name   string
		sql    func(w *world, ids []int64) []string
		entry  func(ids []int64) int64 // the entry named; 0 for the end of the chain
		within string
	}{
		{"content edited", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`UPDATE audit_log SET detail = detail || '{"orderRef": "PO-FORGED"}' WHERE id = %d`, ids[1])}
		}, func(ids []int64) int64 { return ids[1] }, "content edited"},
		{"time edited", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`UPDATE audit_log SET at = at - interval '1 day' WHERE id = %d`, ids[0])}
		}, func(ids []int64) int64 { return ids[0] }, "content edited"},
		{"edited and resealed", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`UPDATE audit_log SET actor = 'someone else' WHERE id = %d`, ids[1]),
				fmt.Sprintf(`UPDATE audit_log l SET hash = audit_entry_hash(l) WHERE id = %d`, ids[1])}
		}, func(ids []int64) int64 { return ids[2] }, "does not follow"},
		{"entry deleted", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`DELETE FROM audit_log WHERE id = %d`, ids[1])}
		}, func(ids []int64) int64 { return ids[2] }, "missing"},
		{"last entry deleted", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log WHERE tenant_id = %d)`, w.mah)}
		}, func([]int64) int64 { return 0 }, "at the end deleted"},
		{"entry inserted", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`INSERT INTO audit_log (tenant_id, actor, action, seq, prev_hash, hash)
				SELECT tenant_id, 'key:1', 'serials.release', seq + 1, hash, '\x00' FROM audit_log
				WHERE tenant_id = %d ORDER BY seq DESC LIMIT 1`, w.mah),
				fmt.Sprintf(`UPDATE audit_log l SET hash = audit_entry_hash(l) WHERE tenant_id = %d AND hash = '\x00'`, w.mah)}
		}, func([]int64) int64 { return 0 }, "beyond the chain's head"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w, ids := chainedWorld(t)
			w.tamper(t, c.sql(w, ids)...)
			v := w.verify(t, 0)
			if len(v.Breaks) != 1 {
				t.Fatalf("%d breaks; want the MAH's: %+v", len(v.Breaks), v.Breaks)
			}
			b := v.Breaks[0]
			if b.TenantID != w.mah || b.EntryID != c.entry(ids) || !strings.Contains(b.Problem, c.within) {
				t.Errorf("break %+v; want tenant %d, entry %d, %q", b, w.mah, c.entry(ids), c.within)
			}
			if b.EntryID != 0 && (b.Seq == 0 || b.At.IsZero()) {
				t.Errorf("break %+v names no place or time", b)
			}
			if v := w.verify(t, w.cmo); len(v.Breaks) != 0 || v.Tenants != 1 {
				t.Errorf("the CMO's own chain: %+v", v)
			}
		})
	}
}

// TestAuditAnchors: a superuser who edits an entry and recomputes the whole
// chain from there, head included, leaves a chain that is intact by itself;
// the anchors an earlier verify printed show it, and an anchored entry
// deleted with a shortened chain too.
func TestAuditAnchors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		sql    func(w *world, ids []int64) []string
		within string
	}{
		{"edited and the chain recomputed", func(w *world, ids []int64) []string {
			// Each later entry's link and hash, in chain order, then the head.
			return []string{fmt.Sprintf(`UPDATE audit_log SET actor = 'someone else' WHERE id = %d`, ids[1]),
				fmt.Sprintf(`DO $$ DECLARE e audit_log; prev bytea; BEGIN
					FOR e IN SELECT * FROM audit_log WHERE tenant_id = %[1]d ORDER BY seq LOOP
						IF prev IS NOT NULL THEN e.prev_hash := prev; END IF;
						e.hash := audit_entry_hash(e);
						UPDATE audit_log SET prev_hash = e.prev_hash, hash = e.hash WHERE id = e.id;
						prev := e.hash;
					END LOOP;
					UPDATE audit_heads SET hash = prev WHERE tenant_id = %[1]d; END $$`, w.mah)}
		}, "not the one anchored"},
		{"the anchored tail deleted, the head moved back", func(w *world, ids []int64) []string {
			return []string{fmt.Sprintf(`DELETE FROM audit_log WHERE tenant_id = %[1]d AND seq = (SELECT seq FROM audit_heads WHERE tenant_id = %[1]d)`, w.mah),
				fmt.Sprintf(`UPDATE audit_heads h SET seq = l.seq, hash = l.hash FROM audit_log l
					WHERE h.tenant_id = %[1]d AND l.tenant_id = %[1]d AND l.seq = h.seq - 1`, w.mah)}
		}, "is gone"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w, ids := chainedWorld(t)
			before := w.verify(t, 0)
			if len(before.Heads) != before.Tenants {
				t.Fatalf("heads %+v of %d chains", before.Heads, before.Tenants)
			}
			w.tamper(t, c.sql(w, ids)...)
			if v := w.verify(t, 0); len(v.Breaks) != 0 {
				t.Fatalf("the rewrite is not self-consistent, so this test tests less than it says: %+v", v.Breaks)
			}
			v, err := w.db.VerifyAudit(t.Context(), 0, before.Heads)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Breaks) != 1 || v.Breaks[0].TenantID != w.mah || !strings.Contains(v.Breaks[0].Problem, c.within) {
				t.Fatalf("against the anchors: %+v; want the MAH's chain broken (%s)", v.Breaks, c.within)
			}
			for _, h := range v.Heads {
				if h.TenantID == w.mah {
					t.Errorf("a broken chain's head is offered as an anchor: %+v", h)
				}
			}
		})
	}
}

// TestAuditAppRoleAppendsOnly: the application role cannot rewrite the trail
// even with the append-only trigger out of the way, nor touch the chain heads.
func TestAuditAppRoleAppendsOnly(t *testing.T) {
	t.Parallel()
	w, _ := chainedWorld(t)
	for _, s := range []string{
		`UPDATE audit_log SET actor = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`UPDATE audit_heads SET seq = 0`,
		`SELECT * FROM audit_heads`,
	} {
		err := w.db.Gorm().Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec(`SET LOCAL session_replication_role = replica`).Error; err != nil {
				return err
			}
			if err := tx.Exec(`SET LOCAL ROLE serialpool_app`).Error; err != nil {
				return err
			}
			return tx.Exec(s).Error
		})
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("%s as serialpool_app: %v; want permission denied", s, err)
		}
	}
	if v := w.verify(t, 0); len(v.Breaks) != 0 {
		t.Errorf("after the attempts: %+v", v.Breaks)
	}
}

// TestAuditChainConcurrent: concurrent writers of one tenant's trail (requests,
// each audited in its own transaction) leave one chain without gaps or forks.
func TestAuditChainConcurrent(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(1), "Busy")
	w.addSerials(t, p, "B", 64)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: p.Code, Count: 2, OrderRef: fmt.Sprintf("PO-%d", i)})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	v := w.verify(t, w.mah)
	if len(v.Breaks) != 0 || v.Checked != w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ?`, w.mah) {
		t.Errorf("after 32 concurrent requests: %+v", v)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action = 'serials.request'`, w.mah); n != 32 {
		t.Errorf("%d requests audited; want 32", n)
	}
}
