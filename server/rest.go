package main

import (
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
)

// The Manufacturer API (v2): JSON over HTTP for shop-floor and ERP systems, a
// second transport over the same pool services as GraphQL. Every call sends the
// API key; a push also sends its channel's key (X-Channel-Key), whose type is
// the serials' source.
//
//	POST /api/v2/products/{code}/serials       push serials: a JSON array, NDJSON or CSV body, streamed
//	POST /api/v2/products/{code}/requests      request serials for an order: {count, orderRef}; streams them back
//	                                           (Idempotency-Key: a retry gets the same request, 200 instead of 201)
//	POST /api/v2/products/{code}/release       release serials: {serials: [...]}
//	POST /api/v2/products/{code}/commission    commission packs: {serials: [...], at}
//	POST /api/v2/products/{code}/decommission  decommission packs: {serials: [...], reason, at}
//	GET  /api/v2/products/{code}/pool          the pool's counts
//	GET  /api/v2/requests/{id}/serials.csv     a request's serials as CSV
//	GET  /api/v2/partners/{tenant}/serials.csv what the caller assigned to a partner, as CSV
//	GET  /api/v2/intake/{key}                  a batch by Idempotency-Key: progress, then result
//	GET  /api/v2/audit.csv                     the audit trail, newest first (?action=&productCode=&from=&to=)
//
// People uploading a file in the web app name the source (?source=) instead of
// presenting a channel key. Extra parameters (TraceLink crypto data) are only
// returned to callers presenting a channel key.
//
// api wraps the short calls, bulk the long ones, upload the pushes (bulk, within
// the tenant's share of concurrent uploads).
func restRoutes(mux *http.ServeMux, svc graph.Services, log *slog.Logger, api, bulk, upload func(http.Handler) http.Handler) {
	mux.Handle("POST /api/v2/products/{code}/serials", upload(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		in := pool.Intake{ProductCode: r.PathValue("code"), IdempotencyKey: r.Header.Get("Idempotency-Key")}
		if source := r.URL.Query().Get("source"); source != "" && r.Header.Get("X-Channel-Key") == "" {
			in.Source = pool.Source(source)
		} else {
			ch, err := svc.ChannelByKey(ctx, r.Header.Get("X-Channel-Key"))
			if err != nil {
				fail(log, w, r, err)
				return
			}
			in.Source, in.ChannelID = ch.Source, ch.ID
		}
		rows, err := bodyRows(r)
		if err != nil {
			writeError(w, http.StatusUnsupportedMediaType, err)
			return
		}
		in.Rows = rows
		res, err := svc.Receive(ctx, in)
		if err != nil {
			fail(log, w, r, err)
			return
		}
		status := http.StatusCreated
		if res.Replayed {
			status = http.StatusOK
		}
		writeJSON(w, status, resultJSON(res))
	})))

	mux.Handle("GET /api/v2/products/{code}/pool", api(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := svc.ProductByCode(r.Context(), r.PathValue("code"))
		if err != nil {
			fail(log, w, r, err)
			return
		}
		c, err := svc.Counts(r.Context(), []int64{p.ID})
		if err != nil {
			fail(log, w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"productCode": p.Code, "available": c[0].Available,
			"assigned": c[0].Assigned, "total": c[0].Total(), "low": c[0].Low(p.LowThreshold)})
	})))

	mux.Handle("POST /api/v2/products/{code}/requests", bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Count    int    `json:"count"`
			OrderRef string `json:"orderRef"`
		}
		if !decodeJSON(w, r, &body) {
			return
		}
		channel, err := presentsChannel(r, svc)
		if err != nil {
			fail(log, w, r, err)
			return
		}
		req, err := svc.RequestSerials(r.Context(), pool.Request{ProductCode: r.PathValue("code"), Count: body.Count,
			OrderRef: body.OrderRef, IdempotencyKey: r.Header.Get("Idempotency-Key")})
		if err != nil {
			fail(log, w, r, err)
			return
		}
		// The serials are assigned; stream them back as they are read.
		w.Header().Set("Content-Type", "application/json")
		status := http.StatusCreated
		if req.Replayed {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		// The head is the encoder's object without its closing brace; the
		// serials follow it as the last member, one encoded element at a time.
		head, _ := json.Marshal(struct { // strings and a number: it cannot fail
			RequestID  string  `json:"requestId"`
			OrderRef   *string `json:"orderRef"`
			Count      int     `json:"count"`
			SerialsCSV string  `json:"serialsCsv"`
		}{graph.RequestID(req.ID), req.OrderRef, req.Count, "/api/v2/requests/" + graph.RequestID(req.ID) + "/serials.csv"})
		w.Write(head[:len(head)-1])
		w.Write([]byte(`,"serials":[`))
		enc := json.NewEncoder(w)
		first := true
		err = svc.EachRequestSerial(r.Context(), req.ID, func(value string, extra map[string]string) error {
			if !first {
				w.Write([]byte{','})
			}
			first = false
			if !channel {
				extra = nil
			}
			return enc.Encode(pool.SerialInput{Value: value, Extra: extra})
		})
		if err != nil {
			abortStream(log, r, err)
		}
		w.Write([]byte("]}\n"))
	})))

	mux.Handle("POST /api/v2/products/{code}/release", bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Serials []string `json:"serials"`
		}
		if !decodeJSON(w, r, &body) {
			return
		}
		n, err := svc.ReleaseSerials(r.Context(), r.PathValue("code"), body.Serials)
		if err != nil {
			fail(log, w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"released": n})
	})))

	packEvents := func(event pool.PackEventType) http.Handler {
		return bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var body struct {
				Serials []string     `json:"serials"`
				Reason  *pool.Reason `json:"reason"`
				At      time.Time    `json:"at"`
			}
			if !decodeJSON(w, r, &body) {
				return
			}
			events := make([]pool.PackEventInput, len(body.Serials))
			for i, s := range body.Serials {
				events[i] = pool.PackEventInput{ProductCode: r.PathValue("code"), Serial: s, Event: event, Reason: body.Reason, At: body.At}
			}
			res, err := svc.RecordPackEvents(r.Context(), events)
			if err != nil {
				fail(log, w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, map[string]any{"recorded": res.Recorded, "storedExternal": res.StoredExternal})
		}))
	}
	mux.Handle("POST /api/v2/products/{code}/commission", packEvents(pool.Commission))
	mux.Handle("POST /api/v2/products/{code}/decommission", packEvents(pool.Decommission))

	mux.Handle("GET /api/v2/requests/{id}/serials.csv", bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := graph.ParseRequestID(r.PathValue("id"))
		if err != nil {
			err = pool.Errorf(pool.ENOTFOUND, "no such serial request") // a malformed id names nothing
		} else {
			_, err = svc.SerialRequestByID(r.Context(), id)
		}
		if err != nil {
			fail(log, w, r, err)
			return
		}
		channel, err := presentsChannel(r, svc)
		if err != nil {
			fail(log, w, r, err)
			return
		}
		header := []string{"serial"}
		if channel {
			header = append(header, "91", "92")
		}
		ex := startExport(w, r, "request-"+r.PathValue("id")+".csv", header...)
		ex.end(log, r, svc.EachRequestSerial(r.Context(), id, func(value string, extra map[string]string) error {
			if !channel {
				return ex.row(pool.SerialInput{Value: value}, value)
			}
			return ex.row(pool.SerialInput{Value: value, Extra: extra}, value, extra["91"], extra["92"])
		}))
	})))

	mux.Handle("GET /api/v2/partners/{tenant}/serials.csv", bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		partner, err := graph.ParseTenantID(r.PathValue("tenant"))
		if err != nil {
			writeError(w, http.StatusNotFound, pool.Errorf(pool.ENOTFOUND, "no such partner"))
			return
		}
		ex := startExport(w, r, "partner-serials.csv", "product_code", "serial", "assigned_at", "partner_status", "pack_status")
		ex.end(log, r, svc.EachPartnerSerial(r.Context(), partner, r.URL.Query().Get("productCode"), func(s pool.PartnerSerial) error {
			at := ""
			if s.AssignedAt != nil {
				at = s.AssignedAt.UTC().Format(time.RFC3339)
			}
			return ex.row(partnerSerialJSON{s.ProductCode, s.Value, s.AssignedAt, s.PartnerStatus, s.PackStatus},
				s.ProductCode, s.Value, at, string(s.PartnerStatus), string(s.PackStatus))
		}))
	})))

	mux.Handle("GET /api/v2/audit.csv", bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := pool.AuditFilter{Action: q.Get("action"), ProductCode: q.Get("productCode"), Limit: pool.MaxPageSize}
		for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
			if v := q.Get(name); v != "" {
				t, err := time.Parse(time.RFC3339, v)
				if err != nil {
					fail(log, w, r, pool.Invalid(name, "%s must be an RFC 3339 time, such as 2026-01-31T00:00:00Z", name))
					return
				}
				*dst = t
			}
		}
		page, err := svc.AuditLog(r.Context(), f)
		if err != nil {
			fail(log, w, r, err)
			return
		}
		ex := startExport(w, r, "audit-trail.csv", "at", "actor", "action", "product_code", "count", "detail")
		for err == nil {
			for _, e := range page.Entries {
				count, detail := "", ""
				if e.Count != nil {
					count = strconv.FormatInt(*e.Count, 10)
				}
				if e.Detail != nil {
					b, _ := json.Marshal(e.Detail)
					detail = string(b)
				}
				if err = ex.row(auditEntryJSON{e.At, e.Actor, e.Action, e.ProductCode, e.Count, e.Detail},
					e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.ProductCode, count, detail); err != nil {
					break
				}
			}
			if err != nil || !page.HasNext {
				break
			}
			f.BeforeID = page.Entries[len(page.Entries)-1].ID
			page, err = svc.AuditLog(r.Context(), f)
		}
		ex.end(log, r, err)
	})))

	mux.Handle("GET /api/v2/intake/{key}", api(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		running, n, res, err := svc.IntakeProgress(r.Context(), key)
		if err != nil {
			fail(log, w, r, err)
			return
		}
		body := map[string]any{"idempotencyKey": key, "state": "STORED", "rowsRead": n}
		if running {
			body["state"] = "RUNNING"
		} else {
			body["result"] = resultJSON(res)
		}
		writeJSON(w, http.StatusOK, body)
	})))

	// Anything else under /api/ is a JSON error, never the web app: 405 with
	// the methods the path has, else 404.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
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
			writeError(w, http.StatusMethodNotAllowed, pool.Errorf(pool.EINVALID, "use %s on this route", strings.Join(allow, " or ")))
			return
		}
		writeError(w, http.StatusNotFound, pool.Errorf(pool.ENOTFOUND, "no such API route; the Manufacturer API is under /api/v2/"))
	})
}

