package db

import (
	"context"

	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/jackc/pgx/v5"
	"strings"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// keyPrefix marks serialpool keys so that secret scanners and people recognise them.
const keyPrefix = "sp_"

// newSecret returns a 256-bit random key with a recognisable prefix.
func newSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

func hashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// Authenticate implements pool.AuthService. It runs as the connecting role, before
// any tenant is known: the key itself names the tenant. It records the key's
// last use only when the recorded one is older than pool.KeyLastUsedResolution,
// so that it writes at most once a minute per key, not once per request.
func (d *DB) Authenticate(ctx context.Context, key string) (pool.Actor, error) {
	if !strings.HasPrefix(key, keyPrefix) {
		return pool.Actor{}, pool.Errorf(pool.EUNAUTHENTICATED, "unknown API key")
	}
	var row struct {
		ID             int64
		TenantID       int64
		Role           string
		ServiceAccount *string
		OwnerUserID    *int64
		OwnerName      *string
		OwnerEmail     *string
	}
	// A disabled person's keys stop working with their account.
	err := d.gorm.WithContext(ctx).Raw(`WITH k AS (SELECT k.id, k.tenant_id, k.role, k.last_used_at, k.service_account,
				k.owner_user_id, u.name AS owner_name, u.email AS owner_email
			FROM api_keys k LEFT JOIN users u ON u.id = k.owner_user_id
			WHERE k.hash = ? AND k.revoked_at IS NULL AND u.disabled_at IS NULL),
		used AS (UPDATE api_keys a SET last_used_at = now() FROM k
			WHERE a.id = k.id AND (k.last_used_at IS NULL OR k.last_used_at < now() - make_interval(secs => ?)))
		SELECT id, tenant_id, role, service_account, owner_user_id, owner_name, owner_email FROM k`, hashKey(key), pool.KeyLastUsedResolution.Seconds()).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return pool.Actor{}, pool.Errorf(pool.EUNAUTHENTICATED, "unknown API key")
	}
	if err != nil {
		return pool.Actor{}, fmt.Errorf("db: authenticate: %w", classify(err))
	}
	a := pool.Actor{TenantID: row.TenantID, KeyID: row.ID, Role: pool.Role(row.Role)}
	if row.OwnerUserID != nil {
		a.UserID, a.Person = *row.OwnerUserID, (&pool.User{Name: *row.OwnerName, Email: *row.OwnerEmail}).Person()
	} else if row.ServiceAccount != nil {
		a.Service = *row.ServiceAccount
	}
	return a, nil
}

// keyColumns are what a read of an API key (k, with its owner u) returns: never its hash.
const keyColumns = `k.id, k.tenant_id, k.role, k.created_at, k.last_used_at, k.revoked_at, k.owner_user_id AS owner_id,
	coalesce(u.name || ' <' || u.email || '>', k.service_account, '') AS owner, k.service_account IS NOT NULL AS service`

// APIKeys implements pool.KeyService.
func (d *DB) APIKeys(ctx context.Context) ([]*pool.APIKey, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var keys []*pool.APIKey
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) (err error) {
		keys, err = listKeys(tx, a.TenantID)
		return err
	})
	return keys, wrap("api keys", err)
}

// RevokeAPIKey implements pool.KeyService.
func (d *DB) RevokeAPIKey(ctx context.Context, id int64) (*pool.APIKey, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var k *pool.APIKey
	err := d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) (err error) {
		k, err = revokeKey(tx, a.Name(), id, &a.TenantID)
		return err
	})
	return k, wrap("revoke api key", err)
}

// TenantKeys lists a tenant's API keys, oldest first. An operator command: it
// runs as the connecting role. ENOTFOUND for an unknown tenant.
func (d *DB) TenantKeys(ctx context.Context, tenantID int64) ([]*pool.APIKey, error) {
	var keys []*pool.APIKey
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var exists bool
		if err := tx.Raw(`SELECT EXISTS (SELECT FROM tenants WHERE id = ?)`, tenantID).Row().Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pool.Errorf(pool.ENOTFOUND, "tenant %d does not exist", tenantID)
		}
		var err error
		keys, err = listKeys(tx, tenantID)
		return err
	})
	return keys, wrap("tenant keys", classify(err))
}

// RevokeKey revokes any tenant's API key. An operator command: it runs as the
// connecting role, audited as the cli.
func (d *DB) RevokeKey(ctx context.Context, id int64) (*pool.APIKey, error) {
	k, err := revokeKey(d.gorm.WithContext(ctx), "cli", id, nil)
	return k, wrap("revoke key", classify(err))
}

func listKeys(tx *gorm.DB, tenantID int64) ([]*pool.APIKey, error) {
	keys := []*pool.APIKey{}
	err := tx.Raw(`SELECT `+keyColumns+` FROM api_keys k LEFT JOIN users u ON u.id = k.owner_user_id
		WHERE k.tenant_id = ? ORDER BY k.id`, tenantID).Scan(&keys).Error
	return keys, err
}

