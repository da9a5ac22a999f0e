package graph

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

// roleOf is a key's role as the schema names it.
func roleOf(r pool.Role) model.Role { return model.Role(strings.ToUpper(string(r))) }

// poolRole is roleOf's inverse, for inputs.
func poolRole(r model.Role) pool.Role { return pool.Role(strings.ToLower(string(r))) }

// deref is an optional argument's value, or its zero value when omitted.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// optional is a string to answer as null when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// auditDetail lists an audit entry's particulars by key, strings as they are
// and other values as JSON, so clients need no JSON scalar.
func auditDetail(detail map[string]any) []*model.AuditDetail {
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*model.AuditDetail, len(keys))
	for i, k := range keys {
		v, ok := detail[k].(string)
		if !ok {
			b, _ := json.Marshal(detail[k]) // it came from JSON
			v = string(b)
		}
		out[i] = &model.AuditDetail{Key: k, Value: v}
	}
	return out
}
