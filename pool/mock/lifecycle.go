package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// LifecycleService fakes pool.LifecycleService: each method calls its Fn field.
type LifecycleService struct {
	RequestSerialsFn          func(ctx context.Context, r pool.Request) (*pool.SerialRequest, error)
	AssignToPartnerFn         func(ctx context.Context, a pool.Assignment) (*pool.SerialRequest, error)
	ReleaseSerialsFn          func(ctx context.Context, productCode string, values []string) (int, error)
	SerialRequestsFn          func(ctx context.Context, f pool.RequestFilter) (*pool.RequestPage, error)
	SerialRequestByIDFn       func(ctx context.Context, id int64) (*pool.SerialRequest, error)
	RequestSerialsPagesFn     func(ctx context.Context, reqs []*pool.SerialRequest, afterID int64, limit int) ([]*pool.SerialPage, error)
	RecordPackEventsFn        func(ctx context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error)
	SerialByValueFn           func(ctx context.Context, productCode, value string) (*pool.Serial, error)
	PackHistoriesFn           func(ctx context.Context, serials []pool.SerialKey) ([][]*pool.PackEvent, error)
	CreatePartnerInvitationFn func(ctx context.Context) (*pool.PartnerInvitation, error)
	PartnerInvitationsFn      func(ctx context.Context) ([]*pool.PartnerInvitation, error)
	RevokePartnerInvitationFn func(ctx context.Context, id int64) (*pool.PartnerInvitation, error)
	CreatePartnershipFn       func(ctx context.Context, invitationCode string) (*pool.Partner, error)
	PartnersFn                func(ctx context.Context) ([]*pool.Partner, error)
	EndPartnershipFn          func(ctx context.Context, id int64, reason string) (*pool.PartnershipEnd, error)
	UpdateLimitsFn            func(ctx context.Context, l pool.Limits) (*pool.Product, error)
	CreateSSCCPoolFn          func(ctx context.Context, companyPrefix string, extension int) (*pool.Product, error)
	SSCCPoolsFn               func(ctx context.Context) ([]*pool.Product, error)
	SSCCPoolFn                func(ctx context.Context, code string) (*pool.Product, error)
}

// RequestSerials calls RequestSerialsFn.
func (s *LifecycleService) RequestSerials(ctx context.Context, r pool.Request) (*pool.SerialRequest, error) {
	return s.RequestSerialsFn(ctx, r)
}

// AssignToPartner calls AssignToPartnerFn.
func (s *LifecycleService) AssignToPartner(ctx context.Context, a pool.Assignment) (*pool.SerialRequest, error) {
	return s.AssignToPartnerFn(ctx, a)
}

// ReleaseSerials calls ReleaseSerialsFn.
func (s *LifecycleService) ReleaseSerials(ctx context.Context, productCode string, values []string) (int, error) {
	return s.ReleaseSerialsFn(ctx, productCode, values)
}

// SerialRequests calls SerialRequestsFn.
func (s *LifecycleService) SerialRequests(ctx context.Context, f pool.RequestFilter) (*pool.RequestPage, error) {
	return s.SerialRequestsFn(ctx, f)
}

// SerialRequestByID calls SerialRequestByIDFn.
func (s *LifecycleService) SerialRequestByID(ctx context.Context, id int64) (*pool.SerialRequest, error) {
	return s.SerialRequestByIDFn(ctx, id)
}

// RequestSerialsPages calls RequestSerialsPagesFn.
func (s *LifecycleService) RequestSerialsPages(ctx context.Context, reqs []*pool.SerialRequest, afterID int64, limit int) ([]*pool.SerialPage, error) {
	return s.RequestSerialsPagesFn(ctx, reqs, afterID, limit)
}

// RecordPackEvents calls RecordPackEventsFn.
func (s *LifecycleService) RecordPackEvents(ctx context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
	return s.RecordPackEventsFn(ctx, events)
}

// SerialByValue calls SerialByValueFn.
func (s *LifecycleService) SerialByValue(ctx context.Context, productCode, value string) (*pool.Serial, error) {
	return s.SerialByValueFn(ctx, productCode, value)
}

// PackHistories calls PackHistoriesFn.
func (s *LifecycleService) PackHistories(ctx context.Context, serials []pool.SerialKey) ([][]*pool.PackEvent, error) {
	return s.PackHistoriesFn(ctx, serials)
}

// CreatePartnerInvitation calls CreatePartnerInvitationFn.
func (s *LifecycleService) CreatePartnerInvitation(ctx context.Context) (*pool.PartnerInvitation, error) {
	return s.CreatePartnerInvitationFn(ctx)
}

// PartnerInvitations calls PartnerInvitationsFn.
func (s *LifecycleService) PartnerInvitations(ctx context.Context) ([]*pool.PartnerInvitation, error) {
	return s.PartnerInvitationsFn(ctx)
}

// RevokePartnerInvitation calls RevokePartnerInvitationFn.
func (s *LifecycleService) RevokePartnerInvitation(ctx context.Context, id int64) (*pool.PartnerInvitation, error) {
	return s.RevokePartnerInvitationFn(ctx, id)
}

// CreatePartnership calls CreatePartnershipFn.
func (s *LifecycleService) CreatePartnership(ctx context.Context, invitationCode string) (*pool.Partner, error) {
	return s.CreatePartnershipFn(ctx, invitationCode)
}

// Partners calls PartnersFn.
func (s *LifecycleService) Partners(ctx context.Context) ([]*pool.Partner, error) {
	return s.PartnersFn(ctx)
}

// EndPartnership calls EndPartnershipFn.
func (s *LifecycleService) EndPartnership(ctx context.Context, id int64, reason string) (*pool.PartnershipEnd, error) {
	return s.EndPartnershipFn(ctx, id, reason)
}

// UpdateLimits calls UpdateLimitsFn.
func (s *LifecycleService) UpdateLimits(ctx context.Context, l pool.Limits) (*pool.Product, error) {
	return s.UpdateLimitsFn(ctx, l)
}

// CreateSSCCPool calls CreateSSCCPoolFn.
func (s *LifecycleService) CreateSSCCPool(ctx context.Context, companyPrefix string, extension int) (*pool.Product, error) {
	return s.CreateSSCCPoolFn(ctx, companyPrefix, extension)
}

// SSCCPools calls SSCCPoolsFn.
func (s *LifecycleService) SSCCPools(ctx context.Context) ([]*pool.Product, error) {
	return s.SSCCPoolsFn(ctx)
}

// SSCCPool calls SSCCPoolFn.
func (s *LifecycleService) SSCCPool(ctx context.Context, code string) (*pool.Product, error) {
	return s.SSCCPoolFn(ctx, code)
}

// ExportService fakes pool.ExportService: each method calls its Fn field.
type ExportService struct {
	EachRequestSerialFn func(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error
	EachPartnerSerialFn func(ctx context.Context, partner int64, productCode string, fn func(pool.PartnerSerial) error) error
}

// EachRequestSerial calls EachRequestSerialFn.
func (s *ExportService) EachRequestSerial(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error {
	return s.EachRequestSerialFn(ctx, requestID, fn)
}

// EachPartnerSerial calls EachPartnerSerialFn.
func (s *ExportService) EachPartnerSerial(ctx context.Context, partner int64, productCode string, fn func(pool.PartnerSerial) error) error {
	return s.EachPartnerSerialFn(ctx, partner, productCode, fn)
}
