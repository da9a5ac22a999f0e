package db

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/serialpool/serialpool/pool"
)

// TestWrapKeepsUnavailableCause: a server shutting down is UNAVAILABLE to the
// caller, who is told nothing more, while the logs get what PostgreSQL said.
func TestWrapKeepsUnavailableCause(t *testing.T) {
	cause := &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}
	err := wrap("products", classify(cause))
	var pe *pgconn.PgError
	if pool.ErrorCode(err) != pool.EUNAVAILABLE || !errors.As(err, &pe) || pe != cause {
		t.Errorf("wrap(classify(57P01)) = %v (code %s); want UNAVAILABLE caused by the PgError", err, pool.ErrorCode(err))
	}
	if !strings.Contains(err.Error(), "db: products:") || !strings.Contains(err.Error(), "administrator command") {
		t.Errorf("logged as %q; want what was done and PostgreSQL's message", err)
	}
	if msg := pool.ErrorMessage(err); msg != "the database is unavailable; retry in a moment" {
		t.Errorf("the caller is told %q", msg)
	}
	if app := pool.Errorf(pool.ENOTFOUND, "no such thing"); wrap("x", app) != app {
		t.Errorf("a bare application error does not pass as it is")
	}
}

// TestClassifyReadOnlyPrimary: a write refused because the server became
// read-only (a primary demoted in a failover, SQLSTATE 25006) is UNAVAILABLE:
// the caller retries and reaches the new primary.
func TestClassifyReadOnlyPrimary(t *testing.T) {
	cause := &pgconn.PgError{Code: "25006", Message: "cannot execute INSERT in a read-only transaction"}
	if err := classify(cause); pool.ErrorCode(err) != pool.EUNAVAILABLE || !errors.Is(err, cause) {
		t.Errorf("classify(25006) = %v (code %s); want UNAVAILABLE caused by the PgError", err, pool.ErrorCode(err))
	}
}
