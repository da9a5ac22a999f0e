// Package epcis serves GS1 EPCIS 2.0's REST binding over pack events: the
// events query (GET /events, /epcs/{epc}/events) as an EPCISQueryDocument in
// JSON-LD or XML, and capture (POST /capture), asynchronous as the standard
// has it: answered 202 with a capture job to poll. Captured events are
// applied by the same service as GraphQL's recordPackEvents, all or nothing.
// Tenancy is the service's: a handler never filters by tenant itself.
package epcis

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/gs1/epcis"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// CaptureLimit is the most events one capture takes (GS1-EPCIS-Capture-Limit).
const CaptureLimit = 10_000

// DefaultPerPage is a query's page size when perPage is not given.
const DefaultPerPage = 100

// maxMatchEPCs bounds MATCH_epc.
const maxMatchEPCs = 100

// Options are the server's limits that the interface advertises or applies.
type Options struct {
	MaxBodyBytes   int64         // the largest capture document (GS1-EPCIS-Capture-File-Size-Limit)
	CaptureTimeout time.Duration // how long a capture job may run
	Captures       int           // capture jobs running at once; more are refused (429)
}

// Server serves the EPCIS interface over svc.
type Server struct {
	svc      pool.EPCISService
	log      *slog.Logger
	opts     Options
	captures chan struct{} // a token per running capture job
}

// New returns the EPCIS interface over svc.
func New(svc pool.EPCISService, log *slog.Logger, opts Options) *Server {
	return &Server{svc: svc, log: log, opts: opts, captures: make(chan struct{}, max(opts.Captures, 1))}
}

// Register adds the routes to mux, each wrapped by api (authentication, body
// limit, deadline).
func (s *Server) Register(mux *http.ServeMux, api func(http.Handler) http.Handler) {
	h := func(f http.HandlerFunc) http.Handler { return api(s.versioned(f)) }
	mux.Handle("GET /api/v2/epcis/events", h(s.queryEvents))          // EQ_bizStep, MATCH_epc, GE/LT_eventTime, perPage, nextPageToken
	mux.Handle("GET /api/v2/epcis/epcs/{epc}/events", h(s.epcEvents)) // one pack's or container's events (the EPC percent-encoded)
	mux.Handle("POST /api/v2/epcis/capture", h(s.capture))            // an EPCISDocument: 202 and the job's Location
	mux.Handle("GET /api/v2/epcis/capture/{id}", h(s.captureJob))     // running, succeeded, or failed with refusals per event
}

// versioned adds the headers every EPCIS answer carries: the standard's
// versions and the capture limits.
func (s *Server) versioned(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("GS1-EPCIS-Version", "2.0.0")
		h.Set("GS1-CBV-Version", "2.0.0")
		h.Set("GS1-EPCIS-Capture-Limit", strconv.Itoa(CaptureLimit))
		h.Set("GS1-EPCIS-Capture-File-Size-Limit", strconv.FormatInt(s.opts.MaxBodyBytes, 10))
		next(w, r)
	}
}

// EPCIS 2.0 exception types (the REST binding's problem types).
const (
	queryParameterException  = "epcisException:QueryParameterException"
	validationException      = "epcisException:ValidationException"
	noSuchResourceException  = "epcisException:NoSuchResourceException"
	securityException        = "epcisException:SecurityException"
	captureLimitExceeded     = "epcisException:CaptureLimitExceededException"
	notAcceptable            = "epcisException:NotAcceptableException"
	unsupportedMediaType     = "epcisException:UnsupportedMediaTypeException"
	implementationException  = "epcisException:ImplementationException"
	resourceExhaustedProblem = "epcisException:ResourceExhaustedException"
)