// presentsChannel checks an X-Channel-Key when one is sent; it reports whether
// the caller is a channel (entitled to extra parameters).
func presentsChannel(r *http.Request, svc graph.Services) (bool, error) {
	if r.Header.Get("X-Channel-Key") == "" {
		return false, nil
	}
	if _, err := svc.ChannelByKey(r.Context(), r.Header.Get("X-Channel-Key")); err != nil {
		return false, err
	}
	return true, nil
}

// decodeJSON reads a JSON request body into v, or answers 400.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		status := statusOf(err)
		if status == http.StatusInternalServerError {
			status = http.StatusBadRequest
		}
		writeError(w, status, pool.Invalid("body", "the body must be a JSON object: %v", err))
		return false
	}
	return true
}

// export is one streamed export: CSV by default (cells neutralised against
// formula injection, see pool.CSVWriter), or NDJSON, one JSON object a line
// with the exact values, for a client that sends Accept: application/x-ndjson.
type export struct {
	csv  *pool.CSVWriter
	json *json.Encoder
}

// startExport begins an export; a CSV one starts with header.
func startExport(w http.ResponseWriter, r *http.Request, filename string, header ...string) *export {
	w.Header().Add("Vary", "Accept")
	if accepts(r, "application/x-ndjson") {
		w.Header().Set("Content-Type", "application/x-ndjson")
		return &export{json: json.NewEncoder(w)}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	ex := &export{csv: pool.NewCSVWriter(w)}
	ex.csv.Write(header)
	return ex
}

// row writes one record: v as an NDJSON line, or cells as a CSV line.
func (e *export) row(v any, cells ...string) error {
	if e.json != nil {
		return e.json.Encode(v)
	}
	return e.csv.Write(cells)
}

// end finishes an export whose status is sent; see abortStream.
func (e *export) end(log *slog.Logger, r *http.Request, err error) {
	if err == nil && e.csv != nil {
		err = e.csv.Flush()
	}
	if err != nil {
		abortStream(log, r, err)
	}
}

// The NDJSON lines of the partner and audit exports, named as in GraphQL.
type partnerSerialJSON struct {
	ProductCode   string          `json:"productCode"`
	Serial        string          `json:"serial"`
	AssignedAt    *time.Time      `json:"assignedAt"`
	PartnerStatus pool.Status     `json:"partnerStatus"`
	PackStatus    pool.PackStatus `json:"packStatus"`
}

type auditEntryJSON struct {
	At          time.Time      `json:"at"`
	Actor       string         `json:"actor"`
	Action      string         `json:"action"`
	ProductCode string         `json:"productCode,omitempty"`
	Count       *int64         `json:"count"`
	Detail      map[string]any `json:"detail"`
}

// accepts reports whether the request's Accept header names media type mt
// (with a non-zero quality).
func accepts(r *http.Request, mt string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if t, params, err := mime.ParseMediaType(part); err == nil && t == mt && params["q"] != "0" {
			return true
		}
	}
	return false
}

