// Package model holds the GraphQL types that are not domain types: connections,
// edges and the generated inputs and payloads.
package model

import (
	"encoding/json"
	"fmt"
	"io"
)

// ProductConnection is a page of products; TotalCount is resolved only when asked
// for, since it counts every page.
type ProductConnection struct {
	Edges    []*ProductEdge
	PageInfo *PageInfo
	Search   string
}

// ExtraParameters are a serial's extra parameters by GS1 AI (a JSON object of strings).
type ExtraParameters map[string]string

// UnmarshalGQL implements graphql.Unmarshaler.
func (e *ExtraParameters) UnmarshalGQL(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("extra parameters must be an object of strings by AI")
	}
	*e = make(ExtraParameters, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			return fmt.Errorf("extra parameter %q must be a string", k)
		}
		(*e)[k] = s
	}
	return nil
}

// MarshalGQL implements graphql.Marshaler.
func (e ExtraParameters) MarshalGQL(w io.Writer) {
	json.NewEncoder(w).Encode(map[string]string(e))
}
