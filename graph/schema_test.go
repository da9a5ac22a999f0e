package graph

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The schema is a contract with BI tools and shop-floor systems: a change that
// can break a client must be deliberate. TestSchemaHasNoBreakingChanges
// compares the union of schema/*.graphqls with the snapshot in testdata (one
// file); after a deliberate breaking change (better: a deprecation), run
// `make schema-snapshot`.

// contractFiles is the schema, one file per domain, as gqlgen.yml reads it and
// as generated.go names its sources.
const contractFiles = "../schema/*.graphqls"

// loadContract parses every file of the contract as one schema.
func loadContract(t *testing.T) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(contractSources(t)...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func contractSources(t *testing.T) []*ast.Source {
	t.Helper()
	paths, err := filepath.Glob(contractFiles)
	if err != nil || len(paths) == 0 {
		t.Fatalf("no schema files %s (%v)", contractFiles, err)
	}
	out := make([]*ast.Source, len(paths))
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = &ast.Source{Name: p, Input: string(b)}
	}
	return out
}

func loadSchema(t *testing.T, name, path string) *ast.Schema {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return loadSchemaText(t, name, string(b))
}

func loadSchemaText(t *testing.T, name, text string) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: text})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSchemaHasNoBreakingChanges(t *testing.T) {
	old := loadSchema(t, "snapshot", "testdata/schema.snapshot.graphqls")
	cur := loadContract(t)
	if problems := breakingChanges(old, cur); len(problems) > 0 {
		t.Errorf("schema/*.graphqls breaks clients of the snapshot (deprecate instead, or run `make schema-snapshot` if deliberate):\n%s",
			strings.Join(problems, "\n"))
	}
}

func TestBreakingChangeDetection(t *testing.T) {
	base := `type Query { a(x: Int): String!  b: [Int!]  list(first: Int): [T!]! }
		type T { id: ID! name: String }
		input I { x: Int  y: String! }
		enum E { ONE TWO }`
	for _, tc := range []struct {
		change string
		schema string
		breaks bool
	}{
		{"nothing", base, false},
		{"field added", strings.Replace(base, "name: String }", "name: String  more: Int }", 1), false},
		{"optional argument added", strings.Replace(base, "b: [Int!]", "b(y: Int): [Int!]", 1), false},
		{"output made non-null", strings.Replace(base, "name: String }", "name: String! }", 1), false},
		{"enum value added", strings.Replace(base, "ONE TWO", "ONE TWO THREE", 1), false},
		{"field removed", strings.Replace(base, "name: String }", "}", 1), true},
		{"type removed", strings.Replace(base, "enum E { ONE TWO }", "", 1), true},
		{"output made nullable", strings.Replace(base, "a(x: Int): String!", "a(x: Int): String", 1), true},
		{"output type changed", strings.Replace(base, "name: String }", "name: Int }", 1), true},
		{"list made a value", strings.Replace(base, "b: [Int!]", "b: Int", 1), true},
		{"argument removed", strings.Replace(base, "a(x: Int)", "a", 1), true},
		{"argument made required", strings.Replace(base, "a(x: Int)", "a(x: Int!)", 1), true},
		{"required argument added", strings.Replace(base, "b: [Int!]", "b(y: Int!): [Int!]", 1), true},
		{"enum value removed", strings.Replace(base, "ONE TWO", "ONE", 1), true},
		{"input field removed", strings.Replace(base, "x: Int  y", "y", 1), true},
		{"required input field added", strings.Replace(base, "y: String! }", "y: String!  z: Int! }", 1), true},
		{"input field made required", strings.Replace(base, "x: Int  y", "x: Int!  y", 1), true},
	} {
		got := breakingChanges(loadSchemaText(t, "old", base), loadSchemaText(t, "new", tc.schema))
		if (len(got) > 0) != tc.breaks {
			t.Errorf("%s: breaking changes %v, want breaking=%v", tc.change, got, tc.breaks)
		}
	}
}

