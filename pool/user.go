package pool

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// User is a person with an account in a tenant: what the audit trail names
// when they act, in the web app or with a key they own.
type User struct {
	ID          int64
	TenantID    int64
	Email       string
	Name        string
	Role        Role
	TOTPEnabled bool
	CreatedAt   time.Time
	DisabledAt  *time.Time // nil while the account works
}

// Person is how the audit trail names u: "Name <email>".
func (u *User) Person() string { return u.Name + " <" + u.Email + ">" }

// Actor is u acting in the web app, signed in.
func (u *User) Actor() Actor {
	return Actor{TenantID: u.TenantID, UserID: u.ID, Role: u.Role, Person: u.Person()}
}

// Actor is the session's person acting, through this session.
func (s *Session) Actor() Actor {
	a := s.User.Actor()
	a.Session = s.ID
	return a
}

// Session is a person's signed-in session of the web app.
type Session struct {
	ID         string // the hex SHA-256 of its id, as stored: names it without revealing it
	User       User
	TenantName string
	CreatedAt  time.Time
	// ByProvider: the person has no password (signed in with the tenant's
	// OpenID provider), so signs by signing in there again (ReauthWindow).
	ByProvider bool
}

// ReauthWindow is how long a re-authentication with the provider may be used
// for a signature, which takes it.
const ReauthWindow = 5 * time.Minute

// SessionPolicy is how long a session lasts: Idle without a request, Max in all.
type SessionPolicy struct {
	Idle, Max time.Duration
}

// DefaultSessionPolicy ends a session after 15 minutes without a request, and
// after 12 hours in any case.
var DefaultSessionPolicy = SessionPolicy{Idle: 15 * time.Minute, Max: 12 * time.Hour}

// Bounds of a user's particulars and password.
const (
	MaxUserName       = 200
	MaxEmail          = 254 // RFC 5321's longest path
	MinPasswordLength = 12
	// MaxPasswordLength bounds the work a sign-in makes argon2id do.
	MaxPasswordLength = 1024
)

// NewUser is a user to create: an admin's invitation, or `serialpool user create`.
type NewUser struct {
	TenantID int64
	Email    string
	Name     string
	Role     Role
}

// Validate checks u and tidies its e-mail and name (spaces trimmed).
func (u *NewUser) Validate() error {
	u.Name = strings.TrimSpace(u.Name)
	if u.Name == "" || utf8.RuneCountInString(u.Name) > MaxUserName || !utf8.ValidString(u.Name) {
		return Invalid("name", "a user's name is 1 to %d characters", MaxUserName)
	}
	email, err := NormalizeEmail(u.Email)
	if err != nil {
		return err
	}
	u.Email = email
	if !u.Role.Valid() {
		return Invalid("role", "role must be viewer, operator or admin")
	}
	return nil
}

// NormalizeEmail checks that s is one bare e-mail address (no display name)
// and returns it trimmed. Its case is kept; uniqueness and sign-in ignore it.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || len(s) > MaxEmail {
		return "", Invalid("email", "%q is not an e-mail address", s)
	}
	return s, nil
}

// ValidatePassword applies the password policy: at least MinPasswordLength
// characters, at most MaxPasswordLength bytes, and not the e-mail address
// (nor its local part) whatever the case.
func ValidatePassword(password, email string) error {
	if utf8.RuneCountInString(password) < MinPasswordLength {
		return Invalid("password", "a password has at least %d characters", MinPasswordLength)
	}
	if len(password) > MaxPasswordLength {
		return Invalid("password", "a password has at most %d bytes", MaxPasswordLength)
	}
	local, _, _ := strings.Cut(email, "@")
	if p := strings.ToLower(password); p == strings.ToLower(email) || p == strings.ToLower(local) {
		return Invalid("password", "a password must not be the e-mail address")
	}
	return nil
}

// Lockout is how many failed sign-ins (or password checks) an account may
// have within Window before it is locked for the rest of that window.
type Lockout struct {
	Failures int
	Window   time.Duration
}

// DefaultLockout locks an account after 5 failures within 15 minutes.
var DefaultLockout = Lockout{Failures: 5, Window: 15 * time.Minute}

// Credentials are what a person signs in with.
type Credentials struct {
	Email    string
	Password string
	TOTP     string // the current code, when the account has TOTP enabled
}

// UserUpdate changes a user; nil fields stay as they are.
type UserUpdate struct {
	Role     *Role
	Disabled *bool
}

// UserService manages a tenant's people. Every method acts in the caller's
// tenant.
type UserService interface {
	// Users lists the caller's tenant's users, disabled ones included, by
	// e-mail. Needs RoleAdmin.
	Users(ctx context.Context) ([]*User, error)
	// InviteUser creates a user without a password and returns a one-time
	// invitation token with which they set it. EINVALID for bad particulars,
	// ECONFLICT when the e-mail is taken (in any tenant). Needs RoleAdmin.
	InviteUser(ctx context.Context, u NewUser) (*User, string, error)
	// UpdateUser changes a user's role or disables (or re-enables) them; a
	// disabled user's sessions end at once. ENOTFOUND for a user of another
	// tenant; EINVALID for an admin disabling or demoting themselves (a tenant
	// is never left without the admin doing it). Needs RoleAdmin.
	UpdateUser(ctx context.Context, id int64, up UserUpdate) (*User, error)
	// VerifyPassword checks the signed-in person's password again, as an
	// electronic signature requires: EUNAUTHENTICATED when it is wrong (or the
	// caller is no person), EACCOUNTLOCKED when the account is locked. Wrong
	// passwords count towards the lockout as at sign-in.
	VerifyPassword(ctx context.Context, password string) (*User, error)
}
