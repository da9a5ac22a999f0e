package graph

import (
	"context"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *queryResolver) Viewer(ctx context.Context) (*model.Viewer, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	t, err := loadersFrom(ctx).tenants.Load(ctx, a.TenantID)
	if err != nil {
		return nil, err
	}
	return &model.Viewer{Tenant: t, Role: roleOf(a.Role)}, nil
}

func (r *tenantResolver) ID(ctx context.Context, obj *pool.Tenant) (string, error) {
	return globalID("Tenant", obj.ID), nil
}

func (r *Resolver) Mutation() MutationResolver { return &mutationResolver{r} }

func (r *Resolver) Query() QueryResolver { return &queryResolver{r} }

func (r *Resolver) Tenant() TenantResolver { return &tenantResolver{r} }

type (
	mutationResolver struct{ *Resolver }
	queryResolver    struct{ *Resolver }
	tenantResolver   struct{ *Resolver }
)
