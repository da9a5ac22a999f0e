package mock

import (
	"context"

	"github.com/serialpool/serialpool/pool"
)

// RequestService fakes pool.RequestService: each method calls its Fn field.
type RequestService struct {
	RequestSerialsFn      func(ctx context.Context, r pool.Request) (*pool.SerialRequest, error)
	ReleaseSerialsFn      func(ctx context.Context, productCode string, values []string) (int, error)
	SerialRequestsFn      func(ctx context.Context, f pool.RequestFilter) (*pool.RequestPage, error)
	SerialRequestByIDFn   func(ctx context.Context, id int64) (*pool.SerialRequest, error)
	RequestSerialsPagesFn func(ctx context.Context, reqs []*pool.SerialRequest, afterID int64, limit int) ([]*pool.SerialPage, error)
	EachRequestSerialFn   func(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error
}

// RequestSerials calls RequestSerialsFn.
func (s *RequestService) RequestSerials(ctx context.Context, r pool.Request) (*pool.SerialRequest, error) {
	return s.RequestSerialsFn(ctx, r)
}

// ReleaseSerials calls ReleaseSerialsFn.
func (s *RequestService) ReleaseSerials(ctx context.Context, productCode string, values []string) (int, error) {
	return s.ReleaseSerialsFn(ctx, productCode, values)
}

// SerialRequests calls SerialRequestsFn.
func (s *RequestService) SerialRequests(ctx context.Context, f pool.RequestFilter) (*pool.RequestPage, error) {
	return s.SerialRequestsFn(ctx, f)
}

// SerialRequestByID calls SerialRequestByIDFn.
func (s *RequestService) SerialRequestByID(ctx context.Context, id int64) (*pool.SerialRequest, error) {
	return s.SerialRequestByIDFn(ctx, id)
}

// RequestSerialsPages calls RequestSerialsPagesFn.
func (s *RequestService) RequestSerialsPages(ctx context.Context, reqs []*pool.SerialRequest, afterID int64, limit int) ([]*pool.SerialPage, error) {
	return s.RequestSerialsPagesFn(ctx, reqs, afterID, limit)
}

// EachRequestSerial calls EachRequestSerialFn.
func (s *RequestService) EachRequestSerial(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error {
	return s.EachRequestSerialFn(ctx, requestID, fn)
}
