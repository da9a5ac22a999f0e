package graph

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// TestEveryInputIsBounded fails when a string, ID or list argument or input
// field of the schema has no bound (@maxLength for strings and IDs, list
// items included; @maxItems for lists), so that a new field cannot forget one.
func TestEveryInputIsBounded(t *testing.T) {
	s := loadContract(t)
	checked := 0
	check := func(where string, dirs ast.DirectiveList, typ *ast.Type) {
		named := typ
		for named.Elem != nil {
			named = named.Elem
		}
		want := map[string]bool{"maxItems": typ.Elem != nil, "maxLength": named.NamedType == "String" || named.NamedType == "ID"}
		for name, needed := range want {
			d := dirs.ForName(name)
			switch {
			case needed && d == nil:
				t.Errorf("%s (%s) has no @%s", where, typ, name)
			case !needed && d != nil:
				t.Errorf("%s (%s) has @%s, which does not apply to it", where, typ, name)
			case d != nil:
				if n, err := strconv.Atoi(d.Arguments.ForName("n").Value.Raw); err != nil || n < 1 {
					t.Errorf("%s: @%s(n: %s)", where, name, d.Arguments.ForName("n").Value.Raw)
				}
				checked++
			}
		}
	}
	for _, def := range s.Types {
		if def.BuiltIn {
			continue
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue // introspection
			}
			if def.Kind == ast.InputObject {
				check(def.Name+"."+f.Name, f.Directives, f.Type)
				continue
			}
			for _, a := range f.Arguments {
				check(def.Name+"."+f.Name+"("+a.Name+")", a.Directives, a.Type)
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d bounds found; the schema has more inputs than that", checked)
	}
}
