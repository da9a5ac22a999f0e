package httpx

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/serialpool/serialpool/pool"
)

// Export is one streamed export: CSV by default (cells neutralised against
// formula injection, see pool.CSVWriter), or NDJSON, one JSON object a line
// with the exact values, for a client that sends Accept: application/x-ndjson.
type Export struct {
	csv  *pool.CSVWriter
	json *json.Encoder
}

// StartExport begins an export; a CSV one starts with header and is offered
// for download as filename.
func StartExport(w http.ResponseWriter, r *http.Request, filename string, header ...string) *Export {
	w.Header().Add("Vary", "Accept")
	if Accepts(r, "application/x-ndjson") {
		w.Header().Set("Content-Type", "application/x-ndjson")
		return &Export{json: json.NewEncoder(w)}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	ex := &Export{csv: pool.NewCSVWriter(w)}
	ex.csv.Write(header)
	return ex
}

// Row writes one record: v as an NDJSON line, or cells as a CSV line.
func (e *Export) Row(v any, cells ...string) error {
	if e.json != nil {
		return e.json.Encode(v)
	}
	return e.csv.Write(cells)
}

// End finishes an export whose status is sent; an error (the stream's or the
// one it ends with) cuts the connection, see AbortStream.
func (e *Export) End(log *slog.Logger, r *http.Request, err error) {
	if err == nil && e.csv != nil {
		err = e.csv.Flush()
	}
	if err != nil {
		AbortStream(log, r, err)
	}
}
