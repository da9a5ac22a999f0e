package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// PartnerService fakes pool.PartnerService: each method calls its Fn field.
type PartnerService struct {
	CreatePartnerInvitationFn func(ctx context.Context) (*pool.PartnerInvitation, error)
	PartnerInvitationsFn      func(ctx context.Context) ([]*pool.PartnerInvitation, error)
	RevokePartnerInvitationFn func(ctx context.Context, id int64) (*pool.PartnerInvitation, error)
	CreatePartnershipFn       func(ctx context.Context, invitationCode string) (*pool.Partner, error)
	PartnersFn                func(ctx context.Context) ([]*pool.Partner, error)
	EndPartnershipFn          func(ctx context.Context, id int64, reason string) (*pool.PartnershipEnd, error)
	AssignToPartnerFn         func(ctx context.Context, a pool.Assignment) (*pool.SerialRequest, error)
	EachPartnerSerialFn       func(ctx context.Context, partner int64, productCode string, fn func(pool.PartnerSerial) error) error
}

// CreatePartnerInvitation calls CreatePartnerInvitationFn.
func (s *PartnerService) CreatePartnerInvitation(ctx context.Context) (*pool.PartnerInvitation, error) {
	return s.CreatePartnerInvitationFn(ctx)
}

// PartnerInvitations calls PartnerInvitationsFn.
func (s *PartnerService) PartnerInvitations(ctx context.Context) ([]*pool.PartnerInvitation, error) {
	return s.PartnerInvitationsFn(ctx)
}

// RevokePartnerInvitation calls RevokePartnerInvitationFn.
func (s *PartnerService) RevokePartnerInvitation(ctx context.Context, id int64) (*pool.PartnerInvitation, error) {
	return s.RevokePartnerInvitationFn(ctx, id)
}

// CreatePartnership calls CreatePartnershipFn.
func (s *PartnerService) CreatePartnership(ctx context.Context, invitationCode string) (*pool.Partner, error) {
	return s.CreatePartnershipFn(ctx, invitationCode)
}

// Partners calls PartnersFn.
func (s *PartnerService) Partners(ctx context.Context) ([]*pool.Partner, error) {
	return s.PartnersFn(ctx)
}

// EndPartnership calls EndPartnershipFn.
func (s *PartnerService) EndPartnership(ctx context.Context, id int64, reason string) (*pool.PartnershipEnd, error) {
	return s.EndPartnershipFn(ctx, id, reason)
}

// AssignToPartner calls AssignToPartnerFn.
func (s *PartnerService) AssignToPartner(ctx context.Context, a pool.Assignment) (*pool.SerialRequest, error) {
	return s.AssignToPartnerFn(ctx, a)
}

// EachPartnerSerial calls EachPartnerSerialFn.
func (s *PartnerService) EachPartnerSerial(ctx context.Context, partner int64, productCode string, fn func(pool.PartnerSerial) error) error {
	return s.EachPartnerSerialFn(ctx, partner, productCode, fn)
}
