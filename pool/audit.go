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
	Detail      map[string]any // the action's particulars, e.g. the order reference; "changes" holds a change's old and new values
	Signature   *Signature     // the electronic signature of a significant action
	// Names of the records Detail refers to by id, by its key: a partner
	// tenant's name, a key's owner, a user, a channel, an order reference;
	// left out when the record is not visible to the reader.
	Names map[string]string
}

// AuditFilter selects a page of the caller's audit trail, newest first.
type AuditFilter struct {
	Action      string    // optional, exact
	Actor       string    // optional: entries whose actor contains this, ignoring case (a person's name or e-mail)
	ProductCode string    // optional: codes containing this, ignoring case, as the product search matches
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

// AuditChainBreak is the first broken link of a tenant's audit chain: an entry
// whose content was edited, entries missing (deleted) before it, or an entry that
// does not follow the one before it (inserted, or its predecessor rewritten).
type AuditChainBreak struct {
	TenantID int64
	EntryID  int64     // 0 when entries are missing at the end of the chain
	Seq      int64     // the entry's place in the chain, from 1
	At       time.Time // the entry's time; zero with EntryID
	Problem  string
}

// AuditAnchor is a link of a tenant's audit chain as it was when verified:
// kept outside the database (printed by audit verify), it shows a later
// rewrite of the whole chain, head included, which the chain alone cannot.
type AuditAnchor struct {
	TenantID int64
	Seq      int64
	Hash     []byte
}

// AuditVerification is what recomputing the audit chains found.
type AuditVerification struct {
	Checked int64             // entries recomputed
	Tenants int               // chains checked
	Breaks  []AuditChainBreak // at most one per tenant, its first; none when intact
	Heads   []AuditAnchor     // each intact chain's last entry, to anchor
}
