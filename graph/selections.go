package graph

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Validation (gqlparser's OverlappingFieldsCanBeMerged) compares the fields
// of a selection set pairwise, so its time grows with the square of a set's
// width and of the fields that share response names across nested sets:
// 14,000 copies of one field took 7 s. The document is therefore measured
// before it is validated, in one pass that counts each fragment once, and
// refused when one selection set (with its fragments merged in) is wider than
// maxWidth or the whole operation, with fragments expanded, selects more than
// maxSelections fields.

// selectionSize measures the documents of one request.
type selectionSize struct {
	frags    ast.FragmentDefinitionList
	sizes    map[string]setSize // by fragment name
	visiting map[string]bool    // fragments being measured: a cycle, which validation refuses
	widest   int
	limit    int // counts saturate here, so that nested fragments cannot overflow them
}

// setSize is a selection set's width (its fields, with inline fragments and
// spreads merged in) and its fields at every depth.
type setSize struct{ width, total int }

// measureSelections returns the widest selection set of doc and the most
// fields any of its operations selects; both stop counting past limit.
func measureSelections(doc *ast.QueryDocument, limit int) (widest, total int) {
	m := &selectionSize{frags: doc.Fragments, sizes: map[string]setSize{}, visiting: map[string]bool{}, limit: limit}
	for _, op := range doc.Operations {
		total = max(total, m.set(op.SelectionSet).total)
	}
	for _, f := range doc.Fragments { // unused fragments are validated too
		m.fragment(f.Name)
	}
	return m.widest, total
}

func (m *selectionSize) set(set ast.SelectionSet) setSize {
	var s setSize
	for _, sel := range set {
		var inner setSize
		switch sel := sel.(type) {
		case *ast.Field:
			sub := m.set(sel.SelectionSet)
			m.widest = max(m.widest, sub.width)
			inner = setSize{width: 1, total: 1 + sub.total}
		case *ast.InlineFragment:
			inner = m.set(sel.SelectionSet)
		case *ast.FragmentSpread:
			inner = m.fragment(sel.Name)
		}
		s = setSize{width: min(s.width+inner.width, m.limit), total: min(s.total+inner.total, m.limit)}
	}
	return s
}

func (m *selectionSize) fragment(name string) setSize {
	if s, ok := m.sizes[name]; ok {
		return s
	}
	f := m.frags.ForName(name)
	if f == nil || m.visiting[name] {
		return setSize{} // unknown or cyclic: validation refuses it
	}
	m.visiting[name] = true
	s := m.set(f.SelectionSet)
	m.widest = max(m.widest, s.width)
	delete(m.visiting, name)
	m.sizes[name] = s
	return s
}

// checkSelections refuses a document over the width or selection limit.
func checkSelections(doc *ast.QueryDocument, maxWidth, maxSelections int) *gqlerror.Error {
	widest, total := measureSelections(doc, max(maxWidth, maxSelections)+1)
	if widest > maxWidth {
		return tooComplex("a selection set holds more than %d fields (its fragments included), the limit", maxWidth)
	}
	if total > maxSelections {
		return tooComplex("the query selects more than %d fields (its fragments expanded), the limit", maxSelections)
	}
	return nil
}
