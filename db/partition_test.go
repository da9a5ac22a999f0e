package db_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/dbtest"
	"github.com/serialpool/serialpool/pool"
)

// partitioning is the migration that partitions serials and pack_events (the
// audit trail follows in 00023).
const partitioning = 21

// tableState is what must survive the partitioning migration: every row, as
// text, and the table's kind and partitions.
type tableState struct {
	Rows       int64
	Digest     string
	Kind       string
	Partitions int
	Grants     string // of the table and its columns
	Policies   string
	Triggers   string
	Indexes    string // of the table itself, by name and definition
}

func stateOf(t *testing.T, w *world, table string) tableState {
	t.Helper()
	var s tableState
	err := w.db.OwnerPgx(context.Background(), func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM `+table+`),
			(SELECT coalesce(md5(string_agg(r::text, E'\n' ORDER BY r.id)), '') FROM `+table+` r),
			(SELECT relkind::text FROM pg_class WHERE oid = $1::regclass),
			(SELECT count(*) FROM pg_inherits WHERE inhparent = $1::regclass),
			(SELECT string_agg(g, ' ' ORDER BY g) FROM (
				SELECT a.grantee::regrole || ':' || a.privilege_type FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::regclass
				UNION ALL
				SELECT t.attname || ':' || x.grantee::regrole || ':' || x.privilege_type FROM pg_attribute t, aclexplode(t.attacl) x
				WHERE t.attrelid = $1::regclass) AS g(g)),
			(SELECT string_agg(policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, ''), '; ' ORDER BY policyname)
				FROM pg_policies WHERE tablename = $2::text),
			(SELECT string_agg(tgname || ' ' || tgtype, '; ' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal),
			(SELECT string_agg(i.indexrelid::regclass || ' ' || replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON '), '; ' ORDER BY i.indexrelid::regclass::text)
				FROM pg_index i WHERE i.indrelid = $1::regclass AND i.indexrelid::regclass::text NOT LIKE '%pkey')`, table, table).
			Scan(&s.Rows, &s.Digest, &s.Kind, &s.Partitions, &s.Grants, &s.Policies, &s.Triggers, &s.Indexes)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPartitioningMigrationKeepsEveryRow rolls the database back to before
// partitioning, fills serials, pack events and the audit trail in three
// tenants (own, assigned to the CMO, used by it, with history), and migrates:
// every row is there as it was, counters still equal COUNT(*), each audit
// chain still verifies and goes on, new rows continue the ids, and row-level
// security still confines each tenant, its partitions out of the application
// role's reach.
func TestPartitioningMigrationKeepsEveryRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	if err := w.db.MigrateDownTo(ctx, partitioning-1); err != nil {
		t.Fatal(err)
	}
	var products []*pool.Product
	for i, tenant := range []context.Context{w.mahAdmin, w.cmoAdmin, w.otherAdmin} {
		for j := range 3 {
			p := w.sourced(t, tenant, 10*i+j+1, pool.SourceSAPATTP, pool.SerialFormat{})
			w.addSerials(t, p, "M", 2000+500*j)
			products = append(products, p)
		}
	}
	w.assignToCMO(t, products[0], 700)
	w.assignToCMO(t, products[1], 300)
	if _, err := w.db.RequestSerials(w.otherAdmin, pool.Request{ProductCode: products[7].Code, Count: 40, OrderRef: "o"}); err != nil {
		t.Fatal(err)
	}
	// History: a commissioning of every serial handed out, some recorded through the service.
	if err := w.db.Gorm().Exec(`INSERT INTO pack_events (product_id, serial_id, tenant_id, partner_tenant_id, event, status, at, actor)
		SELECT product_id, id, tenant_id, partner_tenant_id, 'COMMISSION', 'COMMISSIONED', now() - interval '1 hour', 'test'
		FROM serials WHERE status = 'ASSIGNED'`).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordPackEvents(w.otherAdmin, []pool.PackEventInput{{ProductCode: products[7].Code, Serial: "M1", Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	// A column's grant, of the kind later migrations may add, must survive too.
	if err := w.db.Gorm().Exec(`GRANT REFERENCES (lot) ON pack_events TO serialpool_app`).Error; err != nil {
		t.Fatal(err)
	}
	tables := []string{"serials", "pack_events", "audit_log"}
	before := map[string]tableState{}
	for _, table := range tables {
		before[table] = stateOf(t, w, table)
	}
	for table, s := range before {
		if s.Kind != "r" || s.Rows < 10 {
			t.Fatalf("%s before partitioning: %+v; want a plain table with rows", table, s)
		}
	}
	visible := func() map[string]int64 {
		n := map[string]int64{}
		for name, actor := range map[string]context.Context{"mah": w.mahAdmin, "cmo": w.cmoAdmin, "other": w.otherAdmin} {
			for _, table := range tables {
				c, err := w.db.TenantReadCount(actor, `SELECT count(*) AS n FROM `+table)
				if err != nil {
					t.Fatal(err)
				}
				n[name+" "+table] = c
			}
		}
		return n
	}
	seen := visible()

	if err := w.db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for table, was := range before {
		now := stateOf(t, w, table)
		if now.Kind != "p" || now.Partitions != 16 {
			t.Errorf("%s after the migration: kind %s, %d partitions; want partitioned in 16", table, now.Kind, now.Partitions)
		}
		if now.Rows != was.Rows || now.Digest != was.Digest {
			t.Errorf("%s: %d rows (digest %s) after the migration, %d (%s) before", table, now.Rows, now.Digest, was.Rows, was.Digest)
		}
		for what, pair := range map[string][2]string{"grants": {was.Grants, now.Grants}, "policies": {was.Policies, now.Policies},
			"triggers": {was.Triggers, now.Triggers}, "indexes": {was.Indexes, now.Indexes}} {
			if pair[0] != pair[1] || pair[0] == "" {
				t.Errorf("%s %s: %q after the migration, %q before", table, what, pair[1], pair[0])
			}
		}
	}
	assertCountersExact(t, w)
	chains := verifyAll(t, w)
	for k, n := range visible() {
		if n != seen[k] {
			t.Errorf("%s: the tenant sees %d rows after the migration, %d before", k, n, seen[k])
		}
	}
	// Each tenant sees its own and its partner rows only, as before (a CMO
	// owns pools here too, so its count is its own plus what it was assigned).
	if seen["mah serials"] != 2000+2500+3000 || seen["other serials"] != 2000+2500+3000 || seen["cmo serials"] != 7500+700+300 {
		t.Errorf("tenants see %v", seen)
	}

	// New rows continue the ids; the counters count them.
	var maxID int64
	if err := w.db.Gorm().Raw(`SELECT max(id) FROM serials`).Scan(&maxID).Error; err != nil {
		t.Fatal(err)
	}
	w.addSerials(t, products[2], "N", 10)
	if got := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND id > ?`, products[2].ID, maxID); got != 10 {
		t.Errorf("%d new serials after the last old id; want 10", got)
	}
	if _, err := w.db.RequestSerials(w.mahAdmin, pool.Request{ProductCode: products[2].Code, Count: 15, OrderRef: "after"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.RecordPackEvents(w.otherAdmin, []pool.PackEventInput{{ProductCode: products[7].Code, Serial: "M2", Event: pool.Commission, Lot: "L1", Expiry: testExpiry}}); err != nil {
		t.Fatal(err)
	}
	assertCountersExact(t, w)
	// The writes after the migration went on each chain from its head.
	after := verifyAll(t, w)
	for _, tenant := range []int64{w.mah, w.other} {
		if after[tenant] <= chains[tenant] {
			t.Errorf("tenant %d's audit chain ends at %d after new writes, at %d before them", tenant, after[tenant], chains[tenant])
		}
	}

	// The application role reaches rows only through the partitioned tables.
	for _, partition := range []string{"serials_p00", "audit_log_p00"} {
		err := w.db.TenantPgx(w.mahAdmin, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `SELECT count(*) FROM `+partition)
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("the application role reading %s directly: %v; want permission denied", partition, err)
		}
	}
}

// verifyAll verifies every tenant's audit chain, failing on a break, and
// returns where each chain ends.
func verifyAll(t *testing.T, w *world) map[int64]int64 {
	t.Helper()
	v, err := w.db.VerifyAudit(context.Background(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Breaks) > 0 || v.Tenants < 3 {
		t.Fatalf("audit chains: %d tenants, breaks %+v; want 3 or more, intact", v.Tenants, v.Breaks)
	}
	heads := map[int64]int64{}
	for _, h := range v.Heads {
		heads[h.TenantID] = h.Seq
	}
	return heads
}

// TestPartitionPruning: the hot per-product statements (allocation's pick, a
// serial by value, a page of a pool, a serial's history) and the tenant's
// audit trail read one partition,
// and a page of several pools one per pool.
func TestPartitionPruning(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(8), "Pruned")
	w.addSerials(t, p, "Q", 1000)
	for name, q := range map[string]string{
		"allocation":      `SELECT id FROM serials WHERE product_id = $1 AND status = 'AVAILABLE' ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED`,
		"serial by value": `SELECT id FROM serials WHERE product_id = $1 AND value = 'Q7'`,
		"pool page":       `SELECT id FROM serials WHERE product_id = $1 AND tenant_id = app_tenant() AND id > 0 ORDER BY id LIMIT 50`,
		"history":         `SELECT id FROM pack_events WHERE product_id = $1 AND serial_id = 7 ORDER BY at, id`,
		"audit trail":     `SELECT id FROM audit_log WHERE tenant_id = app_tenant() AND product_id = $1 ORDER BY id DESC LIMIT 50`,
	} {
		var plan []struct{ Plan planNode }
		err := w.db.TenantPgx(w.mahOperator(t), func(tx pgx.Tx) error {
			var js []byte
			if err := tx.QueryRow(context.Background(), "EXPLAIN (FORMAT JSON) "+q, p.ID).Scan(&js); err != nil {
				return err
			}
			return json.Unmarshal(js, &plan)
		})
		if err != nil {
			t.Fatal(err)
		}
		partitions := map[string]bool{}
		plan[0].Plan.walk(func(n planNode) {
			if strings.HasPrefix(n.Relation, "serials_p") || strings.HasPrefix(n.Relation, "pack_events_p") || strings.HasPrefix(n.Relation, "audit_log_p") {
				partitions[n.Relation] = true
			}
		})
		if len(partitions) != 1 {
			t.Errorf("%s reads partitions %v; want exactly one", name, partitions)
		}
	}
	// A page of several pools, each a LATERAL subquery (Serials): the product
	// is known only as it runs, and each loop runs in its pool's partition.
	other := w.product(t, w.mahAdmin, gtin(9), "Pruned too")
	w.addSerials(t, other, "Q", 10)
	var plan []struct{ Plan planNode }
	err := w.db.TenantPgx(w.mahOperator(t), func(tx pgx.Tx) error {
		var js []byte
		if err := tx.QueryRow(context.Background(), `EXPLAIN (ANALYZE, FORMAT JSON) SELECT s.id FROM unnest($1::bigint[]) AS p(id)
			CROSS JOIN LATERAL (SELECT id FROM serials WHERE product_id = p.id AND id > 0 ORDER BY id LIMIT 5) s`,
			[]int64{p.ID, other.ID}).Scan(&js); err != nil {
			return err
		}
		return json.Unmarshal(js, &plan)
	})
	if err != nil {
		t.Fatal(err)
	}
	loops := 0.0
	plan[0].Plan.walk(func(n planNode) {
		if strings.HasPrefix(n.Relation, "serials_p") {
			loops += n.Loops
		}
	})
	if loops != 2 {
		t.Errorf("a page of 2 pools ran %v partition scans; want 2, one per pool", loops)
	}
}

// TestNoJIT: the server's connections run without JIT (a page of several
// pools over the partitions, estimated above jit_above_cost once pools are
// big, spent 100 ms compiling a 1 ms query); a URL's own jit=on is kept.
func TestNoJIT(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	jitOf := func(d *db.DB) string {
		t.Helper()
		var jit string
		if err := d.OwnerPgx(ctx, func(tx pgx.Tx) error { return tx.QueryRow(ctx, `SHOW jit`).Scan(&jit) }); err != nil {
			t.Fatal(err)
		}
		return jit
	}
	url := dbtest.URL(t)
	for want, u := range map[string]string{"off": url, "on": url + "&jit=on"} {
		d, err := db.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if got := jitOf(d); got != want {
			t.Errorf("jit = %s with %s; want %s", got, u, want)
		}
		d.Close()
	}
}