// abortStream cuts the connection of a streamed answer that failed after its
// status was sent, so that no client takes a truncated export for a whole one.
func abortStream(log *slog.Logger, r *http.Request, err error) {
	log.ErrorContext(r.Context(), "api: stream broken off", "method", r.Method, "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

// bodyRows picks the row reader for the body's media type.
func bodyRows(r *http.Request) (pool.Rows, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/json":
		return pool.NewJSONRows(r.Body), nil
	case "application/x-ndjson", "application/jsonl":
		return pool.NewNDJSONRows(r.Body), nil
	case "text/csv":
		return pool.NewCSVRows(r.Body), nil
	}
	return nil, pool.Invalid("Content-Type", "send serials as application/json (an array), application/x-ndjson or text/csv, not %q", mt)
}

func resultJSON(r *pool.IntakeResult) map[string]any {
	return map[string]any{"batchId": graph.BatchID(r.BatchID), "productCode": r.ProductCode, "source": r.Source,
		"accepted": r.Accepted, "duplicates": 0, "replayed": r.Replayed}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// statusOf maps an error code to its HTTP status.
func statusOf(err error) int {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded): // the body stalled (see limitBody)
		return http.StatusRequestTimeout
	}
	switch pool.ErrorCode(err) {
	case pool.EUNAUTHENTICATED:
		return http.StatusUnauthorized
	case pool.EFORBIDDEN:
		return http.StatusForbidden
	case pool.ENOTFOUND:
		return http.StatusNotFound
	case pool.EINVALID, pool.ETOOCOMPLEX:
		return http.StatusBadRequest
	case pool.ECONFLICT, pool.EINSUFFICIENT:
		return http.StatusConflict
	case pool.ERATELIMITED:
		return http.StatusTooManyRequests
	case pool.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
