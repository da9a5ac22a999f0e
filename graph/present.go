package graph

import (
	"context"
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
// and other values as JSON, so clients need no JSON scalar; an id with the
// name of what it refers to.
func auditDetail(detail map[string]any, names map[string]string) []*model.AuditDetail {
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
		if name, ok := names[k]; ok {
			out[i].Text = &name
		}
	}
	return out
}

// auditChanges lists what a change of master data changed (the "changes" of
// its detail, as db records them), by field; values as JSON, a secret without.
func auditChanges(detail map[string]any) []*model.AuditChange {
	changes, _ := detail["changes"].(map[string]any)
	out := make([]*model.AuditChange, 0, len(changes))
	for field, c := range changes {
		ch := &model.AuditChange{Field: field}
		if v, ok := c.(map[string]any); ok {
			ch.Old, ch.New = jsonOf(v["old"]), jsonOf(v["new"])
		} else {
			ch.Secret = true // recorded only as "changed"
		}
		out = append(out, ch)
	}
	slices.SortFunc(out, func(a, b *model.AuditChange) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// jsonOf is v as JSON, or nil for JSON null.
func jsonOf(v any) *string {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v) // it came from JSON
	s := string(b)
	return &s
}

// signed is ctx carrying the caller's signature, if it gave one.
func signed(ctx context.Context, s *pool.SignatureInput) context.Context {
	if s == nil {
		return ctx
	}
	return pool.WithSignature(ctx, *s)
}