// revokeKey revokes a working key, of the given tenant unless tenant is nil,
// and audits it in the key's tenant; ENOTFOUND for any other id.
func revokeKey(tx *gorm.DB, actor string, id int64, tenant *int64) (*pool.APIKey, error) {
	var keys []*pool.APIKey
	err := tx.Raw(`WITH k AS (UPDATE api_keys SET revoked_at = now()
			WHERE id = ? AND tenant_id = coalesce(?::bigint, tenant_id) AND revoked_at IS NULL RETURNING *),
		r AS (SELECT `+keyColumns+` FROM k LEFT JOIN users u ON u.id = k.owner_user_id),
		a AS (INSERT INTO audit_log (tenant_id, actor, action, detail)
			SELECT tenant_id, ?, 'key.revoke', jsonb_build_object('key', id, 'role', role, 'owner', owner) FROM r)
		SELECT * FROM r`, id, tenant, actor).Scan(&keys).Error
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "id", Message: "no such API key, or it is revoked already"}
	}
	return keys[0], nil
}

// CreateTenant registers a tenant. An operator command: it runs as the connecting role.
func (d *DB) CreateTenant(ctx context.Context, name string) (int64, error) {
	var id int64
	err := d.gorm.WithContext(ctx).Raw(`WITH t AS (INSERT INTO tenants (name) VALUES (?) RETURNING id),
		a AS (INSERT INTO audit_log (tenant_id, actor, action, detail) SELECT id, 'cli', 'tenant.create', jsonb_build_object('name', ?::text) FROM t)
		SELECT id FROM t`, name, name).Scan(&id).Error
	if err != nil {
		return 0, fmt.Errorf("db: create tenant: %w", err)
	}
	return id, nil
}

// CreateKey issues a new API key for a tenant without an owner (tests and
// benchmarks; people get theirs with CreateOwnedKey) and returns it.
func (d *DB) CreateKey(ctx context.Context, tenantID int64, role pool.Role) (string, error) {
	return d.createKey(ctx, tenantID, role, nil)
}

// CreateOwnedKey issues a new API key for a tenant, owned by one of its users
// or a named service account, and returns it; only its hash is stored. An
// operator command: it runs as the connecting role, audited as the cli.
// EINVALID (field owner) for an e-mail that is no user of the tenant.
func (d *DB) CreateOwnedKey(ctx context.Context, tenantID int64, role pool.Role, owner pool.KeyOwner) (string, error) {
	if err := owner.Validate(); err != nil {
		return "", err
	}
	return d.createKey(ctx, tenantID, role, &owner)
}

func (d *DB) createKey(ctx context.Context, tenantID int64, role pool.Role, owner *pool.KeyOwner) (string, error) {
	if !role.Valid() {
		return "", pool.Invalid("role", "role must be viewer, operator or admin")
	}
	key, err := newSecret(keyPrefix)
	if err != nil {
		return "", err
	}
	if owner == nil {
		owner = &pool.KeyOwner{}
	}
	var created []struct{ OwnerFound bool }
	err = d.gorm.WithContext(ctx).Raw(`WITH t AS (SELECT t.id, u.id AS user_id, u.name || ' <' || u.email || '>' AS person FROM tenants t
			LEFT JOIN users u ON u.tenant_id = t.id AND lower(u.email) = lower(?) AND u.disabled_at IS NULL WHERE t.id = ?),
		k AS (INSERT INTO api_keys (tenant_id, role, hash, owner_user_id, service_account)
			SELECT id, ?, ?, user_id, nullif(?, '') FROM t WHERE ? = '' OR user_id IS NOT NULL RETURNING id, tenant_id, role),
		a AS (INSERT INTO audit_log (tenant_id, actor, action, detail)
			SELECT k.tenant_id, 'cli', 'key.create', jsonb_build_object('key', k.id, 'role', k.role, 'owner', coalesce(t.person, nullif(?, '')))
			FROM k, t)
		SELECT EXISTS (SELECT FROM k) AS owner_found FROM t`,
		owner.Email, tenantID, string(role), hashKey(key), owner.ServiceAccount, owner.Email, owner.ServiceAccount).Scan(&created).Error
	if err != nil {
		return "", fmt.Errorf("db: create key: %w", err)
	}
	if len(created) == 0 {
		return "", pool.Errorf(pool.ENOTFOUND, "tenant %d does not exist", tenantID)
	}
	if !created[0].OwnerFound {
		return "", pool.Invalid("owner", "%s is no user of tenant %d (or is disabled)", owner.Email, tenantID)
	}
	return key, nil
}

// TenantsByID implements pool.TenantService.
func (d *DB) TenantsByID(ctx context.Context, ids []int64) ([]*pool.Tenant, error) {
	rows, err := tenantRead[pool.Tenant](ctx, d, `SELECT id, name FROM tenants WHERE id = ANY(@ids)`, pgx.NamedArgs{"ids": ids})
	if err != nil {
		return nil, wrap("tenants", err)
	}
	tenants := make([]*pool.Tenant, len(rows))
	for i := range rows {
		tenants[i] = &rows[i]
	}
	return inOrder(ids, tenants, func(t *pool.Tenant) int64 { return t.ID }), nil
}

// inOrder arranges rows to match ids (for dataloaders); a missing row is nil.
func inOrder[T any](ids []int64, rows []*T, id func(*T) int64) []*T {
	byID := make(map[int64]*T, len(rows))
	for _, r := range rows {
		byID[id(r)] = r
	}
	out := make([]*T, len(ids))
	for i, k := range ids {
		out[i] = byID[k]
	}
	return out
}
