// Command rewrite-exec points gqlgen's generated executor (graph/generated.go)
// at the helpers of graph/executor.go, for costs measured on the read pages
// (bench/README.md, "The read path"). `make generate` runs it after gqlgen;
// graph's TestGeneratedExecutor fails when a bare `gqlgen generate` undid it.
//
// It rewrites, in place:
//   - every list to marshalList (gqlgen starts a goroutine per item);
//   - every object's @defer group to noDeferredGroup (@defer is refused);
//   - every object's answer to objectFields (gqlgen's dedupes aliases that
//     CollectFields already merged, in a map per object), which for an object
//     other than an operation's root is also its field set: its fields all
//     resolve in place (below), so gqlgen's field set and its dispatch are
//     not needed;
//   - every object's fields to ec.collected, which caches them per operation
//     as gqlgen does but under a key that costs no allocation;
//   - every resolver field of an object to resolve in place, as its other
//     fields do: gqlgen schedules them on the object's field set and, when an
//     object has several, runs all but one in goroutines of their own (a page's
//     items share what they need primed, and the loaders wait 200 µs at most);
//   - every plain leaf (a struct field read off its object, with no resolver,
//     method or middleware, of a string, an ID, a number, a boolean or an
//     enum, whose marshaller answers null only for a nullable field's nil) to a direct
//     call of its marshaller, without gqlgen's field context, closures and
//     panic guard, which cost eight allocations per leaf;
//   - every other plain field whose value is a pointer or a slice (an
//     object, a list) to its field context and a direct call of its
//     marshaller, without gqlgen's closures and panic guard: a panic below
//     it is its list item's or its parent field's error instead.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"sort"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: rewrite-exec graph/generated.go")
	}
	src, err := os.ReadFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	out, err := rewrite(src)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(os.Args[1], out, 0o644); err != nil {
		log.Fatal(err)
	}
}

// The calls rewritten as text: each is gqlgen's, with ours in its place.
var calls = []struct{ gqlgen, ours string }{
	{"graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, ", "marshalList(ctx, len(v), "},
	{"graphql.NewDeferredGroup(ctx)", "noDeferredGroup(ctx)"},
	{"graphql.CollectFields(ec.OperationContext, sel, ", "ec.collected.collect(ec.OperationContext, sel, "},
	{"type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n}",
		"type executionContext struct {\n\t*graphql.ExecutionContextState[ResolverRoot, DirectiveRoot, ComplexityRoot]\n\tcollected collectedFields\n}"},
}

// valueMarshallers are gqlgen's marshallers that write a JSON value for any
// Go value they take, never null.
var valueMarshallers = map[string]bool{"graphql.MarshalString": true, "graphql.MarshalID": true, "graphql.MarshalBoolean": true,
	"graphql.MarshalInt": true, "graphql.MarshalInt32": true, "graphql.MarshalInt64": true}

type edit struct {
	from, to int
	text     string
}

