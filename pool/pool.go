// Package pool is serialpool's domain: products, their serial number pools, the
// statuses a serial moves through, and the services the transports (GraphQL and
// REST) call. It holds no SQL and no HTTP: package db implements the services.
//
// The services are split by what their callers do: products (ProductService)
// and their pools (PoolService), intake and channels (IntakeService), requests
// (RequestService), partnerships (PartnerService), pack events
// (PackEventService), SSCC pools (SSCCService), statistics, the audit trail,
// keys and tenants. Every method answers only for the caller in its context:
// without one it returns EUNAUTHENTICATED, and EFORBIDDEN when its documented
// role ("Needs RoleOperator") is more than the caller's. The other errors each
// method may return are named on it; besides them any method may return
// EUNAVAILABLE while the database is out of reach, and EINTERNAL.
package pool

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/serialpool/serialpool/gs1"
)

// Status is a serial's pool status: what the donut chart counts.
type Status string

const (
	Available Status = "AVAILABLE"
	Assigned  Status = "ASSIGNED"
)

// Source is where a serial came from.
type Source string

const (
	SourceSNM       Source = "SNM"
	SourceSAPATTP   Source = "SAP_ATTP"
	SourceSAPICH    Source = "SAP_ICH"
	SourceTraceLink Source = "TRACELINK"
	SourceExternal  Source = "EXTERNAL"
	SourcePartner   Source = "PARTNER"
)

// CodeSchema is how a product code is built.
type CodeSchema string

const (
	GTIN CodeSchema = "GTIN"
	NTIN CodeSchema = "NTIN"
	PPN  CodeSchema = "PPN"
	NDC  CodeSchema = "NDC"
	// SSCC marks an SSCC pool: a pool of shipping container codes that works like a
	// product's pool, addressed by its code (extension digit + company prefix).
	SSCC CodeSchema = "SSCC"
)

// Tenant is a company: an MAH or a CMO.
type Tenant struct {
	ID   int64
	Name string
}

// Product is a serialized product and the key of its pool.
type Product struct {
	ID           int64
	TenantID     int64 // the owner (MAH)
	Code         string
	CodeSchema   CodeSchema
	Name         string
	Source       Source // as the caller sees it: PARTNER for a CMO
	LowThreshold int
	RequestCap   int
	ReplenishTo  *int // nil: no replenishment
	SerialFormat
}

// SerialFormat is what SNM generates for a product.
type SerialFormat struct {
	SerialAlphabet Alphabet
	SerialLength   int
}

// Default serial format: 12 digits, 10^12 values, room for 10^8 serials under EU FMD.
const (
	DefaultSerialAlphabet = Numeric
	DefaultSerialLength   = 12
)

// Counts are the pool counts of one product as one tenant sees them.
type Counts struct {
	Available int64
	Assigned  int64
}

// Total is the number of serials in the pool.
func (c Counts) Total() int64 { return c.Available + c.Assigned }

// Low reports whether fewer serials than threshold are available.
func (c Counts) Low(threshold int) bool { return c.Available < int64(threshold) }

// Serial is one serial number of a product, as the caller sees it.
type Serial struct {
	ID         int64
	ProductID  int64
	Value      string
	Status     Status
	Source     Source
	ReceivedAt time.Time
	AssignedAt *time.Time
	PackStatus PackStatus
	// DecommissionReason is the reason of the last decommissioning, while decommissioned.
	DecommissionReason *Reason
}

// MaxProductCode bounds a product (or SSCC pool) code a caller names, as the
// schema's productCode arguments do.
const MaxProductCode = 50

// Page sizes for every list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// PageSize validates a requested page size; nil means the default.
func PageSize(first *int) (int, error) {
	if first == nil {
		return DefaultPageSize, nil
	}
	if *first < 1 || *first > MaxPageSize {
		return 0, Invalid("first", "first must be between 1 and %d, got %d", MaxPageSize, *first)
	}
	return *first, nil
}

// ProductFilter selects a page of products, in Order (by code by default).
type ProductFilter struct {
	Search     string     // case-insensitive match on code or part of the name
	Source     Source     // "" for any; PARTNER: what a CMO received
	CodeSchema CodeSchema // "" for any
	Code       string     // exactly this code, "" for any: one product with its counts (the donut)
	Order      ProductOrder
	// The keyset cursor: the code of the last product seen and, for an order
	// other than by code, its sort key (ProductPage.Keys).
	AfterCode string
	AfterKey  string
	Limit     int
	// WithCounts reads each product's pool counts with the page, in the same
	// statement (ProductPage.Counts): the product list shows them.
	WithCounts bool
}

// ProductSort is what the product list is ordered by; the code breaks ties.
type ProductSort string

// The product list's orders.
const (
	SortCode       ProductSort = "CODE"
	SortCodeSchema ProductSort = "CODE_SCHEMA"
	SortName       ProductSort = "NAME"
	SortSource     ProductSort = "SOURCE"
	SortAvailable  ProductSort = "AVAILABLE" // the caller's Available count
)

// ProductOrder orders the product list; the zero value is by code, ascending.
type ProductOrder struct {
	By   ProductSort
	Desc bool
}

// ProductPage is one page of products.
type ProductPage struct {
	Products []*Product
	Keys     []string // each product's sort key, for the cursor after it
	Counts   []Counts // each product's pool counts, with ProductFilter.WithCounts
	HasNext  bool
}

// SerialFilter selects a page of serials, ordered by id, of each of some products.
type SerialFilter struct {
	Products []*Product
	Status   *Status
	Prefix   string // only serials starting with it (case-sensitive, as serials are)
	AfterID  int64
	Limit    int
}

