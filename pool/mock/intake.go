package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// IntakeService fakes pool.IntakeService: each method calls its Fn field.
type IntakeService struct {
	ReceiveFn               func(ctx context.Context, in pool.Intake) (*pool.IntakeResult, error)
	GenerateFn              func(ctx context.Context, g pool.Generation) (*pool.IntakeResult, error)
	IntakeProgressFn        func(ctx context.Context, idempotencyKey string) (running bool, rows int64, res *pool.IntakeResult, err error)
	CreateChannelFn         func(ctx context.Context, c pool.NewChannel) (*pool.Channel, string, error)
	ChannelByKeyFn          func(ctx context.Context, key string) (*pool.Channel, error)
	ChannelsFn              func(ctx context.Context) ([]*pool.Channel, error)
	RotateChannelKeyFn      func(ctx context.Context, id int64) (*pool.Channel, string, error)
	RevokeChannelFn         func(ctx context.Context, id int64) (*pool.Channel, error)
	UpdateChannelUpstreamFn func(ctx context.Context, id int64, u pool.Upstream) (*pool.Channel, error)
}

// Receive calls ReceiveFn.
func (s *IntakeService) Receive(ctx context.Context, in pool.Intake) (*pool.IntakeResult, error) {
	return s.ReceiveFn(ctx, in)
}

// Generate calls GenerateFn.
func (s *IntakeService) Generate(ctx context.Context, g pool.Generation) (*pool.IntakeResult, error) {
	return s.GenerateFn(ctx, g)
}

// IntakeProgress calls IntakeProgressFn.
func (s *IntakeService) IntakeProgress(ctx context.Context, idempotencyKey string) (running bool, rows int64, res *pool.IntakeResult, err error) {
	return s.IntakeProgressFn(ctx, idempotencyKey)
}

// CreateChannel calls CreateChannelFn.
func (s *IntakeService) CreateChannel(ctx context.Context, c pool.NewChannel) (*pool.Channel, string, error) {
	return s.CreateChannelFn(ctx, c)
}

// ChannelByKey calls ChannelByKeyFn.
func (s *IntakeService) ChannelByKey(ctx context.Context, key string) (*pool.Channel, error) {
	return s.ChannelByKeyFn(ctx, key)
}

// Channels calls ChannelsFn.
func (s *IntakeService) Channels(ctx context.Context) ([]*pool.Channel, error) {
	return s.ChannelsFn(ctx)
}

// RotateChannelKey calls RotateChannelKeyFn.
func (s *IntakeService) RotateChannelKey(ctx context.Context, id int64) (*pool.Channel, string, error) {
	return s.RotateChannelKeyFn(ctx, id)
}

// RevokeChannel calls RevokeChannelFn.
func (s *IntakeService) RevokeChannel(ctx context.Context, id int64) (*pool.Channel, error) {
	return s.RevokeChannelFn(ctx, id)
}

// UpdateChannelUpstream calls UpdateChannelUpstreamFn.
func (s *IntakeService) UpdateChannelUpstream(ctx context.Context, id int64, u pool.Upstream) (*pool.Channel, error) {
	return s.UpdateChannelUpstreamFn(ctx, id, u)
}
