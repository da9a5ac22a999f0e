package db

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/serialpool/serialpool/pool"
)

// Users, their passwords, TOTP and lockout. Sign-in, invitations and password
// checks read password hashes, which the request role cannot select: they run
// in systemTx as the connecting role, each confined to one user by its own
// WHERE. Everything an admin does to users runs in the tenant (tenantTx).

// userColumns are what a read of a user returns: never a hash or a secret.
const userColumns = `id, tenant_id, email, name, role, totp_enabled, created_at, disabled_at`

// invitationTTL is how long an invitation to set one's password stays valid.
const invitationTTL = 7 * 24 * time.Hour

// userInvitationPrefix marks invitations to set a password, as keyPrefix marks keys.
const userInvitationPrefix = "spu_"

// SetLockout sets how many failed sign-ins lock an account, and for how long
// (pool.DefaultLockout until set).
func (d *DB) SetLockout(l pool.Lockout) { d.lockout = l }

// CreateUser creates a user of any tenant: with password set, or, when
// password is "", with a one-time invitation token returned to set it with.
// An operator command: it runs as the connecting role, audited as the cli.
func (d *DB) CreateUser(ctx context.Context, u pool.NewUser, password string) (*pool.User, string, error) {
	if err := u.Validate(); err != nil {
		return nil, "", err
	}
	var hash *string
	if password != "" {
		if err := pool.ValidatePassword(password, u.Email); err != nil {
			return nil, "", err
		}
		h, err := pool.HashPassword(password)
		if err != nil {
			return nil, "", err
		}
		hash = &h
	}
	var user *pool.User
	var token string
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM tenants WHERE id = $1)`, u.TenantID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pool.Errorf(pool.ENOTFOUND, "tenant %d does not exist", u.TenantID)
		}
		var err error
		if user, err = insertUser(ctx, tx, pool.Actor{TenantID: u.TenantID, System: "cli"}, u, hash); err != nil || hash != nil {
			return err
		}
		token, err = inviteTx(ctx, tx, user)
		return err
	})
	return user, token, wrap("create user", err)
}

// insertUser inserts u (with its password hash, or none yet) and audits it as a.
func insertUser(ctx context.Context, tx pgx.Tx, a pool.Actor, u pool.NewUser, hash *string) (*pool.User, error) {
	rows, _ := tx.Query(ctx, `INSERT INTO users (tenant_id, email, name, role) VALUES ($1, $2, $3, $4) RETURNING `+userColumns,
		u.TenantID, u.Email, u.Name, string(u.Role))
	user, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByNameLax[pool.User])
	if pgCode(err) == uniqueViolation {
		return nil, &pool.Error{Code: pool.ECONFLICT, Field: "email", Message: "a user with this e-mail exists already"}
	}
	if err != nil {
		return nil, err
	}
	if hash != nil {
		// As the connecting role only: the request role cannot write a hash.
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, user.ID, *hash); err != nil {
			return nil, err
		}
	}
	return user, auditTx(ctx, tx, a, "user.create", 0, 0, map[string]any{"user": user.ID, "email": user.Email, "name": user.Name, "role": user.Role})
}

// inviteTx issues a one-time invitation for user; only its hash is stored.
func inviteTx(ctx context.Context, tx pgx.Tx, user *pool.User) (string, error) {
	token, err := newSecret(userInvitationPrefix)
	if err != nil {
		return "", err
	}
	_, err = tx.Exec(ctx, `INSERT INTO user_invitations (hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
		hashKey(token), user.ID, user.TenantID, invitationTTL.Seconds())
	return token, err
}

// Users implements pool.UserService.
func (d *DB) Users(ctx context.Context) ([]*pool.User, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var users []*pool.User
	err := d.inTenant(ctx, readTx, func(tx pgx.Tx, a pool.Actor) (err error) {
		users, err = listUsers(ctx, tx, a.TenantID)
		return err
	})
	return users, wrap("users", err)
}

// TenantUsers lists a tenant's users. An operator command: it runs as the
// connecting role. ENOTFOUND for an unknown tenant.
func (d *DB) TenantUsers(ctx context.Context, tenantID int64) ([]*pool.User, error) {
	var users []*pool.User
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM tenants WHERE id = $1)`, tenantID).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return pool.Errorf(pool.ENOTFOUND, "tenant %d does not exist", tenantID)
		}
		var err error
		users, err = listUsers(ctx, tx, tenantID)
		return err
	})
	return users, wrap("tenant users", err)
}

func listUsers(ctx context.Context, tx pgx.Tx, tenantID int64) ([]*pool.User, error) {
	rows, _ := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = $1 ORDER BY lower(email)`, tenantID)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByNameLax[pool.User])
}