func rewrite(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", src, 0)
	if err != nil {
		return nil, err
	}
	text := func(n ast.Node) string {
		return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	offset := func(p token.Pos) int { return fset.Position(p).Offset }

	// Marshallers whose answer is one of gqlgen's for a string, number or
	// boolean, which always write a value. Those of a nullable field (marshalO)
	// take a pointer and answer null for nil, as gqlgen answers a nullable
	// field whose resolver gave nil: never an error either way.
	values := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || !strings.HasPrefix(fn.Name.Name, "marshalN") && !strings.HasPrefix(fn.Name.Name, "marshalO") {
			continue
		}
		for _, s := range fn.Body.List {
			if a, ok := s.(*ast.AssignStmt); ok && len(a.Rhs) == 1 && text(a.Lhs[0]) == "res" {
				if c, ok := a.Rhs[0].(*ast.CallExpr); ok && valueMarshallers[text(c.Fun)] {
					values[fn.Name.Name] = true
				}
			}
		}
	}

	var edits []edit
	leaves, plainObjects, objects, resolvers := 0, 0, 0, 0
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || fn.Body == nil {
			continue
		}
		if f, ok := plainField(fn, text); ok {
			switch {
			case values[f.marshal] && (!strings.HasPrefix(f.marshal, "marshalO") || f.nonNull == "false"):
				// A nullable field's marshaller for a non-null field would turn a nil
				// into null where gqlgen reports an error: gqlgen generates none, but
				// only the pairs it generates are rewritten.
				edits = append(edits, edit{offset(fn.Body.Lbrace) + 1, offset(fn.Body.Rbrace),
					fmt.Sprintf("\n\treturn ec.%s(ctx, field.Selections, obj.%s)\n", f.marshal, f.name)})
				leaves++
			case strings.HasPrefix(f.typ, "*") || strings.HasPrefix(f.typ, "[]"):
				// An object or a list: a pointer or a slice, never a nil interface
				// once in gqlgen's any, so gqlgen hands it to the marshaller, which
				// answers its nil.
				edits = append(edits, edit{offset(fn.Body.Lbrace) + 1, offset(fn.Body.Rbrace),
					fmt.Sprintf("\n\tfc, err := ec.%s(ctx, field)\n\tif err != nil {\n\t\treturn graphql.Null\n\t}\n\tfc.Result = obj.%s\n\treturn ec.%s(graphql.WithFieldContext(ctx, fc), field.Selections, obj.%s)\n",
						f.fieldContext, f.name, f.marshal, f.name)})
				plainObjects++
			}
			continue
		}
		set := fieldSet(fn, text)
		if set == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if e, ok := resolvedInline(n, text, offset); ok {
				edits = append(edits, e)
				resolvers++
			}
			return true
		})
		last, ok := fn.Body.List[len(fn.Body.List)-1].(*ast.ReturnStmt)
		if !ok || text(last) != "return out" {
			return nil, fmt.Errorf("%s: an object's marshaller that does not end in `return out`", fn.Name.Name)
		}
		if strings.Contains(text(fn.Body), "out.ResolveRootConcurrently(") {
			// An operation's root fields run concurrently on gqlgen's field set.
			edits = append(edits, edit{offset(last.Pos()), offset(last.End()), "return &objectFields{fields: fields, Values: out.Values}"})
		} else {
			edits = append(edits, edit{offset(set.Pos()), offset(set.End()), "out := newObjectFields(fields)"})
			dispatched := false
			for _, st := range fn.Body.List {
				if text(st) == "out.Dispatch(ctx)" {
					edits = append(edits, edit{offset(st.Pos()), offset(st.End()), ""})
					dispatched = true
				}
			}
			if !dispatched {
				return nil, fmt.Errorf("%s: an object's marshaller that does not call `out.Dispatch(ctx)`", fn.Name.Name)
			}
		}
		objects++
	}
	if leaves == 0 || plainObjects == 0 || objects == 0 || resolvers == 0 {
		return nil, fmt.Errorf("found %d plain leaves, %d plain fields of objects, %d objects and %d resolver fields: has gqlgen's generated code changed?",
			leaves, plainObjects, objects, resolvers)
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].from > edits[j].from })
	for _, e := range edits {
		src = append(src[:e.from:e.from], append([]byte(e.text), src[e.to:]...)...)
	}
	for _, c := range calls {
		if !bytes.Contains(src, []byte(c.gqlgen)) {
			return nil, fmt.Errorf("generated.go does not call %s: has gqlgen's generated code changed?", c.gqlgen)
		}
		src = bytes.ReplaceAll(src, []byte(c.gqlgen), []byte(c.ours))
	}
	return format.Source(src)
}

// plainFieldOf is a plain field's marshaller: what it reads and how.
type plainFieldOf struct {
	name         string // the struct field read off the object
	typ          string // its Go type
	fieldContext string // the method making its field context
	marshal      string // the method marshalling its value
	nonNull      string // ResolveField's nonNull argument
}

