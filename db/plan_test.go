package db_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/pool"
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

// TestProductsPlanCached: the statement of a products page, executed again
// and again on one connection as the server does, is planned once and its plan
// reused. A test in the statement of each filter's argument for empty
// made PostgreSQL plan it for every execution: a third of its CPU per page.
func TestProductsPlanCached(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for i := range 3 {
		w.product(t, w.mahAdmin, gtin(700+i), "Cached plan")
	}
	ctx := context.Background()
	for name, f := range map[string]pool.ProductFilter{
		"the first page":                  {Limit: 50, WithCounts: true},
		"a page by name after a cursor":   {Limit: 50, Order: pool.ProductOrder{By: pool.SortName}, AfterCode: gtin(700), AfterKey: "Cached plan"},
		"a code schema, without counts":   {Limit: 20, CodeSchema: pool.GTIN},
		"by available, from the last one": {Limit: 50, WithCounts: true, Order: pool.ProductOrder{By: pool.SortAvailable, Desc: true}},
	} {
		query, args, err := db.ProductsQuery(f)
		if err != nil {
			t.Fatal(err)
		}
		args["tenant"] = w.mah
		var generic, custom int64
		err = w.db.TenantPgx(w.mahAdmin, func(tx pgx.Tx) error {
			for range 10 {
				rows, err := tx.Query(ctx, query, args)
				if err != nil {
					return err
				}
				if rows.Close(); rows.Err() != nil {
					return rows.Err()
				}
			}
			sql, _, err := args.RewriteQuery(ctx, tx.Conn(), query, nil)
			if err != nil {
				return err
			}
			return tx.QueryRow(ctx, `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1`, sql).Scan(&generic, &custom)
		})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if generic < 5 {
			t.Errorf("%s: of 10 executions, %d planned anew and %d with the cached plan; want at most the first 5 planned", name, custom, generic)
		}
	}
}
