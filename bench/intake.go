package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// benchIntake pushes rows serials through the bulk HTTP API (CSV streamed as it
// is generated) and, as the baseline, COPYs the same rows straight into the
// serials table of a second product with pgx.
func benchIntake(ctx context.Context, e *env, rows, slot int) ([]result, error) {
	ours, err := e.product(2*slot+1, pool.SourceSAPATTP)
	if err != nil {
		return nil, err
	}
	base, err := e.product(2*slot+2, pool.SourceSAPATTP)
	if err != nil {
		return nil, err
	}
	_, channel, err := e.db.CreateChannel(e.actor, pool.NewChannel{Name: fmt.Sprintf("bench %d", slot), Source: pool.SourceSAPATTP})
	if err != nil {
		return nil, err
	}

	pr, pw := io.Pipe()
	go func() {
		buf := make([]byte, 0, 64<<10)
		for i := 0; i < rows; i++ {
			buf = fmt.Appendf(buf, "B%011d\n", i)
			if len(buf) > 60<<10 {
				if _, err := pw.Write(buf); err != nil {
					return
				}
				buf = buf[:0]
			}
		}
		pw.Write(buf)
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v2/products/"+ours.Code+"/serials", pr)
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("X-Channel-Key", channel)
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Idempotency-Key", fmt.Sprintf("bench-intake-%d", slot))
	t0 := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	oursTime := time.Since(t0)
	if res.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("bulk intake: %s %s", res.Status, body)
	}
	rss := e.peakRSS()

	conn, err := pgx.Connect(ctx, e.dbURL)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	for _, name := range []string{"serial_status", "serial_source"} {
		t, err := conn.LoadType(ctx, name)
		if err != nil {
			return nil, err
		}
		conn.TypeMap().RegisterType(t)
	}
	i := 0
	t0 = time.Now()
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"serials"}, []string{"product_id", "tenant_id", "status", "source", "value"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == rows {
				return nil, nil
			}
			i++
			return []any{base.ID, e.tenant, "AVAILABLE", "SAP_ATTP", fmt.Sprintf("B%011d", i-1)}, nil
		}))
	baseTime := time.Since(t0)
	if err != nil || n != int64(rows) {
		return nil, fmt.Errorf("baseline COPY: %d rows, %v", n, err)
	}

	oursRate, baseRate := float64(rows)/oursTime.Seconds(), float64(rows)/baseTime.Seconds()
	share := 0.5 // of raw COPY; 0.9 from 10M serials on (bench/README.md)
	if rows >= 10_000_000 {
		share = 0.9
	}
	return []result{
		{Work: fmt.Sprintf("bulk intake of %d serials over HTTP", rows), Ours: oursRate, Baseline: baseRate, Unit: "serials/s",
			Ratio: oursRate / baseRate, Target: fmt.Sprintf(">= %.1fx raw COPY", share), Met: oursRate >= share*baseRate,
			Note: fmt.Sprintf("ours %.2fs end to end, raw COPY %.2fs", oursTime.Seconds(), baseTime.Seconds())},
		{Work: fmt.Sprintf("server peak RSS during intake of %d", rows), Ours: rss, Baseline: 150, Unit: "MB", Ratio: 150 / rss, Target: "< 150 MB", Met: rss < 150},
	}, nil
}
