package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
)

// planNode is one node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Loops    float64    `json:"Actual Loops"` // with ANALYZE
	Plans    []planNode `json:"Plans"`
}

func (n planNode) walk(fn func(planNode)) {
	fn(n)
	for _, c := range n.Plans {
		c.walk(fn)
	}
}

// TestReleasePlans checks, under the tenant's row-level security, that
// releasing 300 serials of a 50,000-serial pool probes the (product_id, value)
// index once per value and never scans the pool, both right after the pool was
// filled (statistics not yet updated) and after ANALYZE: the planner once
// joined them by scanning the pool per value (6.5 s for 300 of 300,000). A plan,
// unlike a stopwatch, does not flake on a busy machine.
func TestReleasePlans(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(7), "Large pool")
	w.addSerials(t, p, "R", 50_000)
	values := make([]string, 300)
	for i := range values {
		values[i] = fmt.Sprintf("R%d", i*97+1)
	}
	for _, stats := range []string{"fresh pool", "analyzed"} {
		if stats == "analyzed" {
			if err := w.db.Gorm().Exec(`ANALYZE serials`).Error; err != nil {
				t.Fatal(err)
			}
		}
		for name, query := range db.ReleaseQueries {
			checkPlan(t, w, stats+", "+name, query, p.ID, values)
		}
	}
}

func checkPlan(t *testing.T, w *world, name, query string, product int64, values []string) {
	t.Helper()
	var plan []struct{ Plan planNode }
	err := w.db.TenantPgx(w.mahOperator(t), func(tx pgx.Tx) error {
		var js []byte
		if err := tx.QueryRow(context.Background(), "EXPLAIN (FORMAT JSON) "+query, product, values).Scan(&js); err != nil {
			return err
		}
		return json.Unmarshal(js, &plan)
	})
	if err != nil {
		t.Fatal(err)
	}
	probes := 0
	plan[0].Plan.walk(func(n planNode) {
		switch {
		case !strings.HasPrefix(n.Relation, "serials"): // serials or one of its partitions
		case n.NodeType == "Index Scan" || n.NodeType == "Index Only Scan":
			probes++
		default:
			t.Errorf("%s: a %s of serials (index %q); want only index probes", name, n.NodeType, n.Index)
		}
	})
	if probes != 1 {
		t.Errorf("%s: %d index probes of serials in the plan; want 1, repeated per value", name, probes)
	}
}
