package graph_test

import (
	"os"
	"strings"
	"testing"
)

// TestListsMarshalInOrder fails when generated.go marshals a list with a
// goroutine per item: `make generate` rewrites gqlgen's calls to marshalList
// (graph/lists.go); a bare `go tool gqlgen generate` leaves them.
func TestListsMarshalInOrder(t *testing.T) {
	src, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "MarshalSliceConcurrently"); n > 0 {
		t.Errorf("generated.go marshals %d lists concurrently: run `make generate`, not gqlgen alone", n)
	}
	if !strings.Contains(string(src), "marshalList(ctx, len(v), ") {
		t.Error("generated.go does not use marshalList: run `make generate`")
	}
}
