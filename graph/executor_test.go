package graph_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestGeneratedExecutor fails when generated.go still calls the gqlgen helpers
// that `make generate` (graph/cmd/rewrite-exec) points to graph/executor.go (a
// goroutine per list item, a @defer group per object, a map per object's
// answer, a field set per object, a hash per object's fields, a resolver
// field scheduled for later, a field context per plain leaf); a bare `go tool gqlgen generate` leaves them.
func TestGeneratedExecutor(t *testing.T) {
	b, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	for gqlgen, ours := range map[string]string{
		"MarshalSliceConcurrently": "marshalList(ctx, len(v), ",
		"NewDeferredGroup":         "noDeferredGroup(ctx)",
		"out.ResolveConcurrently(": "out.Values[i] = ec._Product_pool(ctx, field, obj)",
		"graphql.CollectFields(":   "ec.collected.collect(ec.OperationContext, sel, productImplementors)",
	} {
		if n := strings.Count(src, gqlgen); n > 0 {
			t.Errorf("generated.go has %q %d times: run `make generate`, not gqlgen alone", gqlgen, n)
		}
		if !strings.Contains(src, ours) {
			t.Errorf("generated.go has no %q: run `make generate`", ours)
		}
	}
	// An edge's node, a plain field of an object, is marshalled in its field context.
	if !strings.Contains(src, "fc.Result = obj.Node\n\treturn ec.marshalNProduct2") {
		t.Errorf("generated.go resolves ProductEdge.node through graphql.ResolveField: run `make generate`")
	}
	// The operation's root alone keeps gqlgen's field set, for its fields run concurrently.
	if n := strings.Count(src, "graphql.NewFieldSet(fields)"); n != 1 || !strings.Contains(src, "out := newObjectFields(fields)") {
		t.Errorf("generated.go makes gqlgen's field set %d times, want once (the root's): run `make generate`", n)
	}
	// The products page's leaves, each a plain field of a string or a number.
	for _, leaf := range []string{"Product_code", "Product_name", "Pool_available", "Pool_assigned"} {
		direct := regexp.MustCompile(`func \(ec \*executionContext\) _` + leaf + `\(ctx context.Context, field graphql.CollectedField, obj [^)]+\) \(ret graphql.Marshaler\) \{\n\treturn ec\.marshalN\w+\(ctx, field.Selections, obj\.\w+\)\n\}`)
		if !direct.MatchString(src) {
			t.Errorf("generated.go resolves %s through graphql.ResolveField: run `make generate`", leaf)
		}
	}
}
