package pool

import (
	"errors"
	"fmt"
)

// Error codes. They map 1:1 to the GraphQL `extensions.code` and the REST API's
// `code`, so clients can act on them.
const (
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	EFORBIDDEN       = "FORBIDDEN"
	ENOTFOUND        = "NOT_FOUND"
	EINVALID         = "BAD_USER_INPUT"
	ECONFLICT        = "CONFLICT"
	EINSUFFICIENT    = "INSUFFICIENT_SERIALS"
	ETOOCOMPLEX      = "QUERY_TOO_COMPLEX"
	EINTERNAL        = "INTERNAL"
)

// Error is an application error: its message is safe to show to the caller.
type Error struct {
	Code    string
	Field   string // the offending input field, for EINVALID
	Message string
	Batch   *BatchError // the offending rows, when a batch was rejected
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("pool error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("pool error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an application error with the given code.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EINVALID error naming the offending field.
func Invalid(field string, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other error, so that internals never reach a caller.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message of an application error, or a generic one.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
