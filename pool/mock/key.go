package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// KeyService fakes pool.KeyService: each method calls its Fn field.
type KeyService struct {
	APIKeysFn      func(ctx context.Context) ([]*pool.APIKey, error)
	RevokeAPIKeyFn func(ctx context.Context, id int64) (*pool.APIKey, error)
}

// APIKeys calls APIKeysFn.
func (s *KeyService) APIKeys(ctx context.Context) ([]*pool.APIKey, error) {
	return s.APIKeysFn(ctx)
}

// RevokeAPIKey calls RevokeAPIKeyFn.
func (s *KeyService) RevokeAPIKey(ctx context.Context, id int64) (*pool.APIKey, error) {
	return s.RevokeAPIKeyFn(ctx, id)
}
