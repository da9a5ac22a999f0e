package main

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
)

// The Manufacturer API (v2): JSON over HTTP for shop-floor and ERP systems, a
// second transport over the same pool services as GraphQL. Every call sends the
// API key; a push also sends its channel's key (X-Channel-Key), whose type is
// the serials' source.
//
//	POST /api/v2/products/{code}/serials   push serials: a JSON array, NDJSON or CSV body, streamed
//	GET  /api/v2/products/{code}/pool      the pool's counts
//	GET  /api/v2/intake/{key}              a batch by Idempotency-Key: progress, then result
func restRoutes(mux *http.ServeMux, svc graph.Services, api, bulk func(http.Handler) http.Handler) {
	mux.Handle("POST /api/v2/products/{code}/serials", bulk(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		ch, err := svc.ChannelByKey(ctx, r.Header.Get("X-Channel-Key"))
		if err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		rows, err := bodyRows(r)
		if err != nil {
			writeError(w, http.StatusUnsupportedMediaType, err)
			return
		}
		res, err := svc.Receive(ctx, pool.Intake{ProductCode: r.PathValue("code"), Source: ch.Source, ChannelID: ch.ID,
			IdempotencyKey: r.Header.Get("Idempotency-Key"), Rows: rows})
		if err != nil {
			writeError(w, statusOf(err), err)
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
			writeError(w, statusOf(err), err)
			return
		}
		c, err := svc.Counts(r.Context(), []int64{p.ID})
		if err != nil {
			writeError(w, statusOf(err), err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"productCode": p.Code, "available": c[0].Available,
			"assigned": c[0].Assigned, "total": c[0].Total(), "low": c[0].Low(p.LowThreshold)})
	})))

	mux.Handle("GET /api/v2/intake/{key}", api(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.PathValue("key")
		running, n, res, err := svc.IntakeProgress(r.Context(), key)
		if err != nil {
			writeError(w, statusOf(err), err)
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
	return map[string]any{"batchId": r.BatchID, "productCode": r.ProductCode, "source": r.Source,
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
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge
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
	}
	return http.StatusInternalServerError
}
