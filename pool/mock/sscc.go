package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// SSCCService fakes pool.SSCCService: each method calls its Fn field.
type SSCCService struct {
	CreateSSCCPoolFn func(ctx context.Context, companyPrefix string, extension int) (*pool.Product, error)
	SSCCPoolsFn      func(ctx context.Context) ([]*pool.Product, error)
	SSCCPoolFn       func(ctx context.Context, code string) (*pool.Product, error)
}

// CreateSSCCPool calls CreateSSCCPoolFn.
func (s *SSCCService) CreateSSCCPool(ctx context.Context, companyPrefix string, extension int) (*pool.Product, error) {
	return s.CreateSSCCPoolFn(ctx, companyPrefix, extension)
}

// SSCCPools calls SSCCPoolsFn.
func (s *SSCCService) SSCCPools(ctx context.Context) ([]*pool.Product, error) {
	return s.SSCCPoolsFn(ctx)
}

// SSCCPool calls SSCCPoolFn.
func (s *SSCCService) SSCCPool(ctx context.Context, code string) (*pool.Product, error) {
	return s.SSCCPoolFn(ctx, code)
}
