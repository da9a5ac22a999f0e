package graph

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// bounds refuses an operation, before anything runs, when a string or ID
// argument or input field is longer than its @maxLength or a list holds more
// than its @maxItems (schema/bounds.graphqls): one check for every input, so a 15 MB
// search never reaches the database. TestEveryInputIsBounded keeps every
// string, ID and list input bounded.
type bounds struct{ schema *ast.Schema }

func (*bounds) ExtensionName() string { return "Bounds" }

func (b *bounds) Validate(s graphql.ExecutableSchema) error {
	b.schema = s.Schema()
	return nil
}

func (b *bounds) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if err := b.selections(oc.Operation.SelectionSet, oc.Variables, map[string]bool{}); err != nil {
		return &gqlerror.Error{Message: err.Message, Extensions: pool.Extensions(err)}
	}
	return nil
}

// selections checks the arguments of every field, each fragment once.
func (b *bounds) selections(set ast.SelectionSet, vars map[string]any, seen map[string]bool) *pool.Error {
	for _, sel := range set {
		var err *pool.Error
		switch sel := sel.(type) {
		case *ast.Field:
			if sel.Definition != nil {
				args := sel.ArgumentMap(vars)
				for _, a := range sel.Definition.Arguments {
					if err = b.value(a.Name, a.Directives, a.Type, args[a.Name]); err != nil {
						return err
					}
				}
			}
			err = b.selections(sel.SelectionSet, vars, seen)
		case *ast.InlineFragment:
			err = b.selections(sel.SelectionSet, vars, seen)
		case *ast.FragmentSpread:
			if !seen[sel.Name] && sel.Definition != nil {
				seen[sel.Name] = true
				err = b.selections(sel.Definition.SelectionSet, vars, seen)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// value checks one argument or input field, at path, against its bounds.
func (b *bounds) value(path string, dirs ast.DirectiveList, typ *ast.Type, v any) *pool.Error {
	if v == nil {
		return nil
	}
	if typ.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			items = []any{v} // GraphQL takes a single value for a list of one
		}
		if n, ok := bound(dirs, "maxItems"); ok && len(items) > n {
			return invalidAt(path, "%s takes at most %d items, got %d", path, n, len(items))
		}
		for _, item := range items {
			if err := b.value(path, dirs, typ.Elem, item); err != nil {
				return err
			}
		}
		return nil
	}
	if s, ok := v.(string); ok {
		if n, ok := bound(dirs, "maxLength"); ok && len(s) > n && utf8.RuneCountInString(s) > n {
			return invalidAt(path, "%s takes at most %d characters, got %d", path, n, utf8.RuneCountInString(s))
		}
		return nil
	}
	if def := b.schema.Types[typ.NamedType]; def != nil && def.Kind == ast.InputObject {
		fields, _ := v.(map[string]any)
		for _, f := range def.Fields {
			if err := b.value(path+"."+f.Name, f.Directives, f.Type, fields[f.Name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// bound is the n of a bound directive, if there is one.
func bound(dirs ast.DirectiveList, name string) (int, bool) {
	d := dirs.ForName(name)
	if d == nil {
		return 0, false
	}
	n, err := strconv.Atoi(d.Arguments.ForName("n").Value.Raw)
	return n, err == nil
}

// invalidAt is EINVALID naming the innermost field of path, as the resolvers do.
func invalidAt(path, format string, args ...any) *pool.Error {
	return pool.Invalid(path[strings.LastIndexByte(path, '.')+1:], format, args...)
}
