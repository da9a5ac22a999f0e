package graph

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// What make generate (graph/cmd/rewrite-exec) points gqlgen's generated
// executor to instead of its own helpers, each for a cost measured on the
// read pages (bench/README.md); TestGeneratedExecutor fails when a bare
// `gqlgen generate` left them out.

// marshalList marshals a list's items one after the other, in the calling
// goroutine. gqlgen's graphql.MarshalSliceConcurrently starts a goroutine per
// item, and each grows its stack afresh: on the products page that was a
// quarter of the server's CPU. Nothing here needs the items concurrently: what
// a page's items share is read once for all of them before they are marshalled
// (prime.go), and the loaders serve the rest.
//
// The items' field contexts (which carry their index into error paths) are
// allocated together, two allocations a list where gqlgen makes two an item.
func marshalList(ctx context.Context, n int, marshal func(context.Context, int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, n)
	fcs, index := make([]graphql.FieldContext, n), make([]int, n)
	for i := range n {
		index[i] = i
		fcs[i].Index = &index[i]
		ret[i] = marshalItem(graphql.WithFieldContext(ctx, &fcs[i]), i, marshal)
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

// objectFields is an object's answer: its fields' values, in order. gqlgen's
// FieldSet writes the same but first checks each alias against a map of
// those written, made per object, in case a field came twice; CollectFields
// has already merged the fields of one alias into one (only @defer, refused,
// splits them). Below an operation's root it is also the object's field set,
// in gqlgen's FieldSet's place: every field resolves in place, so the
// FieldSet's scheduling is not needed, nor its allocation per object.
type objectFields struct {
	fields   []graphql.CollectedField
	Values   []graphql.Marshaler
	Invalids uint32 // the non-null fields that resolved to null
	// few holds the values of an object of few fields (most are), so that
	// its answer is one allocation, not two.
	few [4]graphql.Marshaler
}

func newObjectFields(fields []graphql.CollectedField) *objectFields {
	o := &objectFields{fields: fields}
	if len(fields) <= len(o.few) {
		o.Values = o.few[:len(fields)]
	} else {
		o.Values = make([]graphql.Marshaler, len(fields))
	}
	return o
}

// MarshalGQL writes the answer straight into the bytes.Buffer that gqlgen
// writes an operation's answer into: through io.WriteString, each piece of
// punctuation cost a look-up of the writer's methods (3.5% of the server's
// CPU on the products page). Another writer gets the answer in one piece.
func (o *objectFields) MarshalGQL(w io.Writer) {
	b, ok := w.(*bytes.Buffer)
	if !ok {
		b = &bytes.Buffer{}
		defer func() { w.Write(b.Bytes()) }()
	}
	b.WriteByte('{')
	for i := range o.fields {
		if i > 0 {
			b.WriteByte(',')
		}
		// An alias is a GraphQL name, [_A-Za-z][_0-9A-Za-z]*: nothing to escape.
		b.WriteByte('"')
		b.WriteString(o.fields[i].Alias)
		b.WriteString(`":`)
		o.Values[i].MarshalGQL(b)
	}
	b.WriteByte('}')
}

// collectedFields caches, for one operation, each object's fields by its
// selection set and type, as graphql.CollectFields does; but gqlgen's key
// hashes the type's names with a new hash for every object, an allocation
// per name: a seventh of the products page's allocations. Here the key is
// the selection set and the generated list of the type's names.
type collectedFields struct {
	mu     sync.Mutex // an operation's root fields run concurrently
	fields map[collectKey][]graphql.CollectedField
}

type collectKey struct {
	sel       *ast.Selection // the selection set's first
	n         int
	satisfies *string // the first of the generated list of the type's names
}

// collect is graphql.CollectFields for operation oc, whose executionContext
// holds c (make generate adds it there).
func (c *collectedFields) collect(oc *graphql.OperationContext, sel ast.SelectionSet, satisfies []string) []graphql.CollectedField {
	if len(sel) == 0 || len(satisfies) == 0 {
		return graphql.CollectFields(oc, sel, satisfies)
	}
	k := collectKey{&sel[0], len(sel), &satisfies[0]}
	c.mu.Lock()
	fields, ok := c.fields[k]
	c.mu.Unlock()
	if ok {
		return fields
	}
	fields = graphql.CollectFields(oc, sel, satisfies)
	c.mu.Lock()
	if c.fields == nil {
		c.fields = map[collectKey][]graphql.CollectedField{}
	}
	c.fields[k] = fields
	c.mu.Unlock()
	return fields
}
