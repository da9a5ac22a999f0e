package pool

import (
	"context"
	"strconv"
	"strings"
)

// Role is what an API key may do. Each role includes the ones before it.
type Role string

const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
	RoleAdmin    Role = "admin"
)

var roleRank = map[Role]int{RoleViewer: 1, RoleOperator: 2, RoleAdmin: 3}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return roleRank[r] > 0 }

// Actor is the authenticated caller: a person signed in to the web app, or an
// API key of a tenant (owned by a person or a named service account).
type Actor struct {
	TenantID int64
	KeyID    int64  // the API key; 0 for a person's session
	UserID   int64  // the person signed in, or owning the key; 0 for a service account's key
	Session  string // the session the person signed in acts through (Session.ID); "" for a key
	Person   string // the user's "Name <email>", with UserID
	Service  string // the service account owning the key ("SAP ATTP"), without UserID
	Role     Role
	System   string // a system task acting for the tenant (e.g. "replenish"), instead of a key
	Client   string // the program using the key, as it names itself (a line's SOAP user name); may be ""
}

// Name identifies the actor in the audit log: the person (and the key they
// used, if any), or the service account with its key, or the key alone when it
// has no owner; with the client that used it, if it said; or the system task.
func (a Actor) Name() string {
	if a.System != "" {
		return "system:" + a.System
	}
	var name string
	key := "key:" + strconv.FormatInt(a.KeyID, 10)
	switch {
	case a.KeyID == 0:
		name = a.Person
	case a.Person != "":
		name = a.Person + " (" + key + ")"
	case a.Service != "":
		name = a.Service + " (service account, " + key + ")"
	default:
		name = key
	}
	if a.Client != "" {
		name += " (" + a.Client + ")"
	}
	return name
}

// Credential is what authenticated an actor: its API key, or for a person's
// session the person. Rate limits and socket limits count per credential.
type Credential struct{ Key, User int64 }

// Credential returns the actor's credential.
func (a Actor) Credential() Credential {
	if a.KeyID != 0 {
		return Credential{Key: a.KeyID}
	}
	return Credential{User: a.UserID}
}

// MaxClientName bounds the name a client gives itself.
const MaxClientName = 100

// WithClient records which program acts with the caller's key, e.g. the user
// name a packaging line sends with it; it is cut to MaxClientName characters.
func WithClient(ctx context.Context, name string) context.Context {
	a, err := ActorFrom(ctx)
	if err != nil || name == "" {
		return ctx
	}
	name = strings.ToValidUTF8(name, "?")
	if r := []rune(name); len(r) > MaxClientName {
		name = string(r[:MaxClientName])
	}
	a.Client = name
	return WithActor(ctx, a)
}

// Require returns EFORBIDDEN unless the actor's role includes min.
func (a Actor) Require(min Role) error {
	if roleRank[a.Role] < roleRank[min] {
		return Errorf(EFORBIDDEN, "this needs the %s role; you have %s", min, a.Role)
	}
	return nil
}

type actorKey struct{}

// WithActor returns a context carrying the authenticated caller.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the caller, or EUNAUTHENTICATED when there is none.
func ActorFrom(ctx context.Context) (Actor, error) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	if !ok || a.TenantID == 0 {
		return Actor{}, Errorf(EUNAUTHENTICATED, "sign in, or send an API key: Authorization: Bearer <key>")
	}
	return a, nil
}

// ActorWithRole returns the caller when its role includes min: else
// EUNAUTHENTICATED without a caller, EFORBIDDEN with too small a role.
func ActorWithRole(ctx context.Context, min Role) (Actor, error) {
	a, err := ActorFrom(ctx)
	if err != nil {
		return a, err
	}
	return a, a.Require(min)
}

type staleKey struct{}

// AllowStale marks a context whose reads may come from a read replica, a
// moment behind the primary: BI aggregates, the audit trail, exports of what
// another tenant assigned, read-only GraphQL operations. A caller that must
// read its own writes (a request's serials right after it, an intake's
// progress) leaves its context unmarked and reads the primary.
func AllowStale(ctx context.Context) context.Context {
	return context.WithValue(ctx, staleKey{}, true)
}

// StaleAllowed reports whether AllowStale marked ctx.
func StaleAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(staleKey{}).(bool)
	return ok
}
