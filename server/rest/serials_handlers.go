package rest

import (
	"context"
	"net/http"
	"time"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// pushSerials stores a pushed batch of serials, all or nothing: 201, or 200
// for a retry with the same Idempotency-Key.
func (a *API) pushSerials(w http.ResponseWriter, r *http.Request) {
	in := pool.Intake{ProductCode: r.PathValue("code"), IdempotencyKey: r.Header.Get("Idempotency-Key")}
	if source := r.URL.Query().Get("source"); source != "" && r.Header.Get("X-Channel-Key") == "" {
		in.Source = pool.Source(source)
	} else {
		ch, err := a.svc.ChannelByKey(r.Context(), r.Header.Get("X-Channel-Key"))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		in.Source, in.ChannelID = ch.Source, ch.ID
	}
	rows, err := httpx.BodyRows(r.Header.Get("Content-Type"), r.Body)
	if err != nil {
		httpx.WriteError(w, http.StatusUnsupportedMediaType, err)
		return
	}
	in.Rows = rows
	res, err := a.svc.Receive(r.Context(), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	status := http.StatusCreated
	if res.Replayed {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, resultJSON(res))
}

// intakeProgress reports a push by its Idempotency-Key: rows read while it
// streams in, then its result.
func (a *API) intakeProgress(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	running, n, res, err := a.svc.IntakeProgress(r.Context(), key)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	body := map[string]any{"idempotencyKey": key, "state": "STORED", "rowsRead": n}
	if running {
		body["state"] = "RUNNING"
	} else {
		body["result"] = resultJSON(res)
	}
	httpx.WriteJSON(w, http.StatusOK, body)
}

func resultJSON(r *pool.IntakeResult) map[string]any {
	return map[string]any{"batchId": graph.BatchID(r.BatchID), "productCode": r.ProductCode, "source": r.Source,
		"accepted": r.Accepted, "duplicates": 0, "replayed": r.Replayed}
}

// poolCounts answers a product's available, assigned and total counts.
func (a *API) poolCounts(w http.ResponseWriter, r *http.Request) {
	p, err := a.svc.ProductByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	c, err := a.svc.Counts(r.Context(), []int64{p.ID})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"productCode": p.Code, "available": c[0].Available,
		"assigned": c[0].Assigned, "total": c[0].Total(), "low": c[0].Low(p.LowThreshold)})
}

// releaseSerials makes Assigned serials Available again, all or nothing.
func (a *API) releaseSerials(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Serials   []string   `json:"serials"`
		Signature *signature `json:"signature"`
	}
	if !httpx.DecodeJSON(w, r, &body) {
		return
	}
	n, err := a.svc.ReleaseSerials(body.Signature.on(r.Context()), r.PathValue("code"), body.Serials)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"released": n})
}

// commission records that packs were commissioned.
func (a *API) commission(w http.ResponseWriter, r *http.Request) {
	a.recordPackEvents(w, r, pool.Commission)
}

// decommission records that packs were decommissioned, for a reason.
func (a *API) decommission(w http.ResponseWriter, r *http.Request) {
	a.recordPackEvents(w, r, pool.Decommission)
}

// recordPackEvents records one event of the same type for each serial in the
// body, all or nothing.
func (a *API) recordPackEvents(w http.ResponseWriter, r *http.Request, event pool.PackEventType) {
	var body struct {
		Serials        []string     `json:"serials"`
		Reason         *pool.Reason `json:"reason"`
		At             time.Time    `json:"at"`
		Lot            string       `json:"lot"`
		Expiry         string       `json:"expiry"`
		NHRN           string       `json:"nhrn"`
		TimeZoneOffset string       `json:"timeZoneOffset"`
		Signature      *signature   `json:"signature"`
	}
	if !httpx.DecodeJSON(w, r, &body) {
		return
	}
	var expiry time.Time
	if body.Expiry != "" {
		var err error
		if expiry, err = pool.ParseExpiry(body.Expiry, time.Now()); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	events := make([]pool.PackEventInput, len(body.Serials))
	for i, s := range body.Serials {
		events[i] = pool.PackEventInput{ProductCode: r.PathValue("code"), Serial: s, Event: event, Reason: body.Reason, At: body.At,
			Lot: body.Lot, Expiry: expiry, NHRN: body.NHRN, TZOffset: body.TimeZoneOffset}
	}
	res, err := a.svc.RecordPackEvents(body.Signature.on(r.Context()), events)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"recorded": res.Recorded, "storedExternal": res.StoredExternal})
}

// signature is an API key caller's electronic signature of a significant
// action (release, an irreversible decommissioning): meaning and reason.
type signature struct {
	Meaning pool.SignatureMeaning `json:"meaning"`
	Reason  string                `json:"reason"`
}

// on returns ctx carrying the signature, if the body had one.
func (s *signature) on(ctx context.Context) context.Context {
	if s == nil {
		return ctx
	}
	return pool.WithSignature(ctx, pool.SignatureInput{Meaning: s.Meaning, Reason: s.Reason})
}
