package db

import "strings"

// auditNames is the select expression (over audit_log l) of the names of the
// records an entry's detail refers to by id, as a JSON object by detail key.
// Each name is read under the reader's row-level security: a partner tenant
// is visible to its partners, anything else to its own tenant only, so an id
// of a record the reader may not see stays unnamed.
var auditNames = func() string {
	named := []struct{ key, query string }{
		{"partner", `SELECT name FROM tenants WHERE id = $id`},
		{"cmo", `SELECT name FROM tenants WHERE id = $id`},
		{"mah", `SELECT name FROM tenants WHERE id = $id`},
		{"key", `SELECT coalesce(u.name || ' <' || u.email || '>', k.service_account) FROM api_keys k LEFT JOIN users u ON u.id = k.owner_user_id WHERE k.id = $id`},
		{"user", `SELECT name || ' <' || email || '>' FROM users WHERE id = $id`},
		{"channel", `SELECT name FROM channels WHERE id = $id`},
		{"request", `SELECT order_ref FROM serial_requests WHERE id = $id`},
	}
	parts := make([]string, len(named))
	for i, n := range named {
		// Only a JSON number is an id; anything else under the key is left alone.
		id := `CASE WHEN jsonb_typeof(l.detail->'` + n.key + `') = 'number' THEN (l.detail->>'` + n.key + `')::bigint END`
		parts[i] = `'` + n.key + `', (` + strings.ReplaceAll(n.query, "$id", id) + `)`
	}
	return `jsonb_strip_nulls(jsonb_build_object(` + strings.Join(parts, ", ") + `))`
}()