// InviteUser implements pool.UserService.
func (d *DB) InviteUser(ctx context.Context, u pool.NewUser) (*pool.User, string, error) {
	a, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	u.TenantID = a.TenantID
	if err := u.Validate(); err != nil {
		return nil, "", err
	}
	var user *pool.User
	var token string
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) (err error) {
		if user, err = insertUser(ctx, tx, a, u, nil); err != nil {
			return err
		}
		token, err = inviteTx(ctx, tx, user)
		return err
	})
	return user, token, wrap("invite user", err)
}

// UpdateUser implements pool.UserService.
func (d *DB) UpdateUser(ctx context.Context, id int64, up pool.UserUpdate) (*pool.User, error) {
	a, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if up.Role != nil && !up.Role.Valid() {
		return nil, pool.Invalid("role", "role must be viewer, operator or admin")
	}
	if id == a.UserID && ((up.Role != nil && *up.Role != pool.RoleAdmin) || (up.Disabled != nil && *up.Disabled)) {
		return nil, pool.Invalid("id", "admins cannot demote or disable themselves; another admin can")
	}
	if up.Disabled != nil && *up.Disabled {
		if ctx, err = d.sign(ctx); err != nil {
			return nil, err
		}
	}
	var user *pool.User
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		var role *string
		if up.Role != nil {
			r := string(*up.Role)
			role = &r
		}
		rows, _ := tx.Query(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`, id, a.TenantID)
		before, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByNameLax[pool.User])
		if errors.Is(err, pgx.ErrNoRows) {
			return &pool.Error{Code: pool.ENOTFOUND, Field: "id", Message: "no such user"}
		}
		if err != nil {
			return err
		}
		rows, _ = tx.Query(ctx, `UPDATE users SET role = coalesce($3::key_role, role),
				disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN coalesce(disabled_at, now()) END
			WHERE id = $1 AND tenant_id = $2 RETURNING `+userColumns, id, a.TenantID, role, up.Disabled)
		if user, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByNameLax[pool.User]); err != nil {
			return err
		}
		if user.DisabledAt != nil {
			if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, user.ID); err != nil {
				return err
			}
		}
		c := changes{}
		c.field("role", before.Role, user.Role)
		c.field("disabledAt", before.DisabledAt, user.DisabledAt)
		return auditTx(ctx, tx, a, "user.update", 0, 0, map[string]any{"user": user.ID, "email": user.Email, "role": user.Role, "disabled": user.DisabledAt != nil,
			"changes": c})
	})
	return user, wrap("update user", err)
}

// DisableUser disables the user with the e-mail, of any tenant, and ends their
// sessions. An operator command: it runs as the connecting role, audited as
// the cli. ENOTFOUND for an unknown e-mail.
func (d *DB) DisableUser(ctx context.Context, email string) (*pool.User, error) {
	var user *pool.User
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `UPDATE users SET disabled_at = coalesce(disabled_at, now()) WHERE lower(email) = lower($1) RETURNING `+userColumns, email)
		var err error
		user, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByNameLax[pool.User])
		if errors.Is(err, pgx.ErrNoRows) {
			return &pool.Error{Code: pool.ENOTFOUND, Field: "email", Message: "no user has this e-mail"}
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, user.ID); err != nil {
			return err
		}
		return auditTx(ctx, tx, pool.Actor{TenantID: user.TenantID, System: "cli"}, "user.update", 0, 0,
			map[string]any{"user": user.ID, "email": user.Email, "role": user.Role, "disabled": true})
	})
	return user, wrap("disable user", err)
}

// errSignIn is the one answer for an unknown e-mail, a wrong password or code,
// and a disabled account, so that no one learns which e-mails have accounts.
var errSignIn = pool.Errorf(pool.EUNAUTHENTICATED, "wrong e-mail, password or code")

// secretUser is a user with what only the connecting role reads.
type secretUser struct {
	pool.User
	PasswordHash  *string
	TOTPSecret    *string
	TOTPLastStep  *int64
	Locked        bool
	FailuresSince *time.Time
}

// Login implements sign-in: the user with c's e-mail, when c's password (and
// TOTP code, once enrolled) are right. It runs in systemTx, as the connecting
// role, because a person signs in by e-mail before any tenant is known (and
// the request role cannot read password hashes). errSignIn alike for an
// unknown e-mail, a wrong password or code and a disabled account, in about
// the same time; ETOTPREQUIRED when only the code is missing; EACCOUNTLOCKED
// after the lockout's failures, whatever the password.
func (d *DB) Login(ctx context.Context, c pool.Credentials) (*pool.User, error) {
	if len(c.Password) > pool.MaxPasswordLength || len(c.Email) > pool.MaxEmail {
		return nil, errSignIn
	}
	return d.checkPassword(ctx, c.Password, &c.TOTP, `lower(email) = lower($3)`, c.Email)
}

// VerifyPassword implements pool.UserService.
func (d *DB) VerifyPassword(ctx context.Context, password string) (*pool.User, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	if a.UserID == 0 || len(password) > pool.MaxPasswordLength {
		return nil, errSignIn
	}
	// The user of the caller's tenant only; their TOTP secret is not asked for again.
	return d.checkPassword(ctx, password, nil, `id = $3 AND tenant_id = $4`, a.UserID, a.TenantID)
}

// checkPassword finds the one user matching where (its arguments from $3 on), locks it
// against concurrent checks (so that the failure count is exact), and checks
// password and, unless code is nil, the TOTP code. A failure is counted and
// committed although the check fails; the failure that locks the account is
// audited.
func (d *DB) checkPassword(ctx context.Context, password string, code *string, where string, args ...any) (*pool.User, error) {
	lockout := d.lockout
	if lockout.Failures == 0 {
		lockout = pool.DefaultLockout
	}
	var user *pool.User
	var outcome error
	var step *int64 // the time step of the TOTP code accepted
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+userColumns+`, password_hash, totp_secret, totp_last_step, failures_since,
				failures >= $1 AND failures_since > now() - make_interval(secs => $2) AS locked
			FROM users WHERE `+where+` FOR UPDATE`, append([]any{lockout.Failures, lockout.Window.Seconds()}, args...)...)
		u, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByNameLax[secretUser])
		if errors.Is(err, pgx.ErrNoRows) {
			pool.CheckNoPassword(password)
			outcome = errSignIn
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case u.Locked:
			pool.CheckNoPassword(password)
			outcome = pool.Errorf(pool.EACCOUNTLOCKED, "too many failed sign-ins: the account is locked until %s",
				u.FailuresSince.Add(lockout.Window).UTC().Format(time.RFC3339))
			return nil
		case u.DisabledAt != nil || u.PasswordHash == nil:
			pool.CheckNoPassword(password)
			outcome = errSignIn
			return nil
		case !pool.CheckPassword(*u.PasswordHash, password):
			outcome = errSignIn
		case code != nil && u.TOTPEnabled && *code == "":
			outcome = pool.Errorf(pool.ETOTPREQUIRED, "enter the code of your authenticator app")
			return nil
		case code != nil && u.TOTPEnabled && !freshTOTP(*code, *u.TOTPSecret, u.TOTPLastStep, &step):
			outcome = errSignIn
		default:
			user = &u.User
			_, err := tx.Exec(ctx, `UPDATE users SET failures = 0, failures_since = NULL, totp_last_step = coalesce($2::bigint, totp_last_step)
				WHERE id = $1 AND (failures > 0 OR $2::bigint IS NOT NULL)`, u.ID, step)
			return err
		}
		var failures int
		if err := tx.QueryRow(ctx, `UPDATE users SET
				failures = CASE WHEN failures_since > now() - make_interval(secs => $2) THEN failures + 1 ELSE 1 END,
				failures_since = CASE WHEN failures_since > now() - make_interval(secs => $2) THEN failures_since ELSE now() END
			WHERE id = $1 RETURNING failures`, u.ID, lockout.Window.Seconds()).Scan(&failures); err != nil {
			return err
		}
		if failures == lockout.Failures {
			return auditTx(ctx, tx, pool.Actor{TenantID: u.TenantID, System: "lockout"}, "user.lock", 0, 0,
				map[string]any{"user": u.ID, "email": u.Email, "failures": failures})
		}
		return nil
	})
	if err != nil {
		return nil, wrap("check password", err)
	}
	return user, outcome
}

// totpStep returns the time step (RFC 6238: SHA-1, 6 digits, 30 s) whose code
// is code, trying the steps just before and after as well (skew 1) for clocks
// a little apart; false when none matches.
func totpStep(code, secret string) (int64, bool) {
	now := time.Now()
	for _, skew := range []time.Duration{0, -30 * time.Second, 30 * time.Second} {
		t := now.Add(skew)
		want, err := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{
			Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / 30, true
		}
	}
	return 0, false
}

// freshTOTP checks code against secret and, so that a code seen once cannot be
// used again, against the step of the last code accepted; it sets *step to the
// code's step.
func freshTOTP(code, secret string, last *int64, step **int64) bool {
	s, ok := totpStep(code, secret)
	if !ok || (last != nil && s <= *last) {
		return false
	}
	*step = &s
	return true
}

// AcceptInvitation sets the password of the invited user, once: ENOTFOUND
// alike for an unknown, expired or used token. It runs in systemTx: the
// invited person has no session, so no tenant is known until the token names it.
func (d *DB) AcceptInvitation(ctx context.Context, token, password string) (*pool.User, error) {
	var user *pool.User
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `UPDATE user_invitations i SET used_at = now() FROM users u
			WHERE i.hash = $1 AND i.used_at IS NULL AND i.expires_at > now() AND u.id = i.user_id AND u.disabled_at IS NULL
			RETURNING u.id, u.tenant_id, u.email, u.name, u.role, u.totp_enabled, u.created_at, u.disabled_at`, hashKey(token))
		var err error
		user, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByNameLax[pool.User])
		if errors.Is(err, pgx.ErrNoRows) {
			return &pool.Error{Code: pool.ENOTFOUND, Field: "token", Message: "this invitation is unknown, expired or used"}
		}
		if err != nil {
			return err
		}
		if err := pool.ValidatePassword(password, user.Email); err != nil {
			return err
		}
		hash, err := pool.HashPassword(password)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, user.ID, hash); err != nil {
			return err
		}
		return auditTx(ctx, tx, user.Actor(), "user.password", 0, 0,
			map[string]any{"user": user.ID, "invitation": true})
	})
	return user, wrap("accept invitation", err)
}

// EnrolTOTP starts the signed-in person's TOTP enrolment: a new secret, as an
// otpauth:// URL for an authenticator app; sign-in asks for codes only once
// ConfirmTOTP has seen one. Enrolling again replaces an unconfirmed secret;
// ECONFLICT once TOTP is enabled.
func (d *DB) EnrolTOTP(ctx context.Context) (string, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return "", err
	}
	if a.UserID == 0 {
		return "", pool.Errorf(pool.EFORBIDDEN, "only a person signed in enrols an authenticator")
	}
	var url string
	err = d.systemTx(ctx, func(tx pgx.Tx) error {
		var email string
		var enabled bool
		if err := tx.QueryRow(ctx, `SELECT email, totp_enabled FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
			a.UserID, a.TenantID).Scan(&email, &enabled); err != nil {
			return err
		}
		if enabled {
			return pool.Errorf(pool.ECONFLICT, "TOTP is enabled already")
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: "serialpool", AccountName: email})
		if err != nil {
			return err
		}
		url = key.URL()
		_, err = tx.Exec(ctx, `UPDATE users SET totp_secret = $2 WHERE id = $1`, a.UserID, key.Secret())
		return err
	})
	return url, wrap("enrol totp", err)
}