// fail answers err as an RFC 7807 problem with its EPCIS exception type,
// carrying the pool's error code as every API's errors do.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, kind string, err error) {
	if status == 0 {
		status = httpx.StatusOf(err)
	}
	if kind == "" {
		kind = exceptionOf(status)
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "epcis", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="serialpool"`)
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": kind, "title": pool.ErrorMessage(err), "status": status,
		"errors": []map[string]any{{"message": pool.ErrorMessage(err), "extensions": pool.Extensions(err)}}})
}

func exceptionOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return validationException
	case http.StatusNotFound:
		return noSuchResourceException
	case http.StatusUnauthorized, http.StatusForbidden:
		return securityException
	case http.StatusRequestEntityTooLarge:
		return captureLimitExceeded
	case http.StatusTooManyRequests:
		return resourceExhaustedProblem
	}
	return implementationException
}

// queryEvents answers GET /events.
func (s *Server) queryEvents(w http.ResponseWriter, r *http.Request) {
	s.answerEvents(w, r, nil)
}

// epcEvents answers GET /epcs/{epc}/events: an EPC no event of the caller's
// names (unknown, or another tenant's) is a resource that does not exist.
func (s *Server) epcEvents(w http.ResponseWriter, r *http.Request) {
	e, err := gs1.ParseEPC(r.PathValue("epc"))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, queryParameterException, pool.Invalid("epc", "%v", err))
		return
	}
	s.answerEvents(w, r, []gs1.EPC{e})
}

// The query parameters answerEvents takes.
var queryParams = map[string]bool{"EQ_bizStep": true, "MATCH_epc": true, "GE_eventTime": true, "LT_eventTime": true,
	"perPage": true, "nextPageToken": true}

// answerEvents lists the caller's events as an EPCISQueryDocument, of the
// packs named (an /epcs/ route) or by the query parameters.
func (s *Server) answerEvents(w http.ResponseWriter, r *http.Request, epcs []gs1.EPC) {
	f, empty, err := filterOf(r, epcs)
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, queryParameterException, err)
		return
	}
	format, err := epcFormat(r.Header.Get("GS1-EPC-Format"))
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, queryParameterException, err)
		return
	}
	asXML := httpx.Accepts(r, "application/xml") || httpx.Accepts(r, "text/xml")
	if !asXML && r.Header.Get("Accept") != "" && !httpx.Accepts(r, "application/ld+json") && !httpx.Accepts(r, "application/json") &&
		!httpx.Accepts(r, "*/*") {
		s.fail(w, r, http.StatusNotAcceptable, notAcceptable, pool.Invalid("Accept", "events are served as application/ld+json (or application/json) and application/xml"))
		return
	}
	page := &pool.PackEventPage{}
	if !empty {
		if page, err = s.svc.PackEvents(r.Context(), f); err != nil {
			s.fail(w, r, 0, queryParameterException, err)
			return
		}
	}
	if epcs != nil && len(page.Events) == 0 && f.AfterID == 0 {
		s.fail(w, r, http.StatusNotFound, noSuchResourceException, pool.Errorf(pool.ENOTFOUND, "no events of %s", r.PathValue("epc")))
		return
	}
	doc := &epcis.Document{Query: true, CreationDate: time.Now(), Events: make([]epcis.Event, len(page.Events))}
	for i, rec := range page.Events {
		doc.Events[i] = epcis.FromPack(rec)
	}
	// Written whole before the status, so that an identifier that cannot be
	// written as asked is an error, not a cut-off document.
	var b bytes.Buffer
	write, contentType := epcis.WriteJSON, "application/ld+json"
	if asXML {
		write, contentType = epcis.WriteXML, "application/xml"
	}
	if err := write(&b, doc, format); err != nil {
		var ge *gs1.Error
		if errors.As(err, &ge) && ge.Rule == gs1.RuleCompanyPrefix {
			s.fail(w, r, http.StatusNotAcceptable, notAcceptable, pool.Invalid("GS1-EPC-Format",
				"an EPC URN needs the GS1 company prefix of every product, known only from an SSCC pool of the same company prefix; ask for Digital Links (No_Preference)"))
			return
		}
		s.fail(w, r, http.StatusInternalServerError, "", err)
		return
	}
	if page.HasNext {
		next := *r.URL
		q := next.Query()
		q.Set("nextPageToken", pageToken(page.Events[len(page.Events)-1].ID))
		next.RawQuery = q.Encode()
		w.Header().Set("Link", fmt.Sprintf("<%s>; rel=\"next\"", next.RequestURI()))
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("GS1-EPC-Format", map[epcis.Format]string{epcis.DigitalLink: "Always_GS1_Digital_Link", epcis.URN: "Always_EPC_URN"}[format])
	w.WriteHeader(http.StatusOK)
	w.Write(b.Bytes())
}

// filterOf reads the query parameters; empty reports a filter nothing can
// match (a business step no pack event has).
func filterOf(r *http.Request, epcs []gs1.EPC) (f pool.PackEventFilter, empty bool, err error) {
	q := r.URL.Query()
	for k := range q {
		if !queryParams[k] {
			return f, false, pool.Invalid(k, "unknown query parameter %q; this server takes EQ_bizStep, MATCH_epc, GE_eventTime, LT_eventTime, perPage and nextPageToken", k)
		}
	}
	f.Limit = DefaultPerPage
	if v := q.Get("perPage"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > pool.MaxPackEventPage {
			return f, false, pool.Invalid("perPage", "perPage must be 1 to %d, got %q", pool.MaxPackEventPage, v)
		}
		f.Limit = n
	}
	if v := q.Get("nextPageToken"); v != "" {
		if f.AfterID, err = fromPageToken(v); err != nil {
			return f, false, err
		}
	}
	for _, field := range []struct {
		name string
		t    *time.Time
	}{{"GE_eventTime", &f.From}, {"LT_eventTime", &f.To}} {
		if v := q.Get(field.name); v != "" {
			if *field.t, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return f, false, pool.Invalid(field.name, "%s must be an RFC 3339 date-time, got %q", field.name, v)
			}
		}
	}
	if steps := listParam(q["EQ_bizStep"]); len(steps) > 0 {
		for _, step := range steps {
			f.Kinds = append(f.Kinds, epcis.KindsOfBizStep(step)...)
		}
		empty = len(f.Kinds) == 0
	}
	if uris := listParam(q["MATCH_epc"]); len(uris) > 0 {
		if epcs != nil {
			return f, false, pool.Invalid("MATCH_epc", "the route names its EPC already")
		}
		if len(uris) > maxMatchEPCs {
			return f, false, pool.Invalid("MATCH_epc", "MATCH_epc takes at most %d EPCs, got %d", maxMatchEPCs, len(uris))
		}
		for _, u := range uris {
			e, err := gs1.ParseEPC(u)
			if err != nil {
				return f, false, pool.Invalid("MATCH_epc", "%s: %v", u, err)
			}
			epcs = append(epcs, e)
		}
	}
	for _, e := range epcs {
		f.Packs = append(f.Packs, epcis.PackKeyOf(e))
		if e.SSCC != "" {
			f.Containers = append(f.Containers, e.SSCC)
		}
	}
	return f, empty, nil
}

// listParam reads a list parameter, repeated or comma-separated (a
// Digital Link has no comma; a serial may, percent-encoded).
func listParam(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

func pageToken(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("after:" + strconv.FormatInt(id, 10)))
}

func fromPageToken(t string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if id, ok := strings.CutPrefix(string(b), "after:"); err == nil && ok {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, pool.Invalid("nextPageToken", "not a page token of this server")
}

// epcFormat reads GS1-EPC-Format.
func epcFormat(v string) (epcis.Format, error) {
	switch v {
	case "", "No_Preference", "Always_GS1_Digital_Link", "Never_Translates":
		return epcis.DigitalLink, nil
	case "Always_EPC_URN":
		return epcis.URN, nil
	}
	return 0, pool.Invalid("GS1-EPC-Format", "GS1-EPC-Format is No_Preference, Always_GS1_Digital_Link, Always_EPC_URN or Never_Translates, got %q", v)
}

// capture reads an EPCISDocument and starts its capture job: 202 with the
// job's Location once the document is read (a document that is not one is
// refused at once, 400); the events are applied after the answer.
func (s *Server) capture(w http.ResponseWriter, r *http.Request) {
	if b := r.Header.Get("GS1-Capture-Error-Behaviour"); b != "" && b != "rollback" {
		s.fail(w, r, http.StatusBadRequest, validationException, pool.Invalid("GS1-Capture-Error-Behaviour",
			"only rollback is supported: a capture is stored whole or not at all, got %q", b))
		return
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	read := epcis.ReadJSON
	switch mt {
	case "application/ld+json", "application/json":
	case "application/xml", "text/xml":
		read = epcis.ReadXML
	default:
		s.fail(w, r, http.StatusUnsupportedMediaType, unsupportedMediaType, pool.Invalid("Content-Type",
			"send an EPCISDocument as application/ld+json (or application/json) or application/xml, not %q", mt))
		return
	}
	events, bad, err := read(r.Body, CaptureLimit)
	if err != nil {
		status := httpx.StatusOf(err)
		if status == http.StatusInternalServerError {
			status = http.StatusBadRequest
		}
		var limit *epcis.LimitError
		if errors.As(err, &limit) {
			status = http.StatusRequestEntityTooLarge
		}
		s.fail(w, r, status, "", pool.Invalid("body", "%v", err))
		return
	}
	n := len(events) + len(bad)
	if n == 0 {
		s.fail(w, r, http.StatusBadRequest, validationException, pool.Invalid("eventList", "the document holds no event"))
		return
	}
	select {
	case s.captures <- struct{}{}:
	default:
		s.fail(w, r, http.StatusTooManyRequests, resourceExhaustedProblem, pool.Errorf(pool.ERATELIMITED, "too many captures are running; retry shortly"))
		return
	}
	job, err := s.svc.StartCapture(r.Context(), n, s.opts.CaptureTimeout)
	if err != nil {
		<-s.captures
		s.fail(w, r, 0, "", err)
		return
	}
	// The job outlives the request, under the caller's identity.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.opts.CaptureTimeout)
	go func() {
		defer func() { <-s.captures }()
		defer cancel()
		s.run(ctx, job.ID, events, bad)
	}()
	w.Header().Set("Location", "/api/v2/epcis/capture/"+strconv.FormatInt(job.ID, 10))
	httpx.WriteJSON(w, http.StatusAccepted, map[string]any{"captureID": strconv.FormatInt(job.ID, 10)})
}

// run applies a capture's events, or records why not: every event that
// cannot be read, else every event the rules refuse.
func (s *Server) run(ctx context.Context, id int64, events []epcis.Event, bad []*epcis.EventError) {
	// place[i] is where the ith read event stands in the document.
	place := make([]int, 0, len(events))
	unread := make(map[int]bool, len(bad))
	for _, b := range bad {
		unread[b.Event] = true
	}
	for i := 0; len(place) < len(events); i++ {
		if !unread[i] {
			place = append(place, i)
		}
	}
	var refusals []pool.CaptureRefusal
	for _, b := range bad {
		refusals = append(refusals, pool.CaptureRefusal{Event: b.Event + 1, Code: b.Code, Reason: b.Reason})
	}
	var packs []pool.CapturedPackEvent
	var from []int // from[j]: the document event of pack event j
	for i := range events {
		ps, b := epcis.ToPacks(&events[i])
		if b != nil {
			refusals = append(refusals, pool.CaptureRefusal{Event: place[i] + 1, EventID: events[i].EventID, Code: b.Code, Reason: b.Reason})
			continue
		}
		packs = append(packs, ps...)
		for range ps {
			from = append(from, i)
		}
	}
	if len(refusals) == 0 {
		_, err := s.svc.CapturePackEvents(ctx, id, packs)
		if err == nil {
			return
		}
		var pe *pool.Error
		if !errors.As(err, &pe) || pe.Batch == nil {
			if pool.ErrorCode(err) == pool.EINTERNAL {
				s.log.ErrorContext(ctx, "epcis capture", "capture", id, "err", err)
			}
			refusals = append(refusals, pool.CaptureRefusal{Code: pool.ErrorCode(err), Reason: pool.ErrorMessage(err)})
		} else {
			for _, row := range pe.Batch.Rows {
				j := from[row.Row-1]
				p := packs[row.Row-1]
				refusals = append(refusals, pool.CaptureRefusal{Event: place[j] + 1, EventID: events[j].EventID,
					EPC: epcOf(p), Code: row.Code, Reason: row.Reason})
			}
		}
	}
	if err := s.svc.FailCapture(ctx, id, refusals); err != nil {
		s.log.ErrorContext(ctx, "epcis capture: recording its failure", "capture", id, "err", err)
	}
}

// epcOf names a refused pack event's pack as a Digital Link.
func epcOf(p pool.CapturedPackEvent) string {
	if len(p.ProductCode) == 14 {
		return gs1.DigitalLink(p.ProductCode, p.Serial)
	}
	return gs1.SSCCDigitalLink(p.Serial)
}

// captureJob answers a capture job as EPCIS's CaptureJob, with the pool's
// state and counts beside.
func (s *Server) captureJob(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, noSuchResourceException, pool.Errorf(pool.ENOTFOUND, "no capture %q", r.PathValue("id")))
		return
	}
	c, err := s.svc.CaptureByID(r.Context(), id)
	if err != nil {
		s.fail(w, r, 0, "", err)
		return
	}
	errs := make([]map[string]any, len(c.Refusals))
	for i, ref := range c.Refusals {
		errs[i] = map[string]any{"type": validationException, "title": ref.Reason, "status": http.StatusBadRequest,
			"event": ref.Event, "eventID": ref.EventID, "epc": ref.EPC, "code": ref.Code, "reason": ref.Reason}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"captureID": strconv.FormatInt(c.ID, 10), "state": strings.ToLower(string(c.State)),
		"running": c.State == pool.CaptureRunning, "success": c.State == pool.CaptureSucceeded, "captureErrorBehaviour": "rollback",
		"createdAt": c.CreatedAt, "finishedAt": c.FinishedAt, "events": c.Events, "recorded": c.Recorded, "duplicates": c.Duplicates,
		"errors": errs})
}
