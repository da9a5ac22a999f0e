package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// AuthService fakes pool.AuthService: each method calls its Fn field.
type AuthService struct {
	AuthenticateFn func(ctx context.Context, key string) (pool.Actor, error)
}

// Authenticate calls AuthenticateFn.
func (s *AuthService) Authenticate(ctx context.Context, key string) (pool.Actor, error) {
	return s.AuthenticateFn(ctx, key)
}

// TenantService fakes pool.TenantService: each method calls its Fn field.
type TenantService struct {
	TenantsByIDFn func(ctx context.Context, ids []int64) ([]*pool.Tenant, error)
}

// TenantsByID calls TenantsByIDFn.
func (s *TenantService) TenantsByID(ctx context.Context, ids []int64) ([]*pool.Tenant, error) {
	return s.TenantsByIDFn(ctx, ids)
}

// ProductService fakes pool.ProductService: each method calls its Fn field.
type ProductService struct {
	UpdateLimitsFn  func(ctx context.Context, l pool.Limits) (*pool.Product, error)
	ProductsFn      func(ctx context.Context, f pool.ProductFilter) (*pool.ProductPage, error)
	CountProductsFn func(ctx context.Context, f pool.ProductFilter) (int, error)
	ProductByCodeFn func(ctx context.Context, code string) (*pool.Product, error)
	ProductsByIDFn  func(ctx context.Context, ids []int64) ([]*pool.Product, error)
	CreateProductFn func(ctx context.Context, p pool.NewProduct) (*pool.Product, error)
}

// Products calls ProductsFn.
func (s *ProductService) Products(ctx context.Context, f pool.ProductFilter) (*pool.ProductPage, error) {
	return s.ProductsFn(ctx, f)
}

// CountProducts calls CountProductsFn.
func (s *ProductService) CountProducts(ctx context.Context, f pool.ProductFilter) (int, error) {
	return s.CountProductsFn(ctx, f)
}

// ProductByCode calls ProductByCodeFn.
func (s *ProductService) ProductByCode(ctx context.Context, code string) (*pool.Product, error) {
	return s.ProductByCodeFn(ctx, code)
}

// ProductsByID calls ProductsByIDFn.
func (s *ProductService) ProductsByID(ctx context.Context, ids []int64) ([]*pool.Product, error) {
	return s.ProductsByIDFn(ctx, ids)
}

// CreateProduct calls CreateProductFn.
func (s *ProductService) CreateProduct(ctx context.Context, p pool.NewProduct) (*pool.Product, error) {
	return s.CreateProductFn(ctx, p)
}

// PoolService fakes pool.PoolService: each method calls its Fn field.
type PoolService struct {
	SerialByValueFn func(ctx context.Context, productCode, value string) (*pool.Serial, error)
	CountsFn        func(ctx context.Context, productIDs []int64) ([]pool.Counts, error)
	SerialsFn       func(ctx context.Context, f pool.SerialFilter) ([]*pool.SerialPage, error)
}

// Counts calls CountsFn.
func (s *PoolService) Counts(ctx context.Context, productIDs []int64) ([]pool.Counts, error) {
	return s.CountsFn(ctx, productIDs)
}

// Serials calls SerialsFn.
func (s *PoolService) Serials(ctx context.Context, f pool.SerialFilter) ([]*pool.SerialPage, error) {
	return s.SerialsFn(ctx, f)
}

// UpdateLimits calls UpdateLimitsFn.
func (s *ProductService) UpdateLimits(ctx context.Context, l pool.Limits) (*pool.Product, error) {
	return s.UpdateLimitsFn(ctx, l)
}

// SerialByValue calls SerialByValueFn.
func (s *PoolService) SerialByValue(ctx context.Context, productCode, value string) (*pool.Serial, error) {
	return s.SerialByValueFn(ctx, productCode, value)
}
