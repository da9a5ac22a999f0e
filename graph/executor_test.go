package graph_test

import (
	"os"
	"strings"
	"testing"
)

// TestGeneratedExecutor fails when generated.go still calls the gqlgen helpers
// that `make generate` points to graph/executor.go (a goroutine per list item,
// a @defer group per object, a leaf's own context); a bare `go tool gqlgen generate` leaves them.
func TestGeneratedExecutor(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	for gqlgen, ours := range map[string]string{
		"MarshalSliceConcurrently": "marshalList(ctx, len(v), ",
		"NewDeferredGroup":         "noDeferredGroup(ctx)",
		"ResolveField(":            "return resolveField(",
	} {
		if n := strings.Count(string(src), gqlgen); n > 0 {
			t.Errorf("generated.go calls graphql.%s %d times: run `make generate`, not gqlgen alone", gqlgen, n)
		}
		if !strings.Contains(string(src), ours) {
			t.Errorf("generated.go does not call %s...: run `make generate`", ours)
		}
	}
}
