package db

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestPositional: a query's @names are numbered as pgx numbers them, in the
// order they first appear, with the arguments in that order, the first time
// and from the cache; a name without an argument leaves the query to pgx.
func TestPositional(t *testing.T) {
	const query = `SELECT @b::int, '@a' AS quoted, @a::int, @b::int -- @c`
	for _, round := range []string{"first", "cached"} {
		sql, args := positional(query, pgx.NamedArgs{"a": 1, "b": 2, "unused": 3})
		if want := `SELECT $1::int, '@a' AS quoted, $2::int, $1::int -- @c`; sql != want {
			t.Errorf("%s: %q, want %q", round, sql, want)
		}
		if got := fmt.Sprint(args); got != "[2 1]" {
			t.Errorf("%s: arguments %s, want [2 1]", round, got)
		}
	}
	// Another call of the same query without b is pgx's to answer.
	if sql, args := positional(query, pgx.NamedArgs{"a": 1}); sql != query || len(args) != 1 {
		t.Errorf("b missing: %q %v, want the query and its named arguments as they came", sql, args)
	}
	const lacking = `SELECT @x, @y`
	if sql, args := positional(lacking, pgx.NamedArgs{"x": 1}); sql != lacking || len(args) != 1 {
		t.Errorf("y missing: %q %v, want the query and its named arguments as they came", sql, args)
	}
}
