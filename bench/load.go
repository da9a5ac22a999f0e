package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// load is one HTTP load run: conns workers, each with its own keep-alive
// connection, POST the same body back to back for a fixed duration.
type load struct {
	URL      string
	Body     []byte
	Header   http.Header
	Conns    int
	Duration time.Duration
	// Check, when set, vets every 200 response body; a false is an error.
	Check func(body []byte) bool
}

// loadReport is what one or more runs measured: only requests completed within
// the duration count, each with its latency (request written to body read).
type loadReport struct {
	Requests int
	Errors   int
	FirstErr string
	Elapsed  time.Duration
	P50, P99 time.Duration
	Max      time.Duration
	lat      []time.Duration // sorted
}

func (r loadReport) rate() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

func (r loadReport) String() string {
	s := fmt.Sprintf("%.0f req/s (%d in %.1fs), p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors",
		r.rate(), r.Requests, r.Elapsed.Seconds(), loadMS(r.P50), loadMS(r.P99), loadMS(r.Max), r.Errors)
	if r.FirstErr != "" {
		s += " (first: " + r.FirstErr + ")"
	}
	return s
}

// mergeLoad adds up runs of the same load, as if they were one run.
func mergeLoad(runs ...loadReport) loadReport {
	var m loadReport
	var lat []time.Duration
	for _, r := range runs {
		m.Errors += r.Errors
		m.Elapsed += r.Elapsed
		if m.FirstErr == "" {
			m.FirstErr = r.FirstErr
		}
		lat = append(lat, r.lat...)
	}
	return m.withLatencies(lat)
}

// withLatencies sets the request count and percentiles from lat.
func (r loadReport) withLatencies(lat []time.Duration) loadReport {
	slices.Sort(lat)
	r.lat, r.Requests = lat, len(lat)
	if len(lat) > 0 {
		q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		r.P50, r.P99, r.Max = q(0.50), q(0.99), lat[len(lat)-1]
	}
	return r
}

func loadMS(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// run drives the load and reports. A transport error or a non-200 answer is an
// error; it counts in Errors, not in Requests.
func (l load) run(ctx context.Context) loadReport {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        l.Conns,
		MaxIdleConnsPerHost: l.Conns,
		MaxConnsPerHost:     l.Conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}

	ctx, cancel := context.WithTimeout(ctx, l.Duration)
	defer cancel()
	type worker struct {
		lat      []time.Duration
		errors   int
		firstErr string
	}
	workers := make([]worker, l.Conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range workers {
		w := &workers[i]
		w.lat = make([]time.Duration, 0, 1<<14)
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 64<<10)
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, l.URL, bytes.NewReader(l.Body))
				for k, v := range l.Header {
					req.Header[k] = v
				}
				t0 := time.Now()
				res, err := client.Do(req)
				if err == nil {
					buf, err = readAll(res.Body, buf[:0])
					res.Body.Close()
				}
				lat := time.Since(t0)
				if ctx.Err() != nil {
					return // the run ended while this request was in flight: not counted
				}
				switch {
				case err != nil:
				case res.StatusCode != http.StatusOK:
					err = fmt.Errorf("%s: %.200s", res.Status, buf)
				case l.Check != nil && !l.Check(buf):
					err = fmt.Errorf("unexpected answer: %.200s", buf)
				}
				if err != nil {
					if w.errors == 0 {
						w.firstErr = err.Error()
					}
					w.errors++
					continue
				}
				w.lat = append(w.lat, lat)
			}
		}()
	}
	wg.Wait()
	rep := loadReport{Elapsed: min(time.Since(start), l.Duration)}
	var all []time.Duration
	for _, w := range workers {
		all = append(all, w.lat...)
		rep.Errors += w.errors
		if rep.FirstErr == "" {
			rep.FirstErr = w.firstErr
		}
	}
	return rep.withLatencies(all)
}

// readAll reads r to its end into buf, reusing its capacity.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, len(buf))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
