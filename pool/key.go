package pool

import (
	"context"
	"time"
)

// APIKey is one of a tenant's API keys as people see it: never the key, nor its hash.
type APIKey struct {
	ID         int64
	TenantID   int64
	Role       Role
	CreatedAt  time.Time
	LastUsedAt *time.Time // when it last authenticated, to the minute; nil: never
	RevokedAt  *time.Time // nil while it works
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
