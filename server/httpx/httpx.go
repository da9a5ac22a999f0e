// Package httpx is the HTTP plumbing the transports share (the REST API today,
// SOAP and EPCIS next): errors answered with their code and status, JSON in and
// out, the media types a body of serials comes in, and the one streamed CSV or
// NDJSON export writer. It knows the pool's error codes, nothing of routes.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"strings"

	"github.com/serialpool/serialpool/pool"
)

// StatusOf maps an error code to its HTTP status.
func StatusOf(err error) int {
	var mb *http.MaxBytesError
	switch {
	case errors.As(err, &mb):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, os.ErrDeadlineExceeded): // the body stalled (the server's body idle timeout)
		return http.StatusRequestTimeout
	}
	switch pool.ErrorCode(err) {
	case pool.EUNAUTHENTICATED, pool.EACCOUNTLOCKED, pool.ETOTPREQUIRED:
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

// Fail answers err with the status of its code, logging the cause of a 5xx,
// which the caller is only told the code of.
func Fail(log *slog.Logger, w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	if status >= 500 {
		log.ErrorContext(r.Context(), "api", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	WriteError(w, status, err)
}

// WriteError answers with a GraphQL-shaped error body, which the REST API shares.
func WriteError(w http.ResponseWriter, status int, err error) {
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", `Bearer realm="serialpool"`)
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]any{{
		"message":    pool.ErrorMessage(err),
		"extensions": pool.Extensions(err),
	}}})
}

// WriteJSON answers v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// DecodeJSON reads a JSON request body into v, or answers 400 (413 or 408 for
// a body over the limit or one that stalled) and returns false.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		status := StatusOf(err)
		if status == http.StatusInternalServerError {
			status = http.StatusBadRequest
		}
		WriteError(w, status, pool.Invalid("body", "the body must be a JSON object: %v", err))
		return false
	}
	return true
}

// BodyRows picks the row reader of a body of serials by its media type: a JSON
// array, NDJSON or CSV. Pushes and the replenisher's upstream answers read alike.
func BodyRows(contentType string, body io.Reader) (pool.Rows, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "application/json":
		return pool.NewJSONRows(body), nil
	case "application/x-ndjson", "application/jsonl":
		return pool.NewNDJSONRows(body), nil
	case "text/csv":
		return pool.NewCSVRows(body), nil
	}
	return nil, pool.Invalid("Content-Type", "send serials as application/json (an array), application/x-ndjson or text/csv, not %q", mt)
}

// Accepts reports whether the request's Accept header names media type mt
// (with a non-zero quality).
func Accepts(r *http.Request, mt string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		if t, params, err := mime.ParseMediaType(part); err == nil && t == mt && params["q"] != "0" {
			return true
		}
	}
	return false
}

// AbortStream cuts the connection of a streamed answer that failed after its
// status was sent, so that no client takes a truncated export for a whole one.
func AbortStream(log *slog.Logger, r *http.Request, err error) {
	log.ErrorContext(r.Context(), "api: stream broken off", "method", r.Method, "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

// Authorize presents an upstream's credentials on an outgoing request: a
// Bearer token, else HTTP Basic, else nothing.
func Authorize(req *http.Request, c pool.UpstreamCredentials) {
	switch {
	case c.Token != "":
		req.Header.Set("Authorization", "Bearer "+c.Token)
	case c.Username != "" || c.Password != "":
		req.SetBasicAuth(c.Username, c.Password)
	}
}
