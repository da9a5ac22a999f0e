package pool

import (
	"context"
	"time"
)

// AuditEntry is one change in a tenant's audit trail, which is append-only:
// who did what, when, to which product, to how many serials.
type AuditEntry struct {
	ID          int64
	At          time.Time
	Actor       string // "key:N" (an API key of the tenant), "system:task", "cli", or "tenant:M key:N" for a partner's acceptance
	Action      string // e.g. serials.request, product.limits, partnership.create
	ProductID   *int64
	ProductCode string // "" without a product, or when it is no longer visible
	Count       *int64
	Detail      map[string]any // the action's particulars, e.g. the order reference
}

// AuditFilter selects a page of the caller's audit trail, newest first.
type AuditFilter struct {
	Action      string    // optional, exact
	ProductCode string    // optional
	From, To    time.Time // optional: entries at From or later, before To
	BeforeID    int64     // paging: entries older than this one; 0 starts at the newest
	Limit       int
}

// AuditPage is a page of audit entries, newest first.
type AuditPage struct {
	Entries []*AuditEntry
	HasNext bool
}

// AuditService reads the audit trail. Every role may: reviewing the trail is
// part of quality assurance, and it holds no secrets.
type AuditService interface {
	AuditLog(ctx context.Context, f AuditFilter) (*AuditPage, error)
}