// breakingChanges lists what in cur can break a client written against old.
func breakingChanges(old, cur *ast.Schema) []string {
	var out []string
	report := func(format string, args ...any) { out = append(out, "  "+fmt.Sprintf(format, args...)) }
	for name, ot := range old.Types {
		if ot.BuiltIn {
			continue
		}
		nt := cur.Types[name]
		if nt == nil {
			report("type %s was removed", name)
			continue
		}
		if nt.Kind != ot.Kind {
			report("type %s changed from %s to %s", name, ot.Kind, nt.Kind)
			continue
		}
		switch ot.Kind {
		case ast.Object, ast.Interface:
			for _, of := range ot.Fields {
				nf := nt.Fields.ForName(of.Name)
				if nf == nil {
					report("field %s.%s was removed", name, of.Name)
					continue
				}
				if !outputCompatible(of.Type, nf.Type) {
					report("field %s.%s changed type from %s to %s", name, of.Name, of.Type, nf.Type)
				}
				for _, oa := range of.Arguments {
					na := nf.Arguments.ForName(oa.Name)
					if na == nil {
						report("argument %s.%s(%s) was removed", name, of.Name, oa.Name)
					} else if !inputCompatible(oa.Type, na.Type, na.DefaultValue != nil) {
						report("argument %s.%s(%s) changed type from %s to %s", name, of.Name, oa.Name, oa.Type, na.Type)
					}
				}
				for _, na := range nf.Arguments {
					if of.Arguments.ForName(na.Name) == nil && na.Type.NonNull && na.DefaultValue == nil {
						report("required argument %s.%s(%s) was added", name, of.Name, na.Name)
					}
				}
			}
		case ast.InputObject:
			for _, of := range ot.Fields {
				nf := nt.Fields.ForName(of.Name)
				if nf == nil {
					report("input field %s.%s was removed", name, of.Name)
				} else if !inputCompatible(of.Type, nf.Type, nf.DefaultValue != nil) {
					report("input field %s.%s changed type from %s to %s", name, of.Name, of.Type, nf.Type)
				}
			}
			for _, nf := range nt.Fields {
				if ot.Fields.ForName(nf.Name) == nil && nf.Type.NonNull && nf.DefaultValue == nil {
					report("required input field %s.%s was added", name, nf.Name)
				}
			}
		case ast.Enum:
			for _, ov := range ot.EnumValues {
				if nt.EnumValues.ForName(ov.Name) == nil {
					report("enum value %s.%s was removed", name, ov.Name)
				}
			}
		case ast.Union:
			for _, m := range ot.Types {
				if !slices.Contains(nt.Types, m) {
					report("union %s lost member %s", name, m)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// outputCompatible: a client reading old can read cur if it is the same type,
// possibly made non-null.
func outputCompatible(old, cur *ast.Type) bool {
	if old.NonNull && !cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

// inputCompatible: what a client sent for old is still valid for cur if it is
// the same type, possibly made nullable (or given a default).
func inputCompatible(old, cur *ast.Type, hasDefault bool) bool {
	if !old.NonNull && cur.NonNull && !hasDefault {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return inputCompatible(old.Elem, cur.Elem, false)
	}
	return old.NamedType == cur.NamedType
}

// TestSchemaIsDescribed requires a description on every type, field,
// argument, input field and enum value: BI tools show them.
func TestSchemaIsDescribed(t *testing.T) {
	s := loadContract(t)
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if def.Description == "" {
			t.Errorf("type %s has no description", name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue // introspection
			}
			if f.Description == "" {
				t.Errorf("field %s.%s has no description", name, f.Name)
			}
			for _, a := range f.Arguments {
				if a.Description == "" && !describedIn(f.Description, a.Name) {
					t.Errorf("argument %s.%s(%s) has no description", name, f.Name, a.Name)
				}
			}
		}
		for _, v := range def.EnumValues {
			if v.Description == "" {
				t.Errorf("enum value %s.%s has no description", name, v.Name)
			}
		}
	}
}

// describedIn reports whether a field's description explains an argument in prose.
func describedIn(description, arg string) bool { return strings.Contains(description, "`"+arg+"`") }

// TestGeneratedFromContract fails when generated.go was not regenerated after
// a change to schema/*.graphqls (or a file was added or removed): the server
// would serve, and validate against, another schema than the contract.
func TestGeneratedFromContract(t *testing.T) {
	served := map[string]string{}
	for _, s := range sources {
		served[s.Name] = s.Input
	}
	for _, s := range contractSources(t) {
		in, ok := served[s.Name]
		switch {
		case !ok:
			t.Errorf("%s is not in generated.go: run `make generate`", s.Name)
		case in != s.Input:
			t.Errorf("%s differs from generated.go: run `make generate`", s.Name)
		}
		delete(served, s.Name)
	}
	for name := range served {
		t.Errorf("generated.go serves %s, which is not in %s: run `make generate`", name, contractFiles)
	}
}

// TestArgumentDescriptionsAreSpecific fails on a placeholder: one description
// given to arguments of different types says nothing about any of them (as
// "What to do." did for twelve different inputs).
func TestArgumentDescriptionsAreSpecific(t *testing.T) {
	types := map[string]map[string][]string{} // description -> argument type -> where
	for name, def := range loadContract(t).Types {
		for _, f := range def.Fields {
			for _, a := range f.Arguments {
				if a.Description == "" {
					continue // TestSchemaIsDescribed's concern
				}
				if types[a.Description] == nil {
					types[a.Description] = map[string][]string{}
				}
				types[a.Description][a.Type.String()] = append(types[a.Description][a.Type.String()], name+"."+f.Name+"("+a.Name+")")
			}
		}
	}
	for desc, byType := range types {
		if len(byType) > 1 {
			var where []string
			for _, w := range byType {
				where = append(where, w...)
			}
			slices.Sort(where)
			t.Errorf("%q describes arguments of %d types: %s", desc, len(byType), strings.Join(where, ", "))
		}
	}
}
