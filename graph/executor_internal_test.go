package graph

import (
	"bytes"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestObjectFieldsWriters: an object's answer is the same JSON whether it is
// written into gqlgen's bytes.Buffer or into any other writer.
func TestObjectFieldsWriters(t *testing.T) {
	inner := newObjectFields([]graphql.CollectedField{{Field: &ast.Field{Alias: "n"}}})
	inner.Values[0] = graphql.MarshalInt(7)
	o := newObjectFields([]graphql.CollectedField{{Field: &ast.Field{Alias: "code"}}, {Field: &ast.Field{Alias: "pool"}}})
	o.Values[0], o.Values[1] = graphql.MarshalString(`a"b`), inner
	var buf bytes.Buffer
	o.MarshalGQL(&buf)
	var other strings.Builder
	o.MarshalGQL(&other)
	const want = `{"code":"a\"b","pool":{"n":7}}`
	if buf.String() != want || other.String() != want {
		t.Errorf("into a bytes.Buffer %s, into a strings.Builder %s; want %s", buf.String(), other.String(), want)
	}
}
