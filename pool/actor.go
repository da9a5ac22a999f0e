package pool

import (
	"context"
	"strconv"
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

// Actor is the authenticated caller: an API key of a tenant.
type Actor struct {
	TenantID int64
	KeyID    int64
	Role     Role
	System   string // a system task acting for the tenant (e.g. "replenish"), instead of a key
}

// Name identifies the actor in the audit log: its key, or the system task.
func (a Actor) Name() string {
	if a.System != "" {
		return "system:" + a.System
	}
	return "key:" + strconv.FormatInt(a.KeyID, 10)
}

// Require returns EFORBIDDEN unless the actor's role includes min.
func (a Actor) Require(min Role) error {
	if roleRank[a.Role] < roleRank[min] {
		return Errorf(EFORBIDDEN, "this needs the %s role; the key has %s", min, a.Role)
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
		return Actor{}, Errorf(EUNAUTHENTICATED, "an API key is required: send Authorization: Bearer <key>")
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
