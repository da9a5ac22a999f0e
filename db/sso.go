package db

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// ssoColumns are what a read of a configuration returns: never the client
// secret, which the request role cannot even select (migration 00017).
const ssoColumns = `tenant_id, name, issuer_url, client_id, role_claim, role_values, coalesce(email_domain, '') AS email_domain, updated_at`

// SSOLoginTTL is how long a sign-in may take between its start and the
// provider's callback.
const SSOLoginTTL = 10 * time.Minute

type ssoRow struct {
	TenantID    int64
	Name        string
	IssuerURL   string
	ClientID    string
	RoleClaim   string
	RoleValues  []byte
	EmailDomain string
	UpdatedAt   time.Time
}

func (r ssoRow) config() (*pool.SSOConfig, error) {
	c := &pool.SSOConfig{TenantID: r.TenantID, Name: r.Name, IssuerURL: r.IssuerURL, ClientID: r.ClientID, ClientSecretSet: true,
		RoleClaim: r.RoleClaim, EmailDomain: r.EmailDomain, UpdatedAt: r.UpdatedAt}
	return c, json.Unmarshal(r.RoleValues, &c.RoleValues)
}

// ssoAudit is a configuration as the audit trail shows it: everything but the secret.
func ssoAudit(c *pool.SSOConfig) map[string]any {
	if c == nil {
		return nil
	}
	return map[string]any{"name": c.Name, "issuerUrl": c.IssuerURL, "clientId": c.ClientID, "roleClaim": c.RoleClaim,
		"roleValues": c.RoleValues, "emailDomain": c.EmailDomain}
}

// ssoConfigTx reads the caller's tenant's configuration in tx; nil when none.
func ssoConfigTx(tx *gorm.DB, tenantID int64, lock bool) (*pool.SSOConfig, error) {
	q := `SELECT ` + ssoColumns + ` FROM sso_configs WHERE tenant_id = ?`
	if lock {
		q += ` FOR UPDATE`
	}
	var rows []ssoRow
	if err := tx.Raw(q, tenantID).Scan(&rows).Error; err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0].config()
}

// SSOConfig implements pool.SSOService.
func (d *DB) SSOConfig(ctx context.Context) (*pool.SSOConfig, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var c *pool.SSOConfig
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) (err error) {
		c, err = ssoConfigTx(tx, a.TenantID, false)
		return err
	})
	return c, wrap("sso config", err)
}

// UpdateSSOConfig implements pool.SSOService.
func (d *DB) UpdateSSOConfig(ctx context.Context, u pool.SSOUpdate) (*pool.SSOConfig, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	if err := u.Validate(d.upstream); err != nil {
		return nil, err
	}
	roles, err := json.Marshal(u.RoleValues)
	if err != nil {
		return nil, err
	}
	var c *pool.SSOConfig
	err = d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		old, err := ssoConfigTx(tx, a.TenantID, true)
		if err != nil {
			return err
		}
		domain := &u.EmailDomain
		if u.EmailDomain == "" {
			domain = nil
		}
		switch {
		case old == nil && u.ClientSecret == nil:
			return pool.Invalid("clientSecret", "a new single sign-on configuration needs its clientSecret")
		case old == nil:
			err = tx.Exec(`INSERT INTO sso_configs (tenant_id, name, issuer_url, client_id, client_secret, role_claim, role_values, email_domain)
				VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)`, a.TenantID, u.Name, u.IssuerURL, u.ClientID, *u.ClientSecret, u.RoleClaim, string(roles), domain).Error
		default:
			err = tx.Exec(`UPDATE sso_configs SET name = ?, issuer_url = ?, client_id = ?, role_claim = ?, role_values = ?::jsonb,
				email_domain = ?, updated_at = now() WHERE tenant_id = ?`,
				u.Name, u.IssuerURL, u.ClientID, u.RoleClaim, string(roles), domain, a.TenantID).Error
			// Apart: the request role may write the secret but never read it, not even in coalesce.
			if err == nil && u.ClientSecret != nil {
				err = tx.Exec(`UPDATE sso_configs SET client_secret = ? WHERE tenant_id = ?`, *u.ClientSecret, a.TenantID).Error
			}
		}
		if err != nil {
			return err
		}
		if c, err = ssoConfigTx(tx, a.TenantID, false); err != nil {
			return err
		}
		secret := "unchanged"
		if u.ClientSecret != nil {
			secret = "changed"
		}
		return auditTx(ctx, gormTx{tx}, a, "sso.update", 0, 0, map[string]any{"old": ssoAudit(old), "new": ssoAudit(c), "clientSecret": secret})
	})
	if err != nil {
		return nil, wrap("update sso config", err)
	}
	return c, nil
}

// DeleteSSOConfig implements pool.SSOService.
func (d *DB) DeleteSSOConfig(ctx context.Context) error {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return err
	}
	return wrap("delete sso config", d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		old, err := ssoConfigTx(tx, a.TenantID, true)
		if err != nil {
			return err
		}
		if old == nil {
			return pool.Errorf(pool.ENOTFOUND, "this tenant has no single sign-on configuration")
		}
		if err := tx.Exec(`DELETE FROM sso_configs WHERE tenant_id = ?`, a.TenantID).Error; err != nil {
			return err
		}
		return auditTx(ctx, gormTx{tx}, a, "sso.delete", 0, 0, map[string]any{"old": ssoAudit(old)})
	}))
}

// SSOProvider is a tenant's provider as a sign-in needs it, secret included.
type SSOProvider struct {
	Config       *pool.SSOConfig
	TenantName   string
	ClientSecret string
}

