// Package mock fakes the pool services for the transports' fast tests (no
// PostgreSQL), as benbjohnson/wtf's mock package does: a struct per service
// interface whose methods call function fields, set by each test to what it
// expects. A method whose field is unset panics, so a call the test did not
// expect fails it.
package mock

import "github.com/serialpool/serialpool/pool"

// Services fakes every service at once (what graph.Services and rest.Services
// ask for); tests set the fields they expect calls of, e.g. ProductByCodeFn.
type Services struct {
	AuthService
	TenantService
	ProductService
	PoolService
	IntakeService
	RequestService
	PartnerService
	PackEventService
	PackEventListService
	SSCCService
	StatsService
	AuditService
	KeyService
	UserService
	SSOService
}

var (
	_ pool.AuthService          = (*AuthService)(nil)
	_ pool.TenantService        = (*TenantService)(nil)
	_ pool.ProductService       = (*ProductService)(nil)
	_ pool.PoolService          = (*PoolService)(nil)
	_ pool.IntakeService        = (*IntakeService)(nil)
	_ pool.RequestService       = (*RequestService)(nil)
	_ pool.PartnerService       = (*PartnerService)(nil)
	_ pool.PackEventService     = (*PackEventService)(nil)
	_ pool.PackEventListService = (*PackEventListService)(nil)
	_ pool.SSCCService          = (*SSCCService)(nil)
	_ pool.StatsService         = (*StatsService)(nil)
	_ pool.AuditService         = (*AuditService)(nil)
	_ pool.KeyService           = (*KeyService)(nil)
	_ pool.SSOService           = (*SSOService)(nil)
)
