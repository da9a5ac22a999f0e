package pool

import (
	"context"
	"strconv"
	"strings"
	"time"
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
	// Container returns one of the caller's SSCCs, a case or pallet packs are
	// packed into (PACK events). Returns ENOTFOUND when none of the caller's
	// SSCC pools holds it (another tenant's SSCC alike).
	Container(ctx context.Context, sscc string) (*Serial, error)
	// ContainerContents returns a page of what is packed in one of the
	// caller's SSCCs now (packs, and cases in a pallet), by id after afterID.
	// Returns ENOTFOUND as Container does.
	ContainerContents(ctx context.Context, sscc string, afterID int64, limit int) (*SerialPage, error)
	// DecommissionContainer decommissions one of the caller's SSCCs with
	// everything packed in it, the cases and their packs, as one batch of
	// pack events: all or nothing, by the rules of RecordPackEvents. What is
	// decommissioned already stays as it is. Needs RoleOperator. Returns
	// ENOTFOUND as Container does, EINVALID as RecordPackEvents does.
	DecommissionContainer(ctx context.Context, in ContainerDecommission) (*PackEventsResult, error)
}

// ContainerDecommission is a container to decommission with its contents.
type ContainerDecommission struct {
	SSCC     string
	Reason   Reason
	At       time.Time // zero: now
	TZOffset string    // as PackEventInput's
}
