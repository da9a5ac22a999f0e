package pool

import (
	"context"
	"strconv"
	"strings"
)

// SSCCPoolCode validates a GS1 company prefix and extension digit and returns
// the SSCC pool's code: the extension digit followed by the prefix.
func SSCCPoolCode(companyPrefix string, extension int) (string, error) {
	if n := len(companyPrefix); n < 6 || n > 12 || strings.Trim(companyPrefix, "0123456789") != "" {
		return "", Invalid("companyPrefix", "a GS1 company prefix is 6 to 12 digits")
	}
	if extension < 0 || extension > 9 {
		return "", Invalid("extensionDigit", "the extension digit is 0 to 9")
	}
	return strconv.Itoa(extension) + companyPrefix, nil
}

// SSCCService keeps a tenant's SSCC pools: shipping container codes pooled,
// requested, released and tracked like a product's serials (the services of
// serials take an SSCC pool's code as a product code).
type SSCCService interface {
	// CreateSSCCPool creates the caller's SSCC pool for a company prefix and
	// extension digit (SSCCPoolCode). Needs RoleAdmin. Returns EINVALID for a
	// bad prefix or digit, ECONFLICT when a pool or product has that code.
	CreateSSCCPool(ctx context.Context, companyPrefix string, extension int) (*Product, error)
	// SSCCPools lists the caller's SSCC pools, by code.
	SSCCPools(ctx context.Context) ([]*Product, error)
	// SSCCPool returns one of the caller's SSCC pools. Returns ENOTFOUND when
	// the caller has none with that code (another tenant's pool alike).
	SSCCPool(ctx context.Context, code string) (*Product, error)
}
