package pool

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// APIKey is one of a tenant's API keys as people see it: never the key, nor its hash.
type APIKey struct {
	ID         int64
	TenantID   int64
	Role       Role
	OwnerID    *int64 // the user owning it; nil for a service account's key (or an old key without owner)
	Owner      string // the owning user's "Name <email>", or the service account's name; "" for no owner
	Service    bool   // Owner names a service account
	CreatedAt  time.Time
	LastUsedAt *time.Time // when it last authenticated, to the minute; nil: never
	RevokedAt  *time.Time // nil while it works
}

// KeyOwner is whom a new API key belongs to: a user of its tenant (by
// e-mail), or a named service account ("Line 3 L3 server", "SAP ATTP").
type KeyOwner struct {
	Email          string
	ServiceAccount string
}

// MaxServiceAccount bounds a service account's name.
const MaxServiceAccount = 100

// Validate checks that o names exactly one owner.
func (o *KeyOwner) Validate() error {
	o.Email, o.ServiceAccount = strings.TrimSpace(o.Email), strings.TrimSpace(o.ServiceAccount)
	if (o.Email == "") == (o.ServiceAccount == "") {
		return Invalid("owner", "a key is owned by a user (their e-mail) or a named service account, one of them")
	}
	if n := utf8.RuneCountInString(o.ServiceAccount); n > MaxServiceAccount || !utf8.ValidString(o.ServiceAccount) {
		return Invalid("serviceAccount", "a service account's name is 1 to %d characters", MaxServiceAccount)
	}
	return nil
}

// KeyLastUsedResolution is how stale an API key's last use may get: an
// authentication records it only when the recorded one is older, so that a
// busy key costs at most one write per this period, never one per request.
const KeyLastUsedResolution = time.Minute

// KeyService lets a tenant's admins see and revoke the tenant's API keys.
type KeyService interface {
	// APIKeys lists the caller's tenant's keys, revoked ones included, oldest
	// first. Needs RoleAdmin.
	APIKeys(ctx context.Context) ([]*APIKey, error)
	// RevokeAPIKey revokes one of the caller's tenant's keys, the caller's own
	// included: it stops authenticating at once in the database, and within the
	// server's authentication cache period everywhere. ENOTFOUND for any other
	// key, and for one already revoked. Needs RoleAdmin.
	RevokeAPIKey(ctx context.Context, id int64) (*APIKey, error)
}
