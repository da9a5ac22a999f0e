package pool

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Partner is the other side of one of the caller's partnerships, lasting or ended.
type Partner struct {
	ID        int64 // the partnership
	TenantID  int64
	IsCMO     bool // the partner is the caller's CMO (else its MAH)
	CreatedAt time.Time
	EndedAt   *time.Time // nil while it lasts
	EndedBy   *int64     // the tenant (either side) that ended it
	EndReason *string
}

// PartnershipEnd is what ending a partnership did.
type PartnershipEnd struct {
	Partner  *Partner
	Returned int64 // the CMO's unused serials, back in the MAH's pool as Available
}

// MaxEndReason is the longest reason for ending a partnership, in characters.
const MaxEndReason = 500

// ValidEndReason trims the reason for ending a partnership and checks it:
// 1 to MaxEndReason characters.
func ValidEndReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > MaxEndReason {
		return "", Invalid("reason", "the reason must be 1 to %d characters, got %d", MaxEndReason, n)
	}
	return reason, nil
}

// PartnerInvitation is a CMO's one-time code an MAH accepts to become its
// partner; the code is shown once, only its hash is kept.
type PartnerInvitation struct {
	ID        int64
	Code      string // only when just created
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InvitationLifetime is how long an invitation code works.
const InvitationLifetime = 7 * 24 * time.Hour

// Assignment hands Available serials of an MAH's product to its CMO.
type Assignment struct {
	ProductCode string
	Partner     int64 // the CMO tenant
	Count       int
	// IdempotencyKey is optional, as for a Request: a retry gets the first
	// assignment back instead of more serials.
	IdempotencyKey string
}

// Validate checks what needs no pool, as Request.Validate does.
func (a *Assignment) Validate() error {
	if err := validCount(a.Count); err != nil {
		return err
	}
	return validKey(a.IdempotencyKey)
}

// PartnerSerial is one serial an MAH assigned to a partner, for the CSV export.
type PartnerSerial struct {
	ProductCode   string
	Value         string
	AssignedAt    *time.Time
	PartnerStatus Status
	PackStatus    PackStatus
}

// PartnerService makes, lists and ends partnerships between an MAH and a CMO,
// and hands the MAH's serials to its CMO.
type PartnerService interface {
	// CreatePartnerInvitation issues a code with which an MAH becomes the
	// caller's partner, the caller being its CMO. Needs RoleAdmin.
	CreatePartnerInvitation(ctx context.Context) (*PartnerInvitation, error)
	// PartnerInvitations lists the caller's open invitations, newest first. Needs RoleAdmin.
	PartnerInvitations(ctx context.Context) ([]*PartnerInvitation, error)
	// RevokePartnerInvitation ends one of the caller's open invitations. Needs
	// RoleAdmin. Returns ENOTFOUND for any other (another tenant's, used,
	// expired or revoked).
	RevokePartnerInvitation(ctx context.Context, id int64) (*PartnerInvitation, error)
	// CreatePartnership makes the caller the MAH of the CMO that issued the
	// invitation code, consuming it. Needs RoleAdmin. Returns ENOTFOUND alike
	// for unknown, expired, used and revoked codes, so no one learns which
	// tenants exist; EINVALID for an empty code and for the caller's own.
	CreatePartnership(ctx context.Context, invitationCode string) (*Partner, error)
	// Partners lists the caller's partnerships, ended ones included, oldest first.
	Partners(ctx context.Context) ([]*Partner, error)
	// EndPartnership ends one of the caller's partnerships, from either side,
	// for the reason given (ValidEndReason): from then on the CMO requests,
	// releases and records pack events on none of the MAH's serials and the
	// MAH assigns it none; the CMO's unused serials (Available, no pack event)
	// return to the MAH's pool as Available; what the CMO used stays readable
	// to both. Needs RoleAdmin. Returns EINVALID for a bad reason, ENOTFOUND
	// unless the caller is a side, ECONFLICT when it has ended already.
	EndPartnership(ctx context.Context, id int64, reason string) (*PartnershipEnd, error)
	// AssignToPartner assigns count Available serials of the caller's product
	// to its CMO partner: Assigned in the caller's pool, Available in the
	// CMO's. Needs RoleOperator. Returns EINVALID as RequestSerials does;
	// ENOTFOUND for a product the caller does not see, and (field partner)
	// for a tenant it has no lasting partnership with as MAH; EFORBIDDEN for a
	// product the caller sees as a CMO; EINSUFFICIENT and ECONFLICT as
	// RequestSerials does. A retry under the key returns the first assignment
	// while the partnership lasts.
	AssignToPartner(ctx context.Context, a Assignment) (*SerialRequest, error)
	// EachPartnerSerial calls fn for each serial the caller assigned to
	// partner, of one product or (productCode "") all, streaming from the
	// database; a tenant that is no partner has none. An error of fn ends the
	// export and is returned.
	EachPartnerSerial(ctx context.Context, partner int64, productCode string, fn func(PartnerSerial) error) error
}
