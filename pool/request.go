package pool

import (
	"context"
	"regexp"
	"strings"
	"time"
)

// SerialRequest is a set of serials handed out at once: to an order or line
// (OrderRef), or to a partner (PartnerID).
type SerialRequest struct {
	ID        int64
	ProductID int64
	OrderRef  *string
	PartnerID *int64
	Count     int
	CreatedAt time.Time
	Replayed  bool // an earlier request under the same idempotency key, returned again
}

// FileName is what a download of the request's serials is saved as: its order
// reference and the UTC day it was made ("PO-4711-2026-12-01.csv"), never an internal id;
// an assignment to a partner has no order reference and is "assignment-<day>.csv".
func (r *SerialRequest) FileName() string {
	base := "assignment"
	if r.OrderRef != nil && strings.TrimSpace(*r.OrderRef) != "" {
		base = strings.Trim(unsafeInFileName.ReplaceAllString(strings.TrimSpace(*r.OrderRef), "-"), "-.")
	}
	if base == "" {
		base = "order"
	}
	return base + "-" + r.CreatedAt.UTC().Format("2006-01-02") + ".csv"
}

// unsafeInFileName: what a file name (and its quoted Content-Disposition) must not hold.
var unsafeInFileName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Request asks for Available serials of a product for an order.
type Request struct {
	ProductCode string
	Count       int
	OrderRef    string
	// IdempotencyKey is optional: a retry under the same key (after a timeout,
	// say) gets the first request back instead of more serials.
	IdempotencyKey string
}

// Validate checks what needs no pool: the count, the order reference and the key.
func (r *Request) Validate() error {
	if err := validCount(r.Count); err != nil {
		return err
	}
	r.OrderRef = strings.TrimSpace(r.OrderRef)
	if r.OrderRef == "" || len(r.OrderRef) > 200 {
		return Invalid("orderRef", "orderRef must be 1 to 200 characters")
	}
	return validKey(r.IdempotencyKey)
}

// Request limits.
const (
	DefaultRequestCap = 500_000
	MaxRequestCap     = 10_000_000
)

// validCount checks a count of serials to hand out against the largest cap any
// product may have; the product's own cap is checked with its pool.
func validCount(n int) error {
	if n < 1 || n > MaxRequestCap {
		return Invalid("count", "count must be 1 to %d, got %d", MaxRequestCap, n)
	}
	return nil
}

// RequestFilter selects a page of the caller's requests, newest first.
type RequestFilter struct {
	ProductCode string // optional
	OrderRef    string // optional, exact
	BeforeID    int64  // paging: requests older than this one; 0 starts at the newest
	Limit       int
}

// RequestPage is a page of requests, newest first.
type RequestPage struct {
	Requests []*SerialRequest
	HasNext  bool
}

// ReleaseCandidate is a serial named in a release, as the caller sees it.
type ReleaseCandidate struct {
	InPool        bool   // the serial is in the caller's pool
	Status        Status // the caller's pool status
	Source        Source
	AtPartner     bool // its owner (the caller) assigned it to a CMO
	HasPackEvents bool
	ListedEarlier bool // the release names it twice; this is the second time
}

// ReleaseRefusal returns why the serial cannot be released, or nil: only
// Assigned serials the pool manages go back to Available, and only while no
// pack exists for them.
func (c ReleaseCandidate) ReleaseRefusal() *RowError {
	refuse := func(code, reason string) *RowError { return &RowError{Code: code, Reason: reason} }
	switch {
	case c.ListedEarlier:
		return refuse("duplicate_in_batch", "the serial is listed twice")
	case !c.InPool:
		return refuse("not_found", "no such serial in your pool")
	case c.Status != Assigned:
		return refuse("not_assigned", "the serial is Available already")
	case c.Source == SourceExternal:
		return refuse("external", "external serials were used outside the pool and can never be released")
	case c.AtPartner:
		return refuse("assigned_to_partner", "the serial is assigned to a partner")
	case c.HasPackEvents:
		return refuse("has_pack_events", "the serial has pack events: its pack exists")
	}
	return nil
}

// RequestService hands serials out to orders and lines and takes unused ones
// back. A CMO requests and releases its MAH's serials in its own pool while
// their partnership lasts.
type RequestService interface {
	// RequestSerials assigns count Available serials to an order. Needs RoleOperator.
	// Returns EINVALID for a count outside 1 to the product's cap, a bad order
	// reference or idempotency key; ENOTFOUND for a product the caller does not
	// see (or, as a CMO, no longer partners on); EINSUFFICIENT when fewer are
	// Available; ECONFLICT for an idempotency key used for another request. A
	// retry under the key of an earlier request returns it again (Replayed).
	RequestSerials(ctx context.Context, r Request) (*SerialRequest, error)
	// ReleaseSerials makes Assigned serials Available again, all or nothing
	// (ReleaseCandidate.ReleaseRefusal), and returns how many. Needs
	// RoleOperator. Returns EINVALID for none or over MaxBatch serials, and
	// with a BatchError naming each refused serial; ENOTFOUND as for RequestSerials.
	ReleaseSerials(ctx context.Context, productCode string, values []string) (int, error)
	// SerialRequests pages through the caller's requests, newest first, orders
	// and assignments to partners alike.
	SerialRequests(ctx context.Context, f RequestFilter) (*RequestPage, error)
	// SerialRequestByID returns ENOTFOUND unless the caller made the request.
	SerialRequestByID(ctx context.Context, id int64) (*SerialRequest, error)
	// RequestSerialsPages returns a page of the serials of each request, in
	// hand-out order.
	RequestSerialsPages(ctx context.Context, reqs []*SerialRequest, afterID int64, limit int) ([]*SerialPage, error)
	// EachRequestSerial calls fn for each serial of the caller's request, in
	// hand-out order, with its extra parameters, streaming from the database.
	// A request the caller did not make has no serials: check it with
	// SerialRequestByID first. An error of fn ends the export and is returned.
	EachRequestSerial(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error
}
