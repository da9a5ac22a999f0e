package rest

import (
	"net/http"
	"time"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// partnerSerials exports what the caller (an MAH) assigned to a partner, of
// one product (?productCode=) or all.
func (a *API) partnerSerials(w http.ResponseWriter, r *http.Request) {
	partner, err := graph.ParseTenantID(r.PathValue("tenant"))
	if err != nil {
		httpx.WriteError(w, http.StatusNotFound, pool.Errorf(pool.ENOTFOUND, "no such partner"))
		return
	}
	ex := httpx.StartExport(w, r, "partner-serials.csv", "product_code", "serial", "assigned_at", "partner_status", "pack_status")
	ex.End(a.log, r, a.svc.EachPartnerSerial(r.Context(), partner, r.URL.Query().Get("productCode"), func(s pool.PartnerSerial) error {
		at := ""
		if s.AssignedAt != nil {
			at = s.AssignedAt.UTC().Format(time.RFC3339)
		}
		return ex.Row(partnerSerialJSON{s.ProductCode, s.Value, s.AssignedAt, s.PartnerStatus, s.PackStatus},
			s.ProductCode, s.Value, at, string(s.PartnerStatus), string(s.PackStatus))
	}))
}

// partnerSerialJSON is an NDJSON line of the partner export, named as in GraphQL.
type partnerSerialJSON struct {
	ProductCode   string          `json:"productCode"`
	Serial        string          `json:"serial"`
	AssignedAt    *time.Time      `json:"assignedAt"`
	PartnerStatus pool.Status     `json:"partnerStatus"`
	PackStatus    pool.PackStatus `json:"packStatus"`
}
