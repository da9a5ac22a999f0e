package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// UserService fakes pool.UserService: each method calls its Fn field.
type UserService struct {
	UsersFn          func(ctx context.Context) ([]*pool.User, error)
	InviteUserFn     func(ctx context.Context, u pool.NewUser) (*pool.User, string, error)
	UpdateUserFn     func(ctx context.Context, id int64, up pool.UserUpdate) (*pool.User, error)
	VerifyPasswordFn func(ctx context.Context, password string) (*pool.User, error)
}

var _ pool.UserService = (*UserService)(nil)

// Users calls UsersFn.
func (s *UserService) Users(ctx context.Context) ([]*pool.User, error) { return s.UsersFn(ctx) }

// InviteUser calls InviteUserFn.
func (s *UserService) InviteUser(ctx context.Context, u pool.NewUser) (*pool.User, string, error) {
	return s.InviteUserFn(ctx, u)
}

// UpdateUser calls UpdateUserFn.
func (s *UserService) UpdateUser(ctx context.Context, id int64, up pool.UserUpdate) (*pool.User, error) {
	return s.UpdateUserFn(ctx, id, up)
}

// VerifyPassword calls VerifyPasswordFn.
func (s *UserService) VerifyPassword(ctx context.Context, password string) (*pool.User, error) {
	return s.VerifyPasswordFn(ctx, password)
}
