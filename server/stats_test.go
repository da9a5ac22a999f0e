package main

import (
	"fmt"
	"testing"
	"time"
)

type statsRow struct {
	Product    *struct{ Code string }
	Source     *string
	Status     *string
	CodeSchema *string
	Partner    *struct{ Name string }
	Count      int
}

// TestPoolStatsMatchCountStar checks every poolStats grouping against COUNT(*)
// over serials, for the MAH and for the CMO.
func TestPoolStatsMatchCountStar(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	var mah, cmo int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&mah)
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Contract Manufacturing'`).Scan(&cmo)
	// The ground truth: the caller's serials as it sees them, one row per serial view.
	const view = `(SELECT s.product_id, p.code, p.code_schema::text, s.source::text, s.status::text,
			(SELECT name FROM tenants WHERE id = s.partner_tenant_id) AS partner
		FROM serials s JOIN products p ON p.id = s.product_id WHERE s.tenant_id = $1
		UNION ALL
		SELECT s.product_id, p.code, p.code_schema::text, 'PARTNER', s.partner_status::text, (SELECT name FROM tenants WHERE id = s.tenant_id)
		FROM serials s JOIN products p ON p.id = s.product_id WHERE s.partner_tenant_id = $1) v`
	cases := []struct {
		groupBy string
		truth   string // the same grouping over the view
		key     func(statsRow) string
	}{
		{"[STATUS]", `SELECT status, count(*) FROM ` + view + ` GROUP BY 1`, func(r statsRow) string { return *r.Status }},
		{"[SOURCE]", `SELECT source, count(*) FROM ` + view + ` GROUP BY 1`, func(r statsRow) string { return *r.Source }},
		{"[CODE_SCHEMA]", `SELECT code_schema, count(*) FROM ` + view + ` GROUP BY 1`, func(r statsRow) string { return *r.CodeSchema }},
		{"[PRODUCT, STATUS]", `SELECT code || '/' || status, count(*) FROM ` + view + ` GROUP BY 1`,
			func(r statsRow) string { return r.Product.Code + "/" + *r.Status }},
		{"[PARTNER]", `SELECT coalesce(partner, '-'), count(*) FROM ` + view + ` GROUP BY 1`, func(r statsRow) string {
			if r.Partner == nil {
				return "-"
			}
			return r.Partner.Name
		}},
		{"[SOURCE, STATUS, CODE_SCHEMA, PARTNER, PRODUCT]", `SELECT code || source || status, count(*) FROM ` + view + ` GROUP BY code, source, status, code_schema, partner`,
			func(r statsRow) string { return r.Product.Code + *r.Source + *r.Status }},
		{"[]", `SELECT 'all', count(*) FROM ` + view, func(statsRow) string { return "all" }},
	}
	for _, who := range []struct {
		key    string
		tenant int64
	}{{d.keys.MAHViewer, mah}, {d.keys.CMOAdmin, cmo}} {
		for _, tc := range cases {
			var data struct{ PoolStats []statsRow }
			d.gql(t, who.key, `{ poolStats(groupBy: `+tc.groupBy+`) { product { code } source status codeSchema partner { name } count } }`, nil).ok(t, &data)
			got := map[string]int{}
			for _, r := range data.PoolStats {
				got[tc.key(r)] += r.Count
			}
			want := map[string]int{}
			rows, err := d.conn(t).Query(t.Context(), tc.truth, who.tenant)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var k string
				var n int
				rows.Scan(&k, &n)
				want[k] += n
			}
			rows.Close()
			if fmt.Sprint(got) != fmt.Sprint(want) || len(want) == 0 {
				t.Errorf("tenant %d poolStats(%s) = %v, COUNT(*) says %v", who.tenant, tc.groupBy, got, want)
			}
		}
	}
	// Filters narrow before grouping.
	var data struct{ PoolStats []statsRow }
	d.gql(t, d.keys.MAHViewer, `{ poolStats(groupBy: [STATUS], filter: {productCode: "`+amoxicillin+`", status: ASSIGNED}) { status count } }`, nil).ok(t, &data)
	var assigned int
	d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE p.code = $1 AND s.status = 'ASSIGNED'`, amoxicillin).Scan(&assigned)
	if len(data.PoolStats) != 1 || data.PoolStats[0].Count != assigned {
		t.Errorf("filtered poolStats = %+v, want %d", data.PoolStats, assigned)
	}
	for filter, truth := range map[string]string{
		`{source: SAP_ATTP}`:                    `s.source = 'SAP_ATTP'`,
		`{codeSchema: GTIN, status: AVAILABLE}`: `p.code_schema = 'GTIN' AND s.status = 'AVAILABLE'`,
	} {
		var data struct{ PoolStats []statsRow }
		d.gql(t, d.keys.MAHViewer, `{ poolStats(groupBy: [], filter: `+filter+`) { count } }`, nil).ok(t, &data)
		var want int
		d.sql(t, `SELECT count(*) FROM serials s JOIN products p ON p.id = s.product_id WHERE s.tenant_id = $1 AND `+truth, mah).Scan(&want)
		if want == 0 || len(data.PoolStats) != 1 || data.PoolStats[0].Count != want {
			t.Errorf("poolStats(filter: %s) = %+v, COUNT(*) says %d", filter, data.PoolStats, want)
		}
	}
}

func TestPoolActivity(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	for _, m := range []string{
		`mutation { generateSerials(input: {productCode: "` + amoxicillin + `", count: 300}) { accepted } }`,
		`mutation { requestSerials(input: {productCode: "` + amoxicillin + `", count: 40, orderRef: "a"}) { count } }`,
		`mutation { requestSerials(input: {productCode: "` + attpProduct + `", count: 2, orderRef: "b"}) { count } }`,
	} {
		var v map[string]any
		d.gql(t, d.keys.MAHOperator, m, nil).ok(t, &v)
	}
	now := time.Now().UTC()
	vars := map[string]any{"from": now.Add(-48 * time.Hour).Format(time.RFC3339), "to": now.Add(time.Hour).Format(time.RFC3339)}
	var data struct {
		PoolActivity []struct {
			Bucket  time.Time
			Kind    *string
			Product *struct{ Code string }
			Count   int
		}
	}
	d.gql(t, d.keys.MAHViewer, `query($from: Time!, $to: Time!) { poolActivity(from: $from, to: $to, groupBy: [KIND, PRODUCT]) { bucket kind product { code } count } }`, vars).ok(t, &data)
	got := map[string]int{}
	for _, r := range data.PoolActivity {
		if r.Bucket.After(now) || r.Bucket.Before(now.Add(-49*time.Hour)) {
			t.Errorf("bucket %v out of range", r.Bucket)
		}
		got[*r.Kind+" "+r.Product.Code] += r.Count
	}
	if got["GENERATED "+amoxicillin] != 300 || got["ASSIGNED "+amoxicillin] != 40 || got["ASSIGNED "+attpProduct] != 2 {
		t.Errorf("activity = %v", got)
	}
	// Weekly and ungrouped: one total per bucket.
	d.gql(t, d.keys.MAHViewer, `query($from: Time!, $to: Time!) { poolActivity(from: $from, to: $to, interval: WEEK, groupBy: []) { bucket kind count } }`, vars).ok(t, &data)
	total := 0
	for _, r := range data.PoolActivity {
		total += r.Count
		if r.Kind != nil || r.Bucket.Weekday() != time.Monday {
			t.Errorf("weekly row %+v", r)
		}
	}
	if total != 342 {
		t.Errorf("weekly total %d, want 342", total)
	}
	// The CMO's activity holds none of the MAH's.
	d.gql(t, d.keys.CMOAdmin, `query($from: Time!, $to: Time!) { poolActivity(from: $from, to: $to) { count } }`, vars).ok(t, &data)
	if len(data.PoolActivity) != 0 {
		t.Errorf("CMO activity = %+v", data.PoolActivity)
	}
	for _, q := range []string{
		`{ poolActivity(from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z") { count } }`,
		`{ poolActivity(from: "2000-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { count } }`,
	} {
		if r := d.gql(t, d.keys.MAHViewer, q, nil); r.code() != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v", q, r.Errors)
		}
	}
}
