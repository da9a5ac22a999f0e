package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// SSCCService fakes pool.SSCCService: each method calls its Fn field.
type SSCCService struct {
	CreateSSCCPoolFn        func(ctx context.Context, companyPrefix string, extension int) (*pool.Product, error)
	SSCCPoolsFn             func(ctx context.Context) ([]*pool.Product, error)
	SSCCPoolFn              func(ctx context.Context, code string) (*pool.Product, error)
	ContainerFn             func(ctx context.Context, sscc string) (*pool.Serial, error)
	ContainerContentsFn     func(ctx context.Context, sscc string, afterID int64, limit int) (*pool.SerialPage, error)
	DecommissionContainerFn func(ctx context.Context, in pool.ContainerDecommission) (*pool.PackEventsResult, error)
}

// Container calls ContainerFn.
func (s *SSCCService) Container(ctx context.Context, sscc string) (*pool.Serial, error) {
	return s.ContainerFn(ctx, sscc)
}

// ContainerContents calls ContainerContentsFn.
func (s *SSCCService) ContainerContents(ctx context.Context, sscc string, afterID int64, limit int) (*pool.SerialPage, error) {
	return s.ContainerContentsFn(ctx, sscc, afterID, limit)
}

// DecommissionContainer calls DecommissionContainerFn.
func (s *SSCCService) DecommissionContainer(ctx context.Context, in pool.ContainerDecommission) (*pool.PackEventsResult, error) {
	return s.DecommissionContainerFn(ctx, in)
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
