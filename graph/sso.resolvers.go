package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) UpdateSsoConfig(ctx context.Context, input model.SsoConfigInput) (*pool.SSOConfig, error) {
	roles := make(map[string]pool.Role, len(input.RoleValues))
	for _, v := range input.RoleValues {
		if _, twice := roles[v.Value]; twice {
			return nil, pool.Invalid("roleValues", "the claim value %q is mapped twice", v.Value)
		}
		roles[v.Value] = pool.Role(strings.ToLower(string(v.Role)))
	}
	return r.svc.UpdateSSOConfig(ctx, pool.SSOUpdate{Name: input.Name, IssuerURL: input.IssuerURL, ClientID: input.ClientID,
		ClientSecret: input.ClientSecret, RoleClaim: input.RoleClaim, RoleValues: roles, EmailDomain: deref(input.EmailDomain)})
}

func (r *mutationResolver) DeleteSsoConfig(ctx context.Context) (bool, error) {
	return true, r.svc.DeleteSSOConfig(ctx)
}

func (r *queryResolver) SsoConfig(ctx context.Context) (*pool.SSOConfig, error) {
	return r.svc.SSOConfig(ctx)
}

func (r *ssoConfigResolver) RoleValues(ctx context.Context, obj *pool.SSOConfig) ([]*model.SsoRoleValue, error) {
	out := make([]*model.SsoRoleValue, 0, len(obj.RoleValues))
	for v, role := range obj.RoleValues {
		out = append(out, &model.SsoRoleValue{Value: v, Role: roleOf(role)})
	}
	slices.SortFunc(out, func(a, b *model.SsoRoleValue) int { return strings.Compare(a.Value, b.Value) })
	return out, nil
}

func (r *ssoConfigResolver) EmailDomain(ctx context.Context, obj *pool.SSOConfig) (*string, error) {
	if obj.EmailDomain == "" {
		return nil, nil
	}
	return &obj.EmailDomain, nil
}

func (r *Resolver) SsoConfig() SsoConfigResolver { return &ssoConfigResolver{r} }

type ssoConfigResolver struct{ *Resolver }
