package graph

import (
	"context"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) InviteUser(ctx context.Context, input model.InviteUserInput) (*model.InviteUserPayload, error) {
	u, invitation, err := r.svc.InviteUser(ctx, pool.NewUser{Email: input.Email, Name: input.Name, Role: poolRole(input.Role)})
	if err != nil {
		return nil, err
	}
	return &model.InviteUserPayload{User: u, Invitation: invitation}, nil
}

func (r *mutationResolver) UpdateUser(ctx context.Context, input model.UpdateUserInput, signature *pool.SignatureInput) (*pool.User, error) {
	ctx = signed(ctx, signature)
	id, err := ParseUserID(input.ID)
	if err != nil {
		return nil, err
	}
	up := pool.UserUpdate{Disabled: input.Disabled}
	if input.Role != nil {
		role := poolRole(*input.Role)
		up.Role = &role
	}
	return r.svc.UpdateUser(ctx, id, up)
}

func (r *queryResolver) Users(ctx context.Context) ([]*pool.User, error) {
	return r.svc.Users(ctx)
}

func (r *userResolver) ID(ctx context.Context, obj *pool.User) (string, error) {
	return UserID(obj.ID), nil
}

func (r *userResolver) Role(ctx context.Context, obj *pool.User) (model.Role, error) {
	return roleOf(obj.Role), nil
}

func (r *Resolver) User() UserResolver { return &userResolver{r} }

type userResolver struct{ *Resolver }