// ConfirmTOTP enables TOTP for the signed-in person once code matches the
// enrolled secret: EINVALID (field code) when it does not, ECONFLICT without
// an enrolment or when enabled already.
func (d *DB) ConfirmTOTP(ctx context.Context, code string) error {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return err
	}
	if a.UserID == 0 {
		return pool.Errorf(pool.EFORBIDDEN, "only a person signed in enrols an authenticator")
	}
	err = d.systemTx(ctx, func(tx pgx.Tx) error {
		var secret *string
		var enabled bool
		if err := tx.QueryRow(ctx, `SELECT totp_secret, totp_enabled FROM users WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
			a.UserID, a.TenantID).Scan(&secret, &enabled); err != nil {
			return err
		}
		if enabled || secret == nil {
			return pool.Errorf(pool.ECONFLICT, "no TOTP enrolment to confirm")
		}
		step, ok := totpStep(code, *secret)
		if !ok {
			return pool.Invalid("code", "the code does not match; check the authenticator's clock")
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET totp_enabled = true, totp_last_step = $2 WHERE id = $1`, a.UserID, step); err != nil {
			return err
		}
		return auditTx(ctx, tx, a, "user.totp", 0, 0, map[string]any{"user": a.UserID, "enabled": true})
	})
	return wrap("confirm totp", err)
}