// SSOProviderOf returns a tenant's provider for a sign-in: ENOTFOUND for a
// tenant without one, or no such tenant. It runs outside every tenant (no one
// is signed in yet, and only the owner reads the secret).
func (d *DB) SSOProviderOf(ctx context.Context, tenantID int64) (*SSOProvider, error) {
	var p *SSOProvider
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+ssoColumns+`, client_secret, (SELECT name FROM tenants WHERE id = tenant_id) AS tenant_name
			FROM sso_configs WHERE tenant_id = $1`, tenantID)
		if err != nil {
			return err
		}
		found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*SSOProvider, error) {
			var r ssoRow
			var pr SSOProvider
			if err := row.Scan(&r.TenantID, &r.Name, &r.IssuerURL, &r.ClientID, &r.RoleClaim, &r.RoleValues, &r.EmailDomain, &r.UpdatedAt,
				&pr.ClientSecret, &pr.TenantName); err != nil {
				return nil, err
			}
			pr.Config, err = r.config()
			return &pr, err
		})
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return pool.Errorf(pool.ENOTFOUND, "no single sign-on is configured for this tenant")
		}
		p = found[0]
		return nil
	})
	return p, wrap("sso provider", err)
}

// SSOLogin is a sign-in under way: what the callback needs to finish it.
type SSOLogin struct {
	TenantID     int64
	Nonce        string
	CodeVerifier string
	// Session is, for a re-authentication to sign, the session (Session.ID)
	// it is for; "" for a sign-in.
	Session   string
	CreatedAt time.Time
}

// BeginSSOLogin records a sign-in under its state, and forgets those that
// outlived SSOLoginTTL.
func (d *DB) BeginSSOLogin(ctx context.Context, state string, l SSOLogin) error {
	return wrap("begin sso login", d.systemTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sso_logins WHERE created_at < now() - $1::interval`, SSOLoginTTL.String()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sso_logins (state_hash, tenant_id, nonce, code_verifier, session_hash)
			VALUES ($1, $2, $3, $4, decode(nullif($5, ''), 'hex'))`,
			hashKey(state), l.TenantID, l.Nonce, l.CodeVerifier, l.Session)
		return err
	}))
}

// TakeSSOLogin returns the sign-in begun under state and forgets it, so that
// a state serves once: ENOTFOUND for an unknown, used or expired one.
func (d *DB) TakeSSOLogin(ctx context.Context, state string) (*SSOLogin, error) {
	var l SSOLogin
	var fresh bool
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `DELETE FROM sso_logins WHERE state_hash = $1 RETURNING tenant_id, nonce, code_verifier,
			coalesce(encode(session_hash, 'hex'), ''), created_at, created_at >= now() - $2::interval`,
			hashKey(state), SSOLoginTTL.String()).Scan(&l.TenantID, &l.Nonce, &l.CodeVerifier, &l.Session, &l.CreatedAt, &fresh)
	})
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !fresh) {
		return nil, pool.Errorf(pool.ENOTFOUND, "this sign-in is unknown, used or expired: start again")
	}
	if err != nil {
		return nil, wrap("take sso login", err)
	}
	return &l, nil
}

// SSOProviderInfo is what the sign-in page shows of a tenant's provider.
type SSOProviderInfo struct {
	TenantID   int64
	TenantName string
	Name       string
}

// SSOProvidersFor lists the providers a person may sign in with: the one of
// tenantID (when not 0), or those whose e-mail domain is the domain of email.
func (d *DB) SSOProvidersFor(ctx context.Context, tenantID int64, emailDomain string) ([]SSOProviderInfo, error) {
	var out []SSOProviderInfo
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT c.tenant_id, t.name, c.name FROM sso_configs c JOIN tenants t ON t.id = c.tenant_id
			WHERE ($1::bigint <> 0 AND c.tenant_id = $1) OR ($2 <> '' AND c.email_domain = lower($2)) ORDER BY t.name LIMIT 20`, tenantID, emailDomain)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (SSOProviderInfo, error) {
			var p SSOProviderInfo
			return p, row.Scan(&p.TenantID, &p.TenantName, &p.Name)
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("db: sso providers: %w", err)
	}
	return out, nil
}

// SSOUser finds or provisions the person a tenant's provider signed in: the
// user with the e-mail address, in that tenant, with the role the provider's
// claims map to now (a changed role is updated and audited). ECONFLICT when
// the address belongs to another tenant's user, EFORBIDDEN for a disabled
// one. It runs as the connecting role: no one is signed in yet.
func (d *DB) SSOUser(ctx context.Context, u pool.NewUser) (*pool.User, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	sso := pool.Actor{TenantID: u.TenantID, System: "sso"}
	var user *pool.User
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE lower(email) = lower($1) FOR UPDATE`, u.Email)
		found, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByNameLax[pool.User])
		switch {
		case err != nil:
			return err
		case len(found) == 0:
			user, err = insertUser(ctx, tx, sso, u, nil)
			return err
		}
		user = found[0]
		switch {
		case user.TenantID != u.TenantID:
			return pool.Errorf(pool.ECONFLICT, "%s has an account in another tenant", u.Email)
		case user.DisabledAt != nil:
			return pool.Errorf(pool.EFORBIDDEN, "the account of %s is disabled", u.Email)
		case user.Role == u.Role:
			return nil
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET role = $2 WHERE id = $1`, user.ID, string(u.Role)); err != nil {
			return err
		}
		old := user.Role
		user.Role = u.Role
		return auditTx(ctx, tx, sso, "user.update", 0, 0, map[string]any{"user": user.ID, "email": user.Email,
			"old": map[string]any{"role": old}, "new": map[string]any{"role": u.Role}, "reason": "the provider's role claim"})
	})
	return user, wrap("sso user", err)
}
