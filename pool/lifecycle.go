package pool

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// PackStatus is what happened to the pack carrying a serial (the "Pack history"
// tab); it is kept apart from the pool status.
type PackStatus string

const (
	PackActive         PackStatus = "ACTIVE"
	PackCommissioned   PackStatus = "COMMISSIONED"
	PackDecommissioned PackStatus = "DECOMMISSIONED"
	PackUnknown        PackStatus = "UNKNOWN"
)

// PackEventType is a transition of the pack status.
type PackEventType string

const (
	Commission   PackEventType = "COMMISSION"
	Decommission PackEventType = "DECOMMISSION"
	Reactivate   PackEventType = "REACTIVATE"
)

// Reason is why a pack was decommissioned (the EU FMD set).
type Reason string

const (
	Destroyed  Reason = "DESTROYED"
	Sampled    Reason = "SAMPLED"
	Supplied   Reason = "SUPPLIED"
	Stolen     Reason = "STOLEN"
	Exported   Reason = "EXPORTED"
	FreeSample Reason = "FREE_SAMPLE"
	Locked     Reason = "LOCKED"
	CheckedOut Reason = "CHECKED_OUT"
)

var reasons = map[Reason]bool{Destroyed: true, Sampled: true, Supplied: true, Stolen: true, Exported: true,
	FreeSample: true, Locked: true, CheckedOut: true}

// final reasons can never be undone: the pack is gone for good.
var final = map[Reason]bool{Destroyed: true, Stolen: true, Exported: true}

// Transition applies event to a pack in status from (with the reason of its last
// decommissioning) and returns the new status, or an error naming the rule broken.
func Transition(from PackStatus, fromReason *Reason, event PackEventType, reason *Reason) (PackStatus, *RowError) {
	bad := func(code, format string, args ...any) (PackStatus, *RowError) {
		return "", &RowError{Code: code, Reason: fmt.Sprintf(format, args...)}
	}
	if reason != nil && event != Decommission {
		return bad("reason_not_allowed", "only DECOMMISSION takes a reason")
	}
	switch event {
	case Commission:
		if from != PackActive && from != PackUnknown {
			return bad("illegal_transition", "COMMISSION needs an ACTIVE pack; this one is %s", from)
		}
		return PackCommissioned, nil
	case Decommission:
		if reason == nil || !reasons[*reason] {
			return bad("reason_required", "DECOMMISSION needs a reason (DESTROYED, SAMPLED, SUPPLIED, STOLEN, EXPORTED, FREE_SAMPLE, LOCKED, CHECKED_OUT)")
		}
		if from != PackCommissioned {
			return bad("illegal_transition", "DECOMMISSION needs a COMMISSIONED pack; this one is %s", from)
		}
		return PackDecommissioned, nil
	case Reactivate:
		if from != PackDecommissioned {
			return bad("illegal_transition", "REACTIVATE needs a DECOMMISSIONED pack; this one is %s", from)
		}
		if fromReason != nil && final[*fromReason] {
			return bad("final_decommission", "a pack decommissioned as %s can never be reactivated", *fromReason)
		}
		return PackCommissioned, nil
	}
	return bad("unknown_event", "unknown pack event %q", event)
}

// PackEvent is one entry of a serial's append-only pack history.
type PackEvent struct {
	Event      PackEventType
	Status     PackStatus
	Reason     *Reason
	At         time.Time
	RecordedAt time.Time
	Actor      string
}

// SerialKey names a serial by its product's and its own id.
type SerialKey struct{ ProductID, SerialID int64 }

// PackEventInput is a pack event to record.
type PackEventInput struct {
	ProductCode string
	Serial      string
	Event       PackEventType
	Reason      *Reason
	At          time.Time // zero: now
}

// PackEventsResult reports recorded pack events.
type PackEventsResult struct {
	Recorded       int
	StoredExternal int
}

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

// Assignment hands Available serials of an MAH's product to its CMO.
type Assignment struct {
	ProductCode string
	Partner     int64 // the CMO tenant
	Count       int
	// IdempotencyKey is optional, as for a Request: a retry gets the first
	// assignment back instead of more serials.
	IdempotencyKey string
}

