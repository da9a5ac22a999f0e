package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// AuditService fakes pool.AuditService: each method calls its Fn field.
type AuditService struct {
	AuditLogFn func(ctx context.Context, f pool.AuditFilter) (*pool.AuditPage, error)
}

// AuditLog calls AuditLogFn.
func (s *AuditService) AuditLog(ctx context.Context, f pool.AuditFilter) (*pool.AuditPage, error) {
	return s.AuditLogFn(ctx, f)
}
