package rest

import (
	"encoding/json"
	"net/http"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// requestSerials assigns serials to an order and streams them back: 201, or
// 200 with the same request for a retry with the same Idempotency-Key.
func (a *API) requestSerials(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Count    int    `json:"count"`
		OrderRef string `json:"orderRef"`
	}
	if !httpx.DecodeJSON(w, r, &body) {
		return
	}
	channel, err := a.presentsChannel(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	req, err := a.svc.RequestSerials(r.Context(), pool.Request{ProductCode: r.PathValue("code"), Count: body.Count,
		OrderRef: body.OrderRef, IdempotencyKey: r.Header.Get("Idempotency-Key")})
	if err != nil {
		a.fail(w, r, err)
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
	err = a.svc.EachRequestSerial(r.Context(), req.ID, func(value string, extra map[string]string) error {
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
		httpx.AbortStream(a.log, r, err)
	}
	w.Write([]byte("]}\n"))
}

// requestSerialsExport downloads a request's serials again, as CSV or NDJSON;
// a channel caller also gets their extra parameters (AI 91, 92).
func (a *API) requestSerialsExport(w http.ResponseWriter, r *http.Request) {
	var req *pool.SerialRequest
	id, err := graph.ParseRequestID(r.PathValue("id"))
	if err != nil {
		err = pool.Errorf(pool.ENOTFOUND, "no such serial request") // a malformed id names nothing
	} else {
		req, err = a.svc.SerialRequestByID(r.Context(), id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	channel, err := a.presentsChannel(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	header := []string{"serial"}
	if channel {
		header = append(header, "91", "92")
	}
	ex := httpx.StartExport(w, r, req.FileName(), header...)
	ex.End(a.log, r, a.svc.EachRequestSerial(r.Context(), id, func(value string, extra map[string]string) error {
		if !channel {
			return ex.Row(pool.SerialInput{Value: value}, value)
		}
		return ex.Row(pool.SerialInput{Value: value, Extra: extra}, value, extra["91"], extra["92"])
	}))
}
