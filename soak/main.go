// Command soak runs mixed load against the real server for minutes and checks
// that nothing drifts: at the end no serial is held twice, none is lost and the
// counters equal COUNT(*); throughout, the server's resident memory and
// goroutine count stay flat (the last quarter of the run against the first,
// after a warm-up), while subscribers of the live counts come and go. It starts a private PostgreSQL and bin/serialpool, as the
// benchmarks do, and leaves nothing behind. Not part of make test.
//
//	go run ./soak [-minutes 10] [-clients 32] [-bin bin/serialpool]     (make soak, SOAK_MINUTES)
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/internal/mixedload"
	"github.com/serialpool/serialpool/internal/serverproc"
)

func main() {
	minutes := flag.Float64("minutes", envMinutes(), "how long to run the load (SOAK_MINUTES, default 10)")
	clients := flag.Int("clients", 32, "concurrent clients; a quarter of them the CMO's")
	bin := flag.String("bin", "bin/serialpool", "the server binary (make build)")
	every := flag.Duration("sample", 5*time.Second, "how often to sample memory and goroutines")
	rssGrowth := flag.Float64("rss-growth", 1.5, "the most the last quarter's median RSS may be of the first's")
	goroutineGrowth := flag.Float64("goroutine-growth", 1.5, "the same for goroutines")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := soak(ctx, *bin, time.Duration(*minutes*float64(time.Minute)), *clients, *every, *rssGrowth, *goroutineGrowth); err != nil {
		log.Fatal("soak: FAIL: ", err)
	}
	log.Print("soak: PASS")
}

func envMinutes() float64 {
	if m, err := strconv.ParseFloat(os.Getenv("SOAK_MINUTES"), 64); err == nil && m > 0 {
		return m
	}
	return 10
}

func soak(ctx context.Context, bin string, length time.Duration, clients int, every time.Duration, rssGrowth, goroutineGrowth float64) error {
	url, d, stop, err := soakDatabase(ctx)
	if err != nil {
		return err
	}
	defer stop()
	cmo := max(clients/4, 1)
	scene, err := mixedload.Setup(ctx, d, clients-cmo, cmo, 200_000)
	if err != nil {
		return err
	}
	server, err := serverproc.Start(bin, url)
	if err != nil {
		return err
	}
	defer server.Kill()
	log.Printf("soak: %d clients for %v against %s (pid %d)", clients, length, server.URL, server.Pid())

	load := mixedload.New(scene, server.URL)
	runCtx, cancel := context.WithTimeout(ctx, length)
	defer cancel()
	done := make(chan struct{})
	go func() {
		load.Run(runCtx, 0, uint64(time.Now().UnixNano()))
		close(done)
	}()
	var churn liveChurn
	var watchers sync.WaitGroup
	for range 4 {
		watchers.Add(1)
		go churn.run(runCtx, &watchers, server.URL, scene.MAHKeys[0], scene.ProductCode)
	}
	samples, err := sampleUntil(done, server, every)
	if err != nil {
		cancel()
		<-done
		return err
	}
	log.Printf("soak: load: %s", load.Report())
	watchers.Wait()
	liveSummary, liveProblems := churn.report()
	log.Printf("soak: live counts: %s", liveSummary)

	var problems []string
	if exited, err := server.Exited(); exited {
		problems = append(problems, fmt.Sprintf("the server exited: %v: %s", err, server.Log()))
	}
	problems = append(problems, load.Failures()...)
	problems = append(problems, liveProblems...)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	figures, broken, err := load.Verify(context.Background(), conn)
	if err != nil {
		return err
	}
	log.Printf("soak: invariants: %+v", figures)
	problems = append(problems, broken...)
	problems = append(problems, flat(samples, "RSS", func(s sample) float64 { return float64(s.rss) }, rssGrowth)...)
	problems = append(problems, flat(samples, "goroutines", func(s sample) float64 { return float64(s.goroutines) }, goroutineGrowth)...)
	if err := server.Stop(); err != nil {
		problems = append(problems, fmt.Sprintf("graceful shutdown: %v", err))
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n  "))
	}
	return nil
}

// soakDatabase starts a private PostgreSQL with a migrated database for the
// soak; stop removes it.
func soakDatabase(ctx context.Context) (url string, d *db.DB, stop func(), err error) {
	dir, err := os.MkdirTemp("", "serialpool-soak-pg-")
	if err != nil {
		return "", nil, nil, err
	}
	cluster, err := localpg.Start(dir, localpg.Options{Ephemeral: true})
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, nil, err
	}
	stop = func() {
		if d != nil {
			d.Close()
		}
		cluster.Stop()
		os.RemoveAll(cluster.Dir)
		os.RemoveAll(dir)
	}
	admin, err := pgx.Connect(ctx, cluster.URL("postgres"))
	if err == nil {
		_, err = admin.Exec(ctx, "CREATE DATABASE soak")
		admin.Close(ctx)
	}
	if err == nil {
		url = cluster.URL("soak")
		if d, err = db.Open(ctx, url); err == nil {
			err = d.Migrate(ctx)
		}
	}
	if err != nil {
		stop()
		return "", nil, nil, err
	}
	return url, d, stop, nil
}

// sampleUntil measures the server every interval until done is closed.
func sampleUntil(done <-chan struct{}, server *serverproc.Server, every time.Duration) ([]sample, error) {
	var samples []sample
	start := time.Now()
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return samples, nil
		case <-tick.C:
			s, err := measure(server, start)
			if err != nil {
				return nil, fmt.Errorf("sampling the server: %w (log: %s)", err, server.Log())
			}
			samples = append(samples, s)
			log.Printf("soak: %v rss %.1f MB, %d goroutines", s.at.Round(time.Second), float64(s.rss)/(1<<20), s.goroutines)
		}
	}
}

type sample struct {
	at         time.Duration // since the load started
	rss        int64
	goroutines int
}

// measure reads the server's resident memory from /proc and its goroutines
// from /metrics (go_goroutines), the figures an operator would watch.
func measure(s *serverproc.Server, start time.Time) (sample, error) {
	rss, err := s.RSS()
	if err != nil {
		return sample{}, err
	}
	res, err := http.Get(s.URL + "/metrics")
	if err != nil {
		return sample{}, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(v, 64)
			return sample{at: time.Since(start), rss: rss, goroutines: int(n)}, err
		}
	}
	return sample{}, errors.New("no go_goroutines in /metrics")
}

// flat compares the median of the last quarter of the samples with the median
// of the first quarter after warm-up (the first tenth of the run, while pools,
// caches and connections fill): more than growth times as much is a leak.
func flat(samples []sample, what string, value func(sample) float64, growth float64) []string {
	samples = samples[len(samples)/10:]
	q := len(samples) / 4
	if q < 2 {
		return []string{fmt.Sprintf("%s: %d samples after warm-up are too few to compare; run longer", what, len(samples))}
	}
	median := func(part []sample) float64 {
		vs := make([]float64, len(part))
		for i, s := range part {
			vs[i] = value(s)
		}
		slices.Sort(vs)
		return vs[len(vs)/2]
	}
	first, last := median(samples[:q]), median(samples[len(samples)-q:])
	log.Printf("soak: %s: median %.0f in the first quarter, %.0f in the last (%.2fx; at most %.2fx)", what, first, last, last/first, growth)
	if last > first*growth {
		return []string{fmt.Sprintf("%s grew from %.0f to %.0f (%.2fx, more than %.2fx)", what, first, last, last/first, growth)}
	}
	return nil
}
