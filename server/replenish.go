package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
	"github.com/serialpool/serialpool/server/soap"
)

// replenisher refills pools that fell below their low threshold, up to their
// replenishment target: SNM pools by generating, channel pools by asking the
// channel's upstream system (SAP ATTP number ranges, TraceLink SNX, ...) over
// HTTP. A failed attempt parks the job and retries with exponential back-off
// ("park and retry"); the intake's idempotency key makes a retried delivery
// store the serials once.
type replenisher struct {
	db         *db.DB
	svc        graph.Services
	client     *http.Client
	interval   time.Duration // how often pools are checked
	backoff    time.Duration // first retry delay; doubles per attempt, up to maxBackoff
	maxBackoff time.Duration
	log        *slog.Logger
	outcomes   func(outcome string) // counts attempts for the metrics
}

func (r *replenisher) run(ctx context.Context) {
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		r.tick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// tick schedules jobs for low pools, then works through every due job.
func (r *replenisher) tick(ctx context.Context) {
	if _, err := r.db.ScheduleReplenishments(ctx); err != nil {
		r.log.ErrorContext(ctx, "replenish: schedule", "err", err)
		return
	}
	for ctx.Err() == nil {
		job, err := r.db.ClaimReplenishment(ctx, time.Now().Add(10*time.Minute))
		if err != nil {
			r.log.ErrorContext(ctx, "replenish: claim", "err", err)
			return
		}
		if job == nil {
			return
		}
		err = r.replenish(ctx, job)
		retry := time.Now().Add(min(r.backoff<<min(job.Attempts-1, 16), max(r.maxBackoff, r.backoff)))
		if err != nil {
			r.log.WarnContext(ctx, "replenish: parked", "job", job.ID, "product", job.ProductCode, "attempt", job.Attempts, "retry_at", retry, "err", err)
			r.outcomes("parked")
		} else {
			r.log.InfoContext(ctx, "replenished", "job", job.ID, "product", job.ProductCode, "count", job.Count)
			r.outcomes("done")
		}
		if err := r.db.FinishReplenishment(ctx, job.ID, err, retry); err != nil {
			r.log.ErrorContext(ctx, "replenish: finish", "err", err)
			return
		}
	}
}

// upstreamClient is the replenisher's HTTP client. Tenant admins choose the
// URLs it posts to, so it must not become their way into the server's network
// (SSRF): every connection is checked against the policy when it is made,
// after DNS resolution, so a name that resolves (or is rebound) to a loopback,
// link-local, private or metadata address is refused, except a host name the
// operator allowed. It follows no redirects and uses no proxy, which would
// hide the real destination from the check.
func upstreamClient(p pool.UpstreamPolicy) *http.Client {
	checked := &net.Dialer{Timeout: 30 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err == nil {
			err = p.CheckAddr(ap.Addr())
		}
		if err != nil {
			return fmt.Errorf("upstream address not allowed (SERIALPOOL_UPSTREAM_ALLOW): %w", err)
		}
		return nil
	}}
	trusted := &net.Dialer{Timeout: 30 * time.Second}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, err := net.SplitHostPort(addr); err == nil && p.AllowsHost(host) {
			return trusted.DialContext(ctx, network, addr)
		}
		return checked.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// replenish runs one attempt as the tenant's system actor, through the same
// services as every other intake.
func (r *replenisher) replenish(ctx context.Context, job *pool.Replenishment) error {
	ctx = pool.WithActor(ctx, pool.Actor{TenantID: job.TenantID, Role: pool.RoleOperator, System: "replenish"})
	if job.Source == pool.SourceSNM {
		_, err := r.svc.Generate(ctx, pool.Generation{ProductCode: job.ProductCode, Count: job.Count, Mode: pool.Random})
		return err
	}
	if job.UpstreamURL == nil {
		return fmt.Errorf("no %s channel with an upstream URL to ask for serials", job.Source)
	}
	reqID := fmt.Sprintf("replenish-%d", job.ID)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	receive := func(rows pool.Rows) error {
		_, err := r.svc.Receive(ctx, pool.Intake{ProductCode: job.ProductCode, Source: job.Source, ChannelID: job.ChannelID,
			IdempotencyKey: reqID, Rows: rows})
		return err
	}
	ask := r.askJSON
	if job.Protocol == pool.ProtocolTraceLink || job.Protocol == pool.ProtocolSAP {
		ask = r.askSOAP
	}
	err := ask(ctx, job, reqID, receive)
	var pe *pool.Error
	if errors.As(err, &pe) {
		return fmt.Errorf("upstream serials refused: %s", pe.Message)
	}
	return err
}

// askSOAP asks a TraceLink- or SAP-speaking upstream for the job's serials
// and passes them to receive.
func (r *replenisher) askSOAP(ctx context.Context, job *pool.Replenishment, reqID string, receive func(pool.Rows) error) error {
	ask := soap.Ask{URL: *job.UpstreamURL, Credentials: job.Credentials, SendingSystem: job.Systems.Sending,
		ReceivingSystem: job.Systems.Receiving, ProductCode: job.ProductCode, SSCC: job.SSCC, Count: job.Count, RequestID: reqID}
	call := soap.AskTraceLink
	if job.Protocol == pool.ProtocolSAP {
		call = soap.AskSAP
	}
	serials, err := call(ctx, r.client, ask)
	if err != nil {
		return err
	}
	rows := pool.SliceRows(serials)
	return receive(&rows)
}

// askJSON asks an upstream speaking serialpool's own JSON for the job's
// serials and streams them to receive.
func (r *replenisher) askJSON(ctx context.Context, job *pool.Replenishment, reqID string, receive func(pool.Rows) error) error {
	body, _ := json.Marshal(map[string]any{"productCode": job.ProductCode, "count": job.Count, "requestId": reqID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, *job.UpstreamURL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", reqID)
	httpx.Authorize(req, job.Credentials)
	res, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("upstream: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return fmt.Errorf("upstream answered %s: redirects are not followed; set the channel's upstreamUrl to where it redirects (%q)",
			res.Status, res.Header.Get("Location"))
	}
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return fmt.Errorf("upstream answered %s: %s", res.Status, bytes.TrimSpace(msg))
	}
	rows, err := httpx.BodyRows(res.Header.Get("Content-Type"), res.Body)
	if err != nil {
		return fmt.Errorf("upstream: %w", err)
	}
	return receive(rows)
}
