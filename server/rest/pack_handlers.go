package rest

import (
	"net/http"
	"time"

	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// packEvents exports the pack events the caller sees (a CMO: those of the
// serials assigned to it), in the order recorded, page by page: the regulated
// record with lot, expiry and container, times in UTC beside the offset of the
// place where each happened.
func (a *API) packEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := pool.PackEventFilter{Product: q.Get("productCode"), Limit: pool.MaxPackEventPage}
	if len(f.Product) > pool.MaxProductCode {
		a.fail(w, r, pool.Invalid("productCode", "a product code has at most %d characters", pool.MaxProductCode))
		return
	}
	if err := timeRange(q, &f.From, &f.To); err != nil {
		a.fail(w, r, err)
		return
	}
	page, err := a.svc.PackEvents(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ex := httpx.StartExport(w, r, "pack-events-"+time.Now().UTC().Format(time.DateOnly)+".csv",
		"product_code", "serial", "event", "reason", "status", "event_time_utc", "time_zone_offset", "recorded_at_utc",
		"actor", "lot", "expiry", "nhrn", "container")
	for err == nil {
		for _, e := range page.Events {
			if err = packEventRow(ex, e); err != nil {
				break
			}
		}
		if err != nil || !page.HasNext {
			break
		}
		f.AfterID = page.Events[len(page.Events)-1].ID
		page, err = a.svc.PackEvents(r.Context(), f)
	}
	ex.End(a.log, r, err)
}

// packEventRow writes one pack event.
func packEventRow(ex *httpx.Export, e *pool.PackEventRecord) error {
	reason, expiry := "", ""
	if e.Reason != nil {
		reason = string(*e.Reason)
	}
	if !e.Expiry.IsZero() {
		expiry = e.Expiry.Format(time.DateOnly)
	}
	return ex.Row(packEventJSON{e.ProductCode, e.Serial, e.Event, e.Reason, e.Status, e.At, e.TZOffset, e.RecordedAt, e.Actor,
		e.Lot, expiry, e.NHRN, e.Container},
		e.ProductCode, e.Serial, string(e.Event), reason, string(e.Status), e.At.UTC().Format(time.RFC3339Nano), e.TZOffset,
		e.RecordedAt.UTC().Format(time.RFC3339Nano), e.Actor, e.Lot, expiry, e.NHRN, e.Container)
}

// packEventJSON is an NDJSON line of the pack-event export, named as in GraphQL.
type packEventJSON struct {
	ProductCode    string             `json:"productCode"`
	Serial         string             `json:"serial"`
	Event          pool.PackEventType `json:"event"`
	Reason         *pool.Reason       `json:"reason"`
	Status         pool.PackStatus    `json:"status"`
	At             time.Time          `json:"at"`
	TimeZoneOffset string             `json:"timeZoneOffset"`
	RecordedAt     time.Time          `json:"recordedAt"`
	Actor          string             `json:"actor"`
	Lot            string             `json:"lot,omitempty"`
	Expiry         string             `json:"expiry,omitempty"`
	NHRN           string             `json:"nhrn,omitempty"`
	Container      string             `json:"container,omitempty"`
}