// plainField reports whether fn is a field's marshaller of the form
//
//	return graphql.ResolveField(ctx, ec.OperationContext, field,
//		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
//			return ec.fieldContext_Object_field(ctx, field)
//		},
//		func(ctx context.Context) (any, error) { return obj.Field, nil },
//		nil, func(ctx context.Context, selections ast.SelectionSet, v T) graphql.Marshaler {
//			return ec.marshalT(ctx, selections, v)
//		}, true, nonNull)
//
// a struct field with no resolver, method or middleware, and returns what it
// reads and how.
func plainField(fn *ast.FuncDecl, text func(ast.Node) string) (plainFieldOf, bool) {
	var f plainFieldOf
	if len(fn.Body.List) != 1 {
		return f, false
	}
	ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return f, false
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || len(call.Args) != 9 || text(call.Fun) != "graphql.ResolveField" || text(call.Args[5]) != "nil" || text(call.Args[7]) != "true" {
		return f, false
	}
	init, ok := singleReturn(call.Args[3])
	if !ok || len(init.Args) != 2 || text(init.Args[0]) != "ctx" || text(init.Args[1]) != "field" {
		return f, false
	}
	resolver, ok := call.Args[4].(*ast.FuncLit)
	if !ok || len(resolver.Body.List) != 1 {
		return f, false
	}
	r, ok := resolver.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(r.Results) != 2 || text(r.Results[1]) != "nil" {
		return f, false
	}
	sel, ok := r.Results[0].(*ast.SelectorExpr) // a field, not a method's call
	if !ok || text(sel.X) != "obj" {
		return f, false
	}
	m, ok := call.Args[6].(*ast.FuncLit)
	if !ok || len(m.Type.Params.List) != 3 {
		return f, false
	}
	mc, ok := singleReturn(m)
	if !ok || len(mc.Args) != 3 || text(mc.Args[1]) != "selections" || text(mc.Args[2]) != "v" {
		return f, false
	}
	f.name, f.typ, f.nonNull = sel.Sel.Name, text(m.Type.Params.List[2].Type), text(call.Args[8])
	if f.fieldContext, ok = strings.CutPrefix(text(init.Fun), "ec."); !ok {
		return f, false
	}
	f.marshal, ok = strings.CutPrefix(text(mc.Fun), "ec.")
	return f, ok
}

// singleReturn returns the call that function literal e is `return call` of.
func singleReturn(e ast.Expr) (*ast.CallExpr, bool) {
	fn, ok := e.(*ast.FuncLit)
	if !ok || len(fn.Body.List) != 1 {
		return nil, false
	}
	r, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(r.Results) != 1 {
		return nil, false
	}
	c, ok := r.Results[0].(*ast.CallExpr)
	return c, ok
}

// resolvedInline returns, for a resolver field of an object scheduled on its
// field set,
//
//	out.ResolveConcurrently(ec.OperationContext, &deferred, i, true, nonNull,
//		func(ctx context.Context) graphql.Marshaler { return ec._Object_field(ctx, field, obj) })
//
// the edit that resolves it at once, counting an invalid result as gqlgen
// counts a field resolved in place. The field's own graphql.ResolveField
// guards it against panics as recoverToNull did.
func resolvedInline(n ast.Node, text func(ast.Node) string, offset func(token.Pos) int) (edit, bool) {
	st, ok := n.(*ast.ExprStmt)
	if !ok {
		return edit{}, false
	}
	call, ok := st.X.(*ast.CallExpr)
	if !ok || text(call.Fun) != "out.ResolveConcurrently" || len(call.Args) != 6 || text(call.Args[3]) != "true" {
		return edit{}, false
	}
	fn, ok := call.Args[5].(*ast.FuncLit)
	if !ok || len(fn.Body.List) != 1 {
		return edit{}, false
	}
	ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return edit{}, false
	}
	invalid := "graphql.RequiredNull"
	if text(call.Args[4]) == "true" {
		invalid = "graphql.Null"
	}
	return edit{offset(st.Pos()), offset(st.End()), fmt.Sprintf("out.Values[i] = %s\n\t\t\tif out.Values[i] == %s {\n\t\t\t\tatomic.AddUint32(&out.Invalids, 1)\n\t\t\t}",
		text(ret.Results[0]), invalid)}, true
}

// fieldSet returns, if fn marshals an object, the statement that makes its
// field set: out := graphql.NewFieldSet(fields).
func fieldSet(fn *ast.FuncDecl, text func(ast.Node) string) *ast.AssignStmt {
	for _, s := range fn.Body.List {
		if a, ok := s.(*ast.AssignStmt); ok && len(a.Rhs) == 1 && text(a.Rhs[0]) == "graphql.NewFieldSet(fields)" {
			return a
		}
	}
	return nil
}
