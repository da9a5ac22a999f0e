// Command bench measures serialpool against baselines run in the same process on
// the same machine, so that figures are ratios and survive a noisy host. It
// starts a private PostgreSQL and the real server binary as a separate process,
// drives it over loopback HTTP, prints a table and writes bench/results.json.
//
//	go run ./bench [-size small|full] [-bin bin/serialpool] [-out bench/results.json]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"
)

// result is one line of the table: ours against its baseline.
type result struct {
	Work     string  `json:"work"`
	Ours     float64 `json:"ours"`
	Baseline float64 `json:"baseline"`
	Unit     string  `json:"unit"`
	Ratio    float64 `json:"ratio"` // ours/baseline for throughput; baseline/ours for latency
	Target   string  `json:"target"`
	Met      bool    `json:"met"`
	Note     string  `json:"note,omitempty"`
}

func main() {
	size := flag.String("size", envOr("BENCH_SIZE", "full"), "small (quick), full, or huge (adds a 30M pool and a 100M-serial database)")
	bin := flag.String("bin", "bin/serialpool", "the server binary")
	out := flag.String("out", "bench/results.json", "where to write the results")
	pgdir := flag.String("pgdir", ".data/bench-pg", "the bench's PostgreSQL cluster, kept between runs")
	only := flag.String("only", envOr("BENCH_ONLY", ""), "run only this work: live (live counts), huge (the 100M database against 1M), reads (the read pages: products, nested, poolStats) or allocate (32 concurrent requestSerials)")
	flag.Parse()
	intakeSizes := map[string][]int{"small": {100_000}, "full": {1_000_000, 10_000_000}, "huge": {1_000_000, 10_000_000}}[*size]
	if intakeSizes == nil {
		log.Fatalf("unknown size %q: small, full or huge", *size)
	}
	// run returns instead of exiting, so that the deferred stops always run.
	if err := run(*size, *bin, *out, *pgdir, *only, intakeSizes); err != nil {
		log.Fatal(err)
	}
}

func run(size, bin, out, pgdir, only string, intakeSizes []int) error {
	ctx := context.Background()
	cluster, err := startCluster(pgdir)
	if err != nil {
		return err
	}
	defer cluster.Stop()
	// Runs that change pools get a fresh database; the big read-only pools are
	// built once in bench_pools and reused by later runs.
	scratch, err := start(ctx, cluster, bin, "bench_run", true)
	if scratch != nil {
		defer scratch.stop()
	}
	if err != nil {
		return err
	}
	pools, err := start(ctx, cluster, bin, "bench_pools", false)
	if pools != nil {
		defer pools.stop()
	}
	if err != nil {
		return err
	}

	var results []result
	runs := []func() ([]result, error){}
	for i, n := range intakeSizes {
		runs = append(runs, func() ([]result, error) { return benchIntake(ctx, scratch, n, i) })
	}
	// The read pages, each against PostGraphile 5 (and the products page against
	// a hand-written handler too).
	reads := []func() ([]result, error){
		func() ([]result, error) { return benchProducts(ctx, scratch, size) },
		func() ([]result, error) { return benchNested(ctx, scratch, size) },
		func() ([]result, error) { return benchPoolStats(ctx, scratch, size) },
	}
	runs = append(runs, reads...)
	allocate := func() ([]result, error) { return benchAllocate(ctx, scratch, 32, 1000) }
	runs = append(runs, allocate,
		func() ([]result, error) { return benchSOAP(ctx, scratch, 4, 10_000) },
		func() ([]result, error) { return benchEPCIS(ctx, scratch, 10_000, 3) },
		func() ([]result, error) { return benchDonut(ctx, pools, donutSizes[size]) },
	)
	live := func() ([]result, error) { return benchLive(ctx, scratch, bin) }
	hugeSize, err := strconv.Atoi(envOr("BENCH_HUGE_SERIALS", "100000000"))
	if err != nil {
		return fmt.Errorf("BENCH_HUGE_SERIALS: %w", err)
	}
	huge := func() ([]result, error) { return benchHuge(ctx, cluster, bin, hugeSize) }
	switch only {
	case "":
		runs = append(runs, live)
		if size == "huge" {
			runs = append(runs, huge)
		}
	case "live":
		runs = []func() ([]result, error){live}
	case "huge":
		runs = []func() ([]result, error){huge}
	case "reads":
		runs = reads
	case "allocate":
		runs = []func() ([]result, error){allocate}
	default:
		return fmt.Errorf("unknown -only %q: live, huge, reads or allocate", only)
	}
	for _, bench := range runs {
		r, err := bench()
		if err != nil {
			return err
		}
		results = append(results, r...)
	}

	host, _ := os.Hostname()
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "work\tours\tbaseline\tratio\ttarget\tmet\n")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.4g %s\t%.4g %s\t%.2fx\t%s\t%v\n", r.Work, r.Ours, r.Unit, r.Baseline, r.Unit, r.Ratio, r.Target, r.Met)
	}
	tw.Flush()
	for _, r := range results {
		if r.Note != "" {
			fmt.Printf("%s: %s\n", r.Work, r.Note)
		}
	}
	b, _ := json.MarshalIndent(map[string]any{"machine": host, "size": size, "at": time.Now().UTC(), "results": results}, "", "  ")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, b, 0o644)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
