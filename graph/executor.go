package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// What make generate points gqlgen's generated executor to instead of its own
// helpers, each for a cost measured on the products page (bench/README.md);
// TestGeneratedExecutor fails when a bare `gqlgen generate` left them out.

// marshalList marshals a list's items one after the other, in the calling
// goroutine. gqlgen's graphql.MarshalSliceConcurrently starts a goroutine per
// item, and each grows its stack afresh: on the products page that was a
// quarter of the server's CPU. Nothing here needs the items concurrently: what
// a page's items share is read once for all of them before they are marshalled
// (prime.go), and the loaders serve the rest.
func marshalList(ctx context.Context, n int, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	for i := range n {
		index := i
		ctx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &index})
		ret[i] = marshalItem(ctx, i, marshal)
	}
	return ret
}

// marshalItem marshals one item; a panic in it is that item's error, as in gqlgen.
func marshalItem(ctx context.Context, i int, marshal func(context.Context, int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshal(ctx, i)
}

// noDeferredGroup is the @defer group of an object being marshalled, which
// stays empty: operations using @defer are refused before they run
// (deferRefused). gqlgen's graphql.NewDeferredGroup computes the object's path
// and allocates a field set and a map for every object of every answer, 10% of
// the server's CPU on the products page, for groups that are never used.
func noDeferredGroup(ctx context.Context) graphql.DeferredGroup {
	return graphql.DeferredGroup{Context: ctx}
}

// deferRefused refuses an operation that uses @defer. Incremental delivery
// needs a multipart transport, which the API does not offer: over a plain
// POST gqlgen answered only the first part, with the deferred fields missing
// or null and "hasNext": true, and never the rest.
func deferRefused(set ast.SelectionSet) *gqlerror.Error {
	for _, s := range set {
		var dirs ast.DirectiveList
		var inner ast.SelectionSet
		switch s := s.(type) {
		case *ast.Field:
			inner = s.SelectionSet
		case *ast.InlineFragment:
			dirs, inner = s.Directives, s.SelectionSet
		case *ast.FragmentSpread:
			dirs, inner = s.Directives, s.Definition.SelectionSet
		}
		if d := dirs.ForName("defer"); d != nil {
			err := &gqlerror.Error{Message: "@defer is not supported: every answer comes in one response; ask for the fields without it",
				Extensions: map[string]any{"code": pool.EINVALID}}
			if d.Position != nil {
				err.Locations = []gqlerror.Location{{Line: d.Position.Line, Column: d.Position.Column}}
			}
			return err
		}
		if err := deferRefused(inner); err != nil {
			return err
		}
	}
	return nil
}

// resolveField is graphql.ResolveField with a shortcut for a leaf read off its
// object (a struct field, no resolver, method or directive) whose Go type is a
// string, number or boolean, which always marshals to a value: it is marshalled
// at once, without the field's own context, panic guard and resolver
// middleware (the handler installs none). Four fields in five of the products
// page are such leaves. Every other field takes gqlgen's path, which reports
// errors (a null where the schema allows none, say) with the field's path.
func resolveField[T any](
	ctx context.Context,
	oc *graphql.OperationContext,
	field graphql.CollectedField,
	initializeFieldContext func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
	fieldResolver func(context.Context) (any, error),
	middlewareChain func(context.Context, graphql.Resolver) graphql.Resolver,
	marshal func(context.Context, ast.SelectionSet, T) graphql.Marshaler,
	recoverFromPanic, nonNull bool,
) graphql.Marshaler {
	if middlewareChain == nil && field.Selections == nil && neverNull(reflect.TypeFor[T]().Kind()) {
		if fc, err := initializeFieldContext(ctx, field); err == nil && !fc.IsResolver && !fc.IsMethod {
			if v, err := fieldResolver(ctx); err == nil {
				if t, ok := v.(T); ok {
					return marshal(ctx, nil, t)
				}
			}
		}
	}
	return graphql.ResolveField(ctx, oc, field, initializeFieldContext, fieldResolver, middlewareChain, marshal, recoverFromPanic, nonNull)
}

// neverNull reports whether gqlgen marshals Go values of kind k to a JSON
// value, never to null.
func neverNull(k reflect.Kind) bool {
	switch k {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		return true
	}
	return false
}
