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
	ERATELIMITED     = "RATE_LIMITED"
	EUNAVAILABLE     = "UNAVAILABLE"    // a dependency (the database) is out of reach: retry later
	EACCOUNTLOCKED   = "ACCOUNT_LOCKED" // too many failed sign-ins: the account waits out the lockout window
	ETOTPREQUIRED    = "TOTP_REQUIRED"  // the password was right; the account also needs its TOTP code
	EINTERNAL        = "INTERNAL"
)

// Error is an application error: its message is safe to show to the caller.
type Error struct {
	Code    string
	Field   string // the offending input field, for EINVALID
	Message string
	Batch   *BatchError // the offending rows, when a batch was rejected
	cause   error       // what went wrong underneath, for errors.As; never shown
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.cause }

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("pool error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("pool error: code=%s message=%s", e.Code, e.Message)
}

// Extensions are the machine-readable parts of err for a client: its code and,
// where known, the offending field and the rejected batch's rows. Both the
// GraphQL and the REST API present errors with them.
func Extensions(err error) map[string]any {
	ext := map[string]any{"code": ErrorCode(err)}
	var e *Error
	if errors.As(err, &e) {
		if e.Field != "" {
			ext["field"] = e.Field
		}
		if e.Batch != nil {
			ext["rows"], ext["total"] = e.Batch.Rows, e.Batch.Total
		}
	}
	return ext
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
