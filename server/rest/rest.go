// Package rest is the Manufacturer API (v2): JSON over HTTP for shop-floor and
// ERP systems, a second transport over the same pool services as GraphQL. Every
// call sends the API key; a push also sends its channel's key (X-Channel-Key),
// whose type is the serials' source. People uploading a file in the web app
// name the source (?source=) instead of presenting a channel key. Extra
// parameters (TraceLink crypto data) are only returned to callers presenting a
// channel key.
//
// One named handler per route, grouped by resource in *_handlers.go; Register
// lists the routes. Authentication, body limits and deadlines are the binary's
// middleware (see Middleware); the shared HTTP plumbing is package httpx.
package rest

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// Services are what the handlers call; package db implements them all, and
// package pool/mock fakes them for the handler tests.
type Services interface {
	pool.ProductService
	pool.PoolService
	pool.IntakeService
	pool.RequestService
	pool.PartnerService
	pool.PackEventService
	pool.AuditService
	// PackEvents lists pack events as the EPCIS query does (pool.EPCISService).
	PackEvents(ctx context.Context, f pool.PackEventFilter) (*pool.PackEventPage, error)
}

// API serves the Manufacturer API over svc.
type API struct {
	svc Services
	log *slog.Logger
}

// New returns the API over svc, logging the causes of 5xx answers to log.
func New(svc Services, log *slog.Logger) *API { return &API{svc: svc, log: log} }

// Middleware wraps the routes by their weight: API the short calls, Bulk the
// long ones (larger bodies, longer deadlines), Upload the pushes (bulk, within
// the tenant's share of concurrent uploads).
type Middleware struct {
	API, Bulk, Upload func(http.Handler) http.Handler
}

// Register adds the API's routes to mux.
func (a *API) Register(mux *http.ServeMux, m Middleware) {
	h := func(wrap func(http.Handler) http.Handler, f http.HandlerFunc) http.Handler { return wrap(f) }
	mux.Handle("POST /api/v2/products/{code}/serials", h(m.Upload, a.pushSerials))                // a JSON array, NDJSON or CSV body, streamed
	mux.Handle("GET /api/v2/intake/{key}", h(m.API, a.intakeProgress))                            // a push by Idempotency-Key: progress, then result
	mux.Handle("GET /api/v2/products/{code}/pool", h(m.API, a.poolCounts))                        // the pool's counts
	mux.Handle("POST /api/v2/products/{code}/requests", h(m.Bulk, a.requestSerials))              // {count, orderRef}; streams them back
	mux.Handle("GET /api/v2/requests/{id}/serials.csv", h(m.Bulk, a.requestSerialsExport))        // a request's serials again
	mux.Handle("POST /api/v2/products/{code}/release", h(m.Bulk, a.releaseSerials))               // {serials: [...]}
	mux.Handle("POST /api/v2/products/{code}/commission", h(m.Bulk, a.commission))                // {serials: [...], at}
	mux.Handle("POST /api/v2/products/{code}/decommission", h(m.Bulk, a.decommission))            // {serials: [...], reason, at}
	mux.Handle("GET /api/v2/partners/{tenant}/serials.csv", h(m.Bulk, replica(a.partnerSerials))) // what the caller assigned to a partner
	mux.Handle("GET /api/v2/audit.csv", h(m.Bulk, replica(a.auditTrail)))                         // newest first (?action=&productCode=&from=&to=)
	mux.Handle("GET /api/v2/pack-events.csv", h(m.Bulk, replica(a.packEvents)))                   // in the order recorded (?productCode=&from=&to=)
	mux.Handle("/api/", noRoute(mux))
}

// noRoute answers anything else under /api/ with a JSON error, never the web
// app: 405 with the methods the path has, else 404.
func noRoute(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			httpx.WriteError(w, http.StatusMethodNotAllowed, pool.Errorf(pool.EINVALID, "use %s on this route", strings.Join(allow, " or ")))
			return
		}
		httpx.WriteError(w, http.StatusNotFound, pool.Errorf(pool.ENOTFOUND, "no such API route; the Manufacturer API is under /api/v2/"))
	}
}

// fail answers err with its code's status; see httpx.Fail.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) { httpx.Fail(a.log, w, r, err) }

// presentsChannel checks an X-Channel-Key when one is sent; it reports whether
// the caller is a channel (entitled to extra parameters).
func (a *API) presentsChannel(r *http.Request) (bool, error) {
	key := r.Header.Get("X-Channel-Key")
	if key == "" {
		return false, nil
	}
	if _, err := a.svc.ChannelByKey(r.Context(), key); err != nil {
		return false, err
	}
	return true, nil
}

// replica lets f's reads come from the read replica, when there is one
// (SERIALPOOL_READ_URL): exports whose callers accept a moment's lag. The
// routes that must read their own writes (a request's serials right after it,
// an intake's progress, a pool's counts after a push) read the primary.
func replica(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { f(w, r.WithContext(pool.AllowStale(r.Context()))) }
}
