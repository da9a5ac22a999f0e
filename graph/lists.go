package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalList marshals a list's items one after the other, in the calling
// goroutine. gqlgen's graphql.MarshalSliceConcurrently starts a goroutine per
// item, and each grows its stack afresh: on the products page that was a
// quarter of the server's CPU (bench/README.md). Nothing here needs the
// items concurrently: what a page's items share is read once for all of
// them before they are marshalled (prime.go), and the loaders serve the rest.
// make generate points the generated code here (TestListsMarshalInOrder).
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
