package main

import (
	"cmp"
	"context"
	"fmt"
	"log"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// poolStats grouped by product and status over statsProducts products of a
// tenant of its own, against PostGraphile 5 running the same aggregate with
// @graphile/pg-aggregates: groupedAggregates of pool_counters by product_id and
// status, summing n (a BigFloat, so a JSON string). serialpool answers each
// row's product as an object (its code here); PostGraphile answers the key,
// the product id, which the bench maps to the code it registered.
const (
	statsProducts    = 1000
	oursStatsQuery   = `{ poolStats(groupBy: [PRODUCT, STATUS]) { product { code } status count } }`
	theirStatsQuery  = `{ allPoolCounters { groupedAggregates(groupBy: [PRODUCT_ID, STATUS]) { keys sum { n } } } }`
	statsSerialsBase = 4 // product i has statsSerialsBase + i%5 serials, 1 + i%3 of them assigned
)

func benchPoolStats(ctx context.Context, e *env, size string) ([]result, error) {
	duration, warmup, rounds := readTiming(size)
	conns := *statsConns
	t0 := time.Now()
	t, codes, err := seedStats(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("poolStats: seed: %w", err)
	}
	log.Printf("poolStats: seeded %d products in %.1fs", len(codes), time.Since(t0).Seconds())

	pg, err := startPostGraphile(ctx, *postgraphileDir, e.dbURL, e.tenant)
	if err != nil {
		return nil, fmt.Errorf("poolStats: %w", err)
	}
	defer pg.stop()
	ours := side{name: "serialpool", proc: "server", pid: e.server.Pid(), load: load{URL: e.url + "/graphql",
		Body: graphqlBody(oursStatsQuery), Conns: conns, Check: noErrors,
		Header: http.Header{"Authorization": {"Bearer " + t.key}, "Content-Type": {"application/json"}}}}
	theirs := pg.side(graphqlBody(theirStatsQuery), conns, t.id)

	// Both must answer the same groups with the same counts before either is
	// timed; each group once, whatever order PostGraphile answers them in.
	want, err := oursStats(ours.load)
	if err != nil {
		return nil, fmt.Errorf("poolStats: serialpool: %w", err)
	}
	got, err := theirStats(theirs.load, codes)
	if err != nil {
		return nil, fmt.Errorf("poolStats: PostGraphile: %w\n%s", err, pg.output.String())
	}
	if len(want) != 2*statsProducts {
		return nil, fmt.Errorf("poolStats: serialpool answered %d groups, want %d", len(want), 2*statsProducts)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return nil, fmt.Errorf("poolStats: PostGraphile and serialpool differ:\n%v\n%v", got, want)
	}

	o, p, err := alternate(ctx, e, "poolStats", ours, theirs, warmup, duration, rounds)
	if err != nil {
		return nil, err
	}
	work := fmt.Sprintf("poolStats(groupBy: [PRODUCT, STATUS]), %d products, %d conns", statsProducts, conns)
	return []result{throughputRow(work+": throughput", o, p, 1.5, ">= 1.5x PostGraphile 5 (pg-aggregates)",
		fmt.Sprintf("%s each in %d alternating rounds; %d groups; %s; %s", duration, rounds, len(want), o.note(ours), p.note(theirs)))}, nil
}

// seedStats registers statsProducts products for a tenant of its own, each
// with a few serials, some assigned. It returns the tenant and each product's
// code by id.
func seedStats(ctx context.Context, e *env) (tenant, map[int64]string, error) {
	t, err := newTenant(ctx, e, "Bench Stats")
	if err != nil {
		return t, nil, err
	}
	sources := []pool.Source{pool.SourceSNM, pool.SourceSAPATTP, pool.SourceTraceLink, pool.SourceExternal}
	codes := make(map[int64]string, statsProducts)
	var ids []int64
	var totals, assigned []int32
	for i := range statsProducts {
		p, err := createProduct(t.actor, e, 10000+i, "Stats", sources[i%len(sources)])
		if err != nil {
			return t, nil, err
		}
		codes[p.ID] = p.Code
		ids, totals, assigned = append(ids, p.ID), append(totals, int32(statsSerialsBase+i%5)), append(assigned, int32(1+i%3))
	}
	_, err = insertSerials(ctx, e, ids, totals, assigned, 0)
	return t, codes, err
}

// statsRow is one group of poolStats as both servers must answer it.
type statsRow struct {
	Code, Status string
	Count        int64
}

// sortStats orders groups by product code, then status.
func sortStats(rows []statsRow) {
	slices.SortFunc(rows, func(a, b statsRow) int {
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Status, b.Status))
	})
}

func oursStats(l load) ([]statsRow, error) {
	var out struct {
		Data struct {
			PoolStats []struct {
				Product struct{ Code string }
				Status  string
				Count   int64
			}
		}
	}
	if err := postOnce(l, &out); err != nil {
		return nil, err
	}
	var rows []statsRow
	for _, r := range out.Data.PoolStats {
		rows = append(rows, statsRow{r.Product.Code, r.Status, r.Count})
	}
	sortStats(rows)
	return rows, nil
}

func theirStats(l load, codes map[int64]string) ([]statsRow, error) {
	var out struct {
		Data struct {
			AllPoolCounters struct {
				GroupedAggregates []struct {
					Keys []string
					Sum  struct {
						N string // numeric: a BigFloat string
					}
				}
			}
		}
	}
	if err := postOnce(l, &out); err != nil {
		return nil, err
	}
	var rows []statsRow
	for _, g := range out.Data.AllPoolCounters.GroupedAggregates {
		if len(g.Keys) != 2 {
			return nil, fmt.Errorf("group keys %v, want product id and status", g.Keys)
		}
		id, err := strconv.ParseInt(g.Keys[0], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("product id %q: %w", g.Keys[0], err)
		}
		n, err := strconv.ParseInt(g.Sum.N, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("sum %q: %w", g.Sum.N, err)
		}
		if n > 0 { // poolStats leaves out empty groups
			rows = append(rows, statsRow{codes[id], g.Keys[1], n})
		}
	}
	sortStats(rows)
	return rows, nil
}
