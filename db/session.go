package db

import (
	"context"
	"encoding/hex"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// Sessions of the web app. A cookie names its tenant only once looked up, so
// starting and reading sessions runs as the connecting role (systemTx), each
// statement confined to one session or user by its own WHERE; ending all of a
// person's sessions runs in their tenant.

// sessionPrefix marks session ids, as keyPrefix marks keys.
const sessionPrefix = "sps_"

// SetSessionPolicy sets how long sessions last (pool.DefaultSessionPolicy until set).
func (d *DB) SetSessionPolicy(p pool.SessionPolicy) { d.sessions = p }

func (d *DB) sessionPolicy() pool.SessionPolicy {
	if d.sessions.Idle == 0 {
		return pool.DefaultSessionPolicy
	}
	return d.sessions
}

// CreateSession starts a session for u and returns its id, of which only the
// SHA-256 is stored. The user's expired sessions are dropped on the way.
func (d *DB) CreateSession(ctx context.Context, u *pool.User) (string, error) {
	token, err := newSecret(sessionPrefix)
	if err != nil {
		return "", err
	}
	p := d.sessionPolicy()
	err = d.systemTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND (created_at <= now() - make_interval(secs => $2)
			OR last_seen_at <= now() - make_interval(secs => $3))`, u.ID, p.Max.Seconds(), p.Idle.Seconds()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (hash, user_id, tenant_id) SELECT $1, id, tenant_id FROM users WHERE id = $2`, hashKey(token), u.ID)
		return err
	})
	return token, wrap("create session", err)
}

// Session returns the session with the id token, EUNAUTHENTICATED when it is
// unknown, ended, idle or older than the policy allows, or its user disabled.
// touch records the request as activity (at most every so often, not on every
// request), extending the idle timeout; an open WebSocket's rechecks do not.
func (d *DB) Session(ctx context.Context, token string, touch bool) (*pool.Session, error) {
	p := d.sessionPolicy()
	// Activity is recorded to a 15th of the idle timeout (and a minute at most).
	resolution := min(p.Idle/15, time.Minute)
	if !touch {
		resolution = p.Max
	}
	var s *pool.Session
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		var row struct {
			pool.User
			TenantName string
			CreatedAt  time.Time
			ByProvider bool
		}
		rows, _ := tx.Query(ctx, `WITH s AS (SELECT s.hash, s.created_at AS session_created, s.last_seen_at, u.*, t.name AS tenant_name
				FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = s.tenant_id
				WHERE s.hash = $1 AND u.disabled_at IS NULL AND s.tenant_id = u.tenant_id
				  AND s.created_at > now() - make_interval(secs => $2) AND s.last_seen_at > now() - make_interval(secs => $3)),
			touched AS (UPDATE sessions SET last_seen_at = now() FROM s
				WHERE sessions.hash = s.hash AND s.last_seen_at <= now() - make_interval(secs => $4))
			SELECT id, tenant_id, email, name, role, totp_enabled, created_at, disabled_at, tenant_name, session_created,
				password_hash IS NULL FROM s`,
			hashKey(token), p.Max.Seconds(), p.Idle.Seconds(), resolution.Seconds())
		var err error
		row.User, err = pgx.CollectExactlyOneRow(rows, func(r pgx.CollectableRow) (pool.User, error) {
			var u pool.User
			err := r.Scan(&u.ID, &u.TenantID, &u.Email, &u.Name, &u.Role, &u.TOTPEnabled, &u.CreatedAt, &u.DisabledAt, &row.TenantName, &row.CreatedAt, &row.ByProvider)
			return u, err
		})
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoSession
		}
		if err != nil {
			return err
		}
		s = &pool.Session{ID: hex.EncodeToString(hashKey(token)), User: row.User, TenantName: row.TenantName, CreatedAt: row.CreatedAt, ByProvider: row.ByProvider}
		return nil
	})
	return s, wrap("session", err)
}

var errNoSession = pool.Errorf(pool.EUNAUTHENTICATED, "your session has ended: sign in again")

// EndSession ends the session with the id token (signing out); ending one
// that is not there does nothing.
func (d *DB) EndSession(ctx context.Context, token string) error {
	return wrap("end session", d.systemTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hashKey(token))
		return err
	}))
}

// EndUserSessions ends every session of the signed-in person (signing out
// everywhere) and returns how many there were.
func (d *DB) EndUserSessions(ctx context.Context) (int64, error) {
	var n int64
	err := d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		if a.UserID == 0 {
			return pool.Errorf(pool.EFORBIDDEN, "an API key has no sessions")
		}
		tag, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1 AND tenant_id = $2`, a.UserID, a.TenantID)
		n = tag.RowsAffected()
		return err
	})
	return n, wrap("end sessions", err)
}

// Reauthenticated records that the person of the session with id hash
// session (Session.ID) signed in again at the provider, as user: for one
// signature within pool.ReauthWindow. EFORBIDDEN when user is not the
// session's person.
func (d *DB) Reauthenticated(ctx context.Context, session string, user *pool.User) error {
	hash, err := hex.DecodeString(session)
	if err != nil {
		return pool.Errorf(pool.EFORBIDDEN, "no such session")
	}
	err = d.systemTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE sessions SET reauth_at = now() WHERE hash = $1 AND user_id = $2`, hash, user.ID)
		if err == nil && tag.RowsAffected() != 1 {
			return pool.Errorf(pool.EFORBIDDEN, "you signed in at the provider as another person than the one signed in here")
		}
		return err
	})
	return wrap("reauthenticated", err)
}

// takeReauthentication takes the session's re-authentication for a
// signature: the signer's name and e-mail, or ok false when the session has
// none within pool.ReauthWindow.
func (d *DB) takeReauthentication(ctx context.Context, a pool.Actor) (name, email string, ok bool, err error) {
	hash, err := hex.DecodeString(a.Session)
	if err != nil || a.Session == "" {
		return "", "", false, nil
	}
	err = d.systemTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE sessions s SET reauth_at = NULL FROM users u
			WHERE s.hash = $1 AND s.user_id = $2 AND s.tenant_id = $3 AND u.id = s.user_id
			  AND s.reauth_at > now() - make_interval(secs => $4)
			RETURNING u.name, u.email`, hash, a.UserID, a.TenantID, pool.ReauthWindow.Seconds()).Scan(&name, &email)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		ok = err == nil
		return err
	})
	return name, email, ok, wrap("take reauthentication", err)
}