// Validate checks what needs no pool, as Request.Validate does.
func (a *Assignment) Validate() error {
	if err := validCount(a.Count); err != nil {
		return err
	}
	return validKey(a.IdempotencyKey)
}

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

// Partner is the other side of one of the caller's partnerships, lasting or ended.
type Partner struct {
	ID        int64 // the partnership
	TenantID  int64
	IsCMO     bool // the partner is the caller's CMO (else its MAH)
	CreatedAt time.Time
	EndedAt   *time.Time // nil while it lasts
	EndedBy   *int64     // the tenant (either side) that ended it
	EndReason *string
}

// PartnershipEnd is what ending a partnership did.
type PartnershipEnd struct {
	Partner  *Partner
	Returned int64 // the CMO's unused serials, back in the MAH's pool as Available
}

// MaxEndReason is the longest reason for ending a partnership, in characters.
const MaxEndReason = 500

// ValidEndReason trims the reason for ending a partnership and checks it:
// 1 to MaxEndReason characters.
func ValidEndReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > MaxEndReason {
		return "", Invalid("reason", "the reason must be 1 to %d characters, got %d", MaxEndReason, n)
	}
	return reason, nil
}

// PartnerInvitation is a CMO's one-time code an MAH accepts to become its
// partner; the code is shown once, only its hash is kept.
type PartnerInvitation struct {
	ID        int64
	Code      string // only when just created
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InvitationLifetime is how long an invitation code works.
const InvitationLifetime = 7 * 24 * time.Hour

// Limits are a product's settable limits; nil fields stay as they are.
type Limits struct {
	ProductCode  string
	RequestCap   *int
	LowThreshold *int
	ReplenishTo  *int // 0 turns replenishment off
}

// LifecycleService moves serials between statuses and records what happens to packs.
type LifecycleService interface {
	// RequestSerials assigns count Available serials to an order. Needs RoleOperator.
	// Returns EINVALID over the product's cap, EINSUFFICIENT when fewer are Available.
	RequestSerials(ctx context.Context, r Request) (*SerialRequest, error)
	// AssignToPartner assigns count Available serials to a CMO partner. Needs RoleOperator.
	AssignToPartner(ctx context.Context, a Assignment) (*SerialRequest, error)
	// ReleaseSerials makes Assigned serials Available again, all or nothing. Needs
	// RoleOperator. Returns EINVALID with a BatchError naming each refused serial.
	ReleaseSerials(ctx context.Context, productCode string, values []string) (int, error)
	// SerialRequests pages through the caller's requests, newest first.
	SerialRequests(ctx context.Context, f RequestFilter) (*RequestPage, error)
	// SerialRequestByID returns ENOTFOUND unless the caller made the request.
	SerialRequestByID(ctx context.Context, id int64) (*SerialRequest, error)
	// RequestSerialsPages returns a page of the serials of each request, in
	// hand-out order.
	RequestSerialsPages(ctx context.Context, reqs []*SerialRequest, afterID int64, limit int) ([]*SerialPage, error)
	// RecordPackEvents records pack events all or nothing. Needs RoleOperator.
	RecordPackEvents(ctx context.Context, events []PackEventInput) (*PackEventsResult, error)
	// SerialByValue returns ENOTFOUND unless the caller may see the serial.
	SerialByValue(ctx context.Context, productCode, value string) (*Serial, error)
	// PackHistories returns the pack events of each serial, oldest first.
	PackHistories(ctx context.Context, serials []SerialKey) ([][]*PackEvent, error)
	// CreatePartnerInvitation issues a code with which an MAH becomes the
	// caller's partner, the caller being its CMO. Needs RoleAdmin.
	CreatePartnerInvitation(ctx context.Context) (*PartnerInvitation, error)
	// PartnerInvitations lists the caller's open invitations, newest first. Needs RoleAdmin.
	PartnerInvitations(ctx context.Context) ([]*PartnerInvitation, error)
	// RevokePartnerInvitation ends one of the caller's open invitations;
	// ENOTFOUND for any other. Needs RoleAdmin.
	RevokePartnerInvitation(ctx context.Context, id int64) (*PartnerInvitation, error)
	// CreatePartnership makes the caller the MAH of the CMO that issued the
	// invitation code, consuming it; ENOTFOUND alike for unknown, expired and
	// used codes. Needs RoleAdmin.
	CreatePartnership(ctx context.Context, invitationCode string) (*Partner, error)
	// Partners lists the caller's partnerships, ended ones included, oldest first.
	Partners(ctx context.Context) ([]*Partner, error)
	// EndPartnership ends one of the caller's partnerships, from either side,
	// for the reason given (ValidEndReason): from then on the CMO requests,
	// releases and records pack events on none of the MAH's serials and the
	// MAH assigns it none; the CMO's unused serials (Available, no pack event)
	// return to the MAH's pool as Available; what the CMO used stays readable
	// to both. Needs RoleAdmin. Returns ENOTFOUND unless the caller is a side,
	// ECONFLICT when it has ended already.
	EndPartnership(ctx context.Context, id int64, reason string) (*PartnershipEnd, error)
	// UpdateLimits sets a product's limits. Needs RoleAdmin.
	UpdateLimits(ctx context.Context, l Limits) (*Product, error)
	// CreateSSCCPool creates the caller's SSCC pool for a company prefix. Needs RoleAdmin.
	CreateSSCCPool(ctx context.Context, companyPrefix string, extension int) (*Product, error)
	// SSCCPools lists the caller's SSCC pools.
	SSCCPools(ctx context.Context) ([]*Product, error)
	// SSCCPool returns one of the caller's SSCC pools; ENOTFOUND when the caller has
	// none with that code (another tenant's pool is not found alike).
	SSCCPool(ctx context.Context, code string) (*Product, error)
}

// Validate checks the limits' ranges.
func (l *Limits) Validate() error {
	if l.RequestCap != nil && (*l.RequestCap < 1 || *l.RequestCap > MaxRequestCap) {
		return Invalid("requestCap", "requestCap must be between 1 and %d", MaxRequestCap)
	}
	if l.LowThreshold != nil && *l.LowThreshold < 0 {
		return Invalid("lowThreshold", "lowThreshold must not be negative")
	}
	if l.ReplenishTo != nil && *l.ReplenishTo < 0 {
		return Invalid("replenishTo", "replenishTo must not be negative (0 turns replenishment off)")
	}
	return nil
}

// SSCCPoolCode validates a GS1 company prefix and extension digit and returns
// the SSCC pool's code: the extension digit followed by the prefix.
func SSCCPoolCode(companyPrefix string, extension int) (string, error) {
	if n := len(companyPrefix); n < 6 || n > 12 || strings.Trim(companyPrefix, "0123456789") != "" {
		return "", Invalid("companyPrefix", "a GS1 company prefix is 6 to 12 digits")
	}
	if extension < 0 || extension > 9 {
		return "", Invalid("extensionDigit", "the extension digit is 0 to 9")
	}
	return strconv.Itoa(extension) + companyPrefix, nil
}

// PartnerSerial is one serial an MAH assigned to a partner, for the CSV export.
type PartnerSerial struct {
	ProductCode   string
	Value         string
	AssignedAt    *time.Time
	PartnerStatus Status
	PackStatus    PackStatus
}

// ExportService streams large result sets row by row.
type ExportService interface {
	// EachRequestSerial calls fn for each serial of the caller's request, in
	// hand-out order, with its extra parameters.
	EachRequestSerial(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error
	// EachPartnerSerial calls fn for each serial the caller assigned to partner,
	// of one product or (productCode "") all.
	EachPartnerSerial(ctx context.Context, partner int64, productCode string, fn func(PartnerSerial) error) error
}

// Replenishment is a job refilling a pool that fell below its low threshold.
type Replenishment struct {
	ID          int64
	TenantID    int64
	ProductCode string
	Source      Source
	Count       int
	Attempts    int                 // including this one
	ChannelID   int64               // the channel asked for serials, for channel sources
	UpstreamURL *string             // where that channel takes requests
	Credentials UpstreamCredentials // what the upstream is shown; never leaves the replenisher
}
