package rest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// auditTrail exports the caller's audit trail, newest first, page by page.
func (a *API) auditTrail(w http.ResponseWriter, r *http.Request) {
	f, err := auditFilter(r.URL.Query())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, err := a.svc.AuditLog(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ex := httpx.StartExport(w, r, "audit-trail.csv", "at", "actor", "action", "product_code", "count", "detail",
		"signed_by", "signature_meaning", "signature_reason", "signed_at")
	for err == nil {
		for _, e := range page.Entries {
			if err = auditRow(ex, e); err != nil {
				break
			}
		}
		if err != nil || !page.HasNext {
			break
		}
		f.BeforeID = page.Entries[len(page.Entries)-1].ID
		page, err = a.svc.AuditLog(r.Context(), f)
	}
	ex.End(a.log, r, err)
}

// auditFilter reads the export's query: action, productCode, and from and to
// as RFC 3339 times.
func auditFilter(q url.Values) (pool.AuditFilter, error) {
	f := pool.AuditFilter{Action: q.Get("action"), Actor: q.Get("actor"), ProductCode: q.Get("productCode"), Limit: pool.MaxPageSize}
	return f, timeRange(q, &f.From, &f.To)
}

// timeRange reads an export's from and to, RFC 3339 times, when given.
func timeRange(q url.Values, from, to *time.Time) error {
	for name, dst := range map[string]*time.Time{"from": from, "to": to} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return pool.Invalid(name, "%s must be an RFC 3339 time, such as 2026-01-31T00:00:00Z", name)
			}
			*dst = t
		}
	}
	return nil
}

// auditRow writes one entry of the audit trail.
func auditRow(ex *httpx.Export, e *pool.AuditEntry) error {
	count, detail := "", ""
	if e.Count != nil {
		count = strconv.FormatInt(*e.Count, 10)
	}
	if e.Detail != nil {
		b, _ := json.Marshal(e.Detail)
		detail = string(b)
	}
	var signer, meaning, reason, signedAt string
	if s := e.Signature; s != nil {
		signer, meaning, reason, signedAt = s.Name, string(s.Meaning), s.Reason, s.At.UTC().Format(time.RFC3339Nano)
		if s.Email != "" {
			signer += " <" + s.Email + ">"
		}
	}
	return ex.Row(auditEntryJSON{e.At, e.Actor, e.Action, e.ProductCode, e.Count, e.Detail, e.Signature},
		e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Action, e.ProductCode, count, detail, signer, meaning, reason, signedAt)
}

// auditEntryJSON is an NDJSON line of the audit export, named as in GraphQL.
type auditEntryJSON struct {
	At          time.Time       `json:"at"`
	Actor       string          `json:"actor"`
	Action      string          `json:"action"`
	ProductCode string          `json:"productCode,omitempty"`
	Count       *int64          `json:"count"`
	Detail      map[string]any  `json:"detail"`
	Signature   *pool.Signature `json:"signature,omitempty"`
}
