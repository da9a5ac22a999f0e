// Package graph is the GraphQL transport: gqlgen's generated executor
// (generated.go, never edited) and thin resolvers that call the pool services.
package graph

//go:generate go tool gqlgen generate

import "github.com/serialpool/serialpool/pool"

// Services are what the resolvers call; package db implements them all.
type Services interface {
	pool.TenantService
	pool.ProductService
	pool.PoolService
	pool.IntakeService
	pool.RequestService
	pool.PartnerService
	pool.PackEventService
	pool.PackEventListService
	pool.SSCCService
	pool.StatsService
	pool.AuditService
	pool.KeyService
	pool.UserService
	pool.SSOService
}

// Resolver is the root resolver; it holds the services.
type Resolver struct {
	svc  Services
	live *live
}
