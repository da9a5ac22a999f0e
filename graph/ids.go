package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// Global ids and cursors are opaque to clients: "Kind:key" in URL-safe base64.
// Decoding never reveals anything: a forged value is simply invalid or not found.

func encode(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}

func decode(kind, s, field string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	key, ok := strings.CutPrefix(string(b), kind+":")
	if err != nil || !ok {
		return "", pool.Invalid(field, "%s is not a valid %s", field, strings.ToLower(kind))
	}
	return key, nil
}

func globalID(kind string, id int64) string { return encode(kind, strconv.FormatInt(id, 10)) }

// productCursor pages products by code or, in another order, by its sort key
// and then code: "ORDER/code/key" (a code never holds a "/"), so that a cursor
// read in one order is refused in another.
func productCursor(by pool.ProductSort, key string, p *pool.Product) string {
	if by == pool.SortCode {
		return encode("ProductCursor", p.Code)
	}
	return encode("ProductCursor", string(by)+"/"+p.Code+"/"+key)
}

// decodeProductCursor reads a cursor of order by: the code and sort key after which the page starts.
func decodeProductCursor(after *string, by pool.ProductSort) (code, key string, err error) {
	if after == nil {
		return "", "", nil
	}
	s, err := decode("ProductCursor", *after, "after")
	if err != nil {
		return "", "", err
	}
	parts := strings.SplitN(s, "/", 3)
	switch {
	case by == pool.SortCode && len(parts) == 1:
		return s, "", nil
	case by != pool.SortCode && len(parts) == 3 && parts[0] == string(by):
		return parts[1], parts[2], nil
	}
	return "", "", pool.Invalid("after", "after is a cursor of another order of the products")
}

// idCursor pages a list by id: serials oldest first, requests and audit
// entries newest first.
func idCursor(kind string, id int64) string { return encode(kind, strconv.FormatInt(id, 10)) }

func decodeIDCursor(kind string, after *string) (int64, error) {
	if after == nil {
		return 0, nil
	}
	key, err := decode(kind, *after, "after")
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id < 0 {
		return 0, pool.Invalid("after", "after is not a valid cursor")
	}
	return id, nil
}

func serialCursor(s *pool.Serial) string         { return idCursor("SerialCursor", s.ID) }
func requestCursor(r *pool.SerialRequest) string { return idCursor("SerialRequestCursor", r.ID) }
func auditCursor(e *pool.AuditEntry) string      { return idCursor("AuditCursor", e.ID) }

// pageArgs validates the paging arguments of a connection paged by id, whose
// cursors are of kind ("SerialCursor", "AuditCursor", ...).
func pageArgs(kind string, first *int, after *string) (limit int, id int64, err error) {
	if limit, err = pool.PageSize(first); err != nil {
		return 0, 0, err
	}
	id, err = decodeIDCursor(kind, after)
	return limit, id, err
}

// TenantID is a tenant's opaque id, as GraphQL and the operator commands show it.
func TenantID(id int64) string { return globalID("Tenant", id) }

// ParseTenantID reads a tenant id in its opaque form or as the plain number.
func ParseTenantID(s string) (int64, error) { return parseTenantID(s, "tenant") }

func parseTenantID(s, field string) (int64, error) { return parseOpaqueOrNumber("Tenant", s, field) }

// APIKeyID is an API key's opaque id, as GraphQL and the operator commands show it.
func APIKeyID(id int64) string { return globalID("ApiKey", id) }

// ParseAPIKeyID reads an API key's id in its opaque form or as the plain number.
func ParseAPIKeyID(s string) (int64, error) { return parseOpaqueOrNumber("ApiKey", s, "id") }

// UserID is a user's opaque id, as GraphQL and the operator commands show it.
func UserID(id int64) string { return globalID("User", id) }

// ParseUserID reads a user's id in its opaque form or as the plain number.
func ParseUserID(s string) (int64, error) { return parseOpaqueOrNumber("User", s, "id") }

// parseOpaqueOrNumber reads the id of a kind that operators also type as a
// plain number.
func parseOpaqueOrNumber(kind, s, field string) (int64, error) {
	key := s
	if _, err := strconv.ParseInt(s, 10, 64); err != nil {
		if key, err = decode(kind, s, field); err != nil {
			return 0, err
		}
	}
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil || id <= 0 {
		return 0, pool.Invalid(field, "%s is not a valid %s id", field, strings.ToLower(kind))
	}
	return id, nil
}

// RequestID is a serial request's opaque id.
func RequestID(id int64) string { return globalID("SerialRequest", id) }

// ParseRequestID reads a serial request's opaque id.
func ParseRequestID(s string) (int64, error) { return parseID("SerialRequest", s) }

// auditID is an audit entry's opaque id.
func auditID(id int64) string { return globalID("AuditEntry", id) }

// invitationID is a partner invitation's opaque id.
func invitationID(id int64) string { return globalID("PartnerInvitation", id) }

// partnershipID is a partnership's opaque id.
func partnershipID(id int64) string { return globalID("Partnership", id) }

// parseID reads the opaque id of a kind, given as the argument "id".
func parseID(kind, s string) (int64, error) {
	key, err := decode(kind, s, "id")
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return 0, pool.Invalid("id", "id is not a valid %s id", kind)
	}
	return id, nil
}

// channelID is a channel's opaque id.
func channelID(id int64) string { return globalID("Channel", id) }

// BatchID is an intake batch's opaque id.
func BatchID(id int64) string { return globalID("IntakeBatch", id) }

// serialPrefix reads the serials table's search: the start of a serial, so
// characters of GS1 set 82 only; blank is no search.
func serialPrefix(search string) (string, error) {
	s := strings.TrimSpace(search)
	if s == "" {
		return "", nil
	}
	if err := gs1.ValidSerial(s); err != nil {
		return "", pool.Invalid("search", "search: %v", err)
	}
	return s, nil
}