// SerialPage is one page of serials.
type SerialPage struct {
	Serials []*Serial
	HasNext bool
}

// NewProduct is the input to CreateProduct.
type NewProduct struct {
	Code         string
	CodeSchema   CodeSchema
	Name         string
	Source       Source
	LowThreshold int
	SerialFormat
}

// DefaultLowThreshold applies when a product is created without one.
const DefaultLowThreshold = 1000

// Normalize validates p and brings its code into stored form (GTIN-14 for GTINs).
// The error names the field and the GS1 rule broken.
func (p *NewProduct) Normalize() error {
	p.Name = strings.TrimSpace(p.Name)
	if n := utf8.RuneCountInString(p.Name); n < 1 || n > 200 {
		return Invalid("name", "name must be 1 to 200 characters")
	}
	if p.Source == SourcePartner {
		return Invalid("source", "PARTNER is not a product source: a partnership assigns partner serials")
	}
	if p.LowThreshold < 0 {
		return Invalid("lowThreshold", "lowThreshold must not be negative")
	}
	if p.SerialAlphabet == "" {
		p.SerialAlphabet = DefaultSerialAlphabet
	}
	if p.SerialLength == 0 {
		p.SerialLength = DefaultSerialLength
	}
	if p.SerialAlphabet != Numeric && p.SerialAlphabet != Alphanumeric {
		return Invalid("serialAlphabet", "unknown serial alphabet %q", p.SerialAlphabet)
	}
	if p.SerialLength < 1 || p.SerialLength > 20 {
		return Invalid("serialLength", "serialLength must be between 1 and 20, got %d", p.SerialLength)
	}
	code := strings.TrimSpace(p.Code)
	var err error
	switch p.CodeSchema {
	case GTIN:
		code, err = gs1.NormalizeGTIN(code)
	case NTIN:
		err = gs1.ValidNTIN(code)
	case PPN:
		err = gs1.ValidPPN(code)
	case NDC:
		code, err = gs1.NormalizeNDC(code)
	default:
		return Invalid("codeSchema", "unknown product code schema %q", p.CodeSchema)
	}
	if err != nil {
		return Invalid("code", "%s code %q is invalid: %v", p.CodeSchema, p.Code, err)
	}
	p.Code = code
	return nil
}

// AuthService authenticates API keys.
type AuthService interface {
	// Authenticate returns the actor an API key stands for.
	// Returns EUNAUTHENTICATED for an unknown or revoked key.
	Authenticate(ctx context.Context, key string) (Actor, error)
}

// TenantService reads tenants.
type TenantService interface {
	// TenantsByID returns the tenants with the given ids, in order; a tenant the
	// caller may not see is nil.
	TenantsByID(ctx context.Context, ids []int64) ([]*Tenant, error)
}

// ProductService reads and registers products. Every method sees only what the
// caller's tenant may see: its own products, or for a CMO the products its MAH
// partners assigned serials of.
type ProductService interface {
	// Products returns a page of visible products in f.Order. Returns EINVALID
	// for an unknown order or a cursor key that does not fit it.
	Products(ctx context.Context, f ProductFilter) (*ProductPage, error)
	// CountProducts counts the visible products matching f, over all pages (its
	// order and cursor aside).
	CountProducts(ctx context.Context, f ProductFilter) (int, error)
	// ProductByCode returns ENOTFOUND when no visible product has that code.
	ProductByCode(ctx context.Context, code string) (*Product, error)
	// ProductsByID returns the products with the given ids, in order; a product
	// the caller may not see is nil.
	ProductsByID(ctx context.Context, ids []int64) ([]*Product, error)
	// CreateProduct registers a product with an empty pool. Needs RoleAdmin.
	// Returns EINVALID for a bad code or name, ECONFLICT when the code is taken.
	CreateProduct(ctx context.Context, p NewProduct) (*Product, error)
	// UpdateLimits sets a product's limits. Needs RoleAdmin. Returns EINVALID
	// for a limit out of range (Limits.Validate) and for a replenishment target
	// not above the low threshold; ENOTFOUND unless the caller owns the product.
	UpdateLimits(ctx context.Context, l Limits) (*Product, error)
}

// Limits are a product's settable limits; nil fields stay as they are.
type Limits struct {
	ProductCode  string
	RequestCap   *int
	LowThreshold *int
	ReplenishTo  *int // 0 turns replenishment off
}

// Validate checks the limits' ranges.
func (l *Limits) Validate() error {
	if l.RequestCap != nil && (*l.RequestCap < 1 || *l.RequestCap > MaxRequestCap) {
		return Invalid("requestCap", "requestCap must be between 1 and %d", MaxRequestCap)
	}
	if l.LowThreshold != nil && *l.LowThreshold < 0 {
		return Invalid("lowThreshold", "lowThreshold must not be negative")
	}
	if l.ReplenishTo != nil && *l.ReplenishTo < 0 {
		return Invalid("replenishTo", "replenishTo must not be negative (0 turns replenishment off)")
	}
	return nil
}

// PoolService reads pools and their serials.
type PoolService interface {
	// Counts returns the caller's pool counts for each product id, in order, in
	// time independent of pool size.
	Counts(ctx context.Context, productIDs []int64) ([]Counts, error)
	// Serials returns a page of the caller's serials of each product, in order.
	// Returns EINVALID for an unknown status.
	Serials(ctx context.Context, f SerialFilter) ([]*SerialPage, error)
	// SerialByValue returns one serial of a product or SSCC pool. Returns
	// ENOTFOUND unless the caller may see it.
	SerialByValue(ctx context.Context, productCode, value string) (*Serial, error)
}
