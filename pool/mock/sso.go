package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// SSOService fakes pool.SSOService: each method calls its Fn field.
type SSOService struct {
	SSOConfigFn       func(ctx context.Context) (*pool.SSOConfig, error)
	UpdateSSOConfigFn func(ctx context.Context, u pool.SSOUpdate) (*pool.SSOConfig, error)
	DeleteSSOConfigFn func(ctx context.Context) error
}

// SSOConfig calls SSOConfigFn.
func (s *SSOService) SSOConfig(ctx context.Context) (*pool.SSOConfig, error) {
	return s.SSOConfigFn(ctx)
}

// UpdateSSOConfig calls UpdateSSOConfigFn.
func (s *SSOService) UpdateSSOConfig(ctx context.Context, u pool.SSOUpdate) (*pool.SSOConfig, error) {
	return s.UpdateSSOConfigFn(ctx, u)
}

// DeleteSSOConfig calls DeleteSSOConfigFn.
func (s *SSOService) DeleteSSOConfig(ctx context.Context) error { return s.DeleteSSOConfigFn(ctx) }
