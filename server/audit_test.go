package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serialpool/serialpool/graph"
)

// TestAuditVerifyCommand: `audit verify` over the demo's trail says the chain is
// intact; after the superuser edits an entry, and in another run deletes one, it
// fails (so the command exits non-zero) naming the tenant, the entry and what
// differs.
func TestAuditVerifyCommand(t *testing.T) {
	for _, c := range []struct{ name, tamper, want string }{
		{"edited", `UPDATE audit_log SET actor = 'someone else' WHERE id = %d`, "at entry %[2]d (#%[3]d, "},
		{"deleted", `DELETE FROM audit_log WHERE id = %d`, "at entry %[4]d (#%[5]d, "},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := newDemo(t)
			t.Setenv("DATABASE_URL", d.dbURL)
			ctx := context.Background()
			verify := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(ctx, append([]string{"audit", "verify"}, args...), strings.NewReader(""), &out)
				return out.String(), err
			}
			var tenant, id, seq, nextID, nextSeq int64
			// An entry in the middle of the demo MAH's chain, and the one after it.
			err := d.sql(t, `SELECT l.tenant_id, l.id, l.seq, n.id, n.seq FROM audit_log l
				JOIN tenants t ON t.id = l.tenant_id AND t.name = 'Demo Pharma'
				JOIN audit_log n ON n.tenant_id = l.tenant_id AND n.seq = l.seq + 1
				ORDER BY l.seq LIMIT 1 OFFSET 1`).Scan(&tenant, &id, &seq, &nextID, &nextSeq)
			if err != nil {
				t.Fatal(err)
			}
			out, err := verify()
			if err != nil || !strings.Contains(out, "checked: chain intact\n") || !strings.Contains(out, "\nanchor "+graph.TenantID(tenant)+" ") {
				t.Fatalf("untouched demo: %q, %v", out, err)
			}
			if _, err := d.conn(t).Exec(ctx, `SET session_replication_role = replica; `+fmt.Sprintf(c.tamper, id)); err != nil {
				t.Fatal(err)
			}
			out, err = verify()
			want := fmt.Sprintf("tenant %[1]s: first broken link "+c.want, graph.TenantID(tenant), id, seq, nextID, nextSeq)
			if err == nil || !strings.Contains(out, "1 chains broken\n") || !strings.Contains(out, want) {
				t.Errorf("after the %s entry %d: %q, %v; want %q", c.name, id, out, err, want)
			}
			if c.name == "edited" && !strings.Contains(out, "content edited") {
				t.Errorf("edit not named: %q", out)
			}
			if c.name == "deleted" && !strings.Contains(out, fmt.Sprintf("entries missing: entry #%d before this one deleted", seq)) {
				t.Errorf("deletion not named: %q", out)
			}
			// Another tenant's chain alone is intact.
			var other int64
			d.sql(t, `SELECT id FROM tenants WHERE id <> $1 ORDER BY id LIMIT 1`, tenant).Scan(&other)
			if out, err := verify("--tenant", graph.TenantID(other)); err != nil || !strings.Contains(out, "1 tenants checked: chain intact") {
				t.Errorf("verify --tenant of another tenant: %q, %v", out, err)
			}
			if _, err := verify("--tenant", "nonsense"); err == nil {
				t.Error("verify --tenant nonsense succeeded")
			}
		})
	}
}

// TestAuditVerifyAnchorsCommand: the anchor lines of one verify, kept in a
// file, make a later verify --anchors find a chain the superuser rewrote
// whole (an edit, every later hash and the head recomputed), which is
// intact by itself.
func TestAuditVerifyAnchorsCommand(t *testing.T) {
	d := newDemo(t)
	t.Setenv("DATABASE_URL", d.dbURL)
	ctx := context.Background()
	verify := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"audit", "verify"}, args...), strings.NewReader(""), &out)
		return out.String(), err
	}
	out, err := verify()
	if err != nil {
		t.Fatal(out, err)
	}
	var anchors []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "anchor ") {
			anchors = append(anchors, line)
		}
	}
	file := filepath.Join(t.TempDir(), "anchors.txt")
	if err := os.WriteFile(file, []byte(out), 0o600); err != nil || len(anchors) == 0 {
		t.Fatalf("anchors %q, %v", anchors, err)
	}
	var tenant int64
	if err := d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := d.conn(t).Exec(ctx, fmt.Sprintf(`SET session_replication_role = replica;
		UPDATE audit_log SET actor = 'someone else' WHERE tenant_id = %[1]d AND seq = 2;
		DO $$ DECLARE e audit_log; prev bytea; BEGIN
			FOR e IN SELECT * FROM audit_log WHERE tenant_id = %[1]d ORDER BY seq LOOP
				IF prev IS NOT NULL THEN e.prev_hash := prev; END IF;
				e.hash := audit_entry_hash(e);
				UPDATE audit_log SET prev_hash = e.prev_hash, hash = e.hash WHERE id = e.id;
				prev := e.hash;
			END LOOP;
			UPDATE audit_heads SET hash = prev WHERE tenant_id = %[1]d; END $$`, tenant)); err != nil {
		t.Fatal(err)
	}
	if out, err := verify(); err != nil || !strings.Contains(out, "checked: chain intact") {
		t.Fatalf("the rewritten chain by itself: %q, %v", out, err)
	}
	out, err = verify("--anchors", file)
	if err == nil || !strings.Contains(out, fmt.Sprintf("against %d anchors: 1 chains broken", len(anchors))) ||
		!strings.Contains(out, "tenant "+graph.TenantID(tenant)+": first broken link") || !strings.Contains(out, "not the one anchored") {
		t.Errorf("verify --anchors after the rewrite: %q, %v", out, err)
	}
	if err := os.WriteFile(file, []byte("anchor x 1 00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := verify("--anchors", file); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a malformed anchor file: %v", err)
	}
}

// TestSignedChangeOverGraphQL: a significant mutation without a signature is
// SIGNATURE_REQUIRED; signed, its audit entry shows the signature and the old
// and new values, and the trail filters by the person or key that acted.
func TestSignedChangeOverGraphQL(t *testing.T) {
	d := newDemo(t)
	const limits = `mutation($s: SignatureInput) { updateProductLimits(input: {productCode: "` + amoxicillin + `", requestCap: 4321}, signature: $s) { requestCap } }`
	if r := d.gql(t, d.keys.MAHAdmin, limits, nil); r.code() != "SIGNATURE_REQUIRED" {
		t.Errorf("unsigned limits: %+v", r.Errors)
	}
	if r := d.gql(t, d.keys.MAHAdmin, limits, map[string]any{"s": map[string]any{"meaning": "APPROVED", "reason": "   "}}); r.code() != "BAD_USER_INPUT" {
		t.Errorf("a signature without a reason: %+v", r.Errors)
	}
	d.gql(t, d.keys.MAHAdmin, limits, map[string]any{"s": map[string]any{"meaning": "APPROVED", "reason": "QA change 42"}}).ok(t, &struct{}{})
	var v struct {
		AuditLog struct {
			Edges []struct {
				Node struct {
					Actor   string
					Changes []struct {
						Field    string
						Old, New *string
						Secret   bool
					}
					Signature *struct {
						Name, Email, Meaning, Reason, At string
						ServiceAccount                   bool
					}
				}
			}
		}
	}
	const trail = `query($actor: String) { auditLog(filter: {action: "product.limits", actor: $actor}) { edges { node { actor
		changes { field old new secret } signature { name email meaning reason at serviceAccount } } } } }`
	d.gql(t, d.keys.MAHViewer, trail, map[string]any{"actor": "KEY:"}).ok(t, &v)
	if e := v.AuditLog.Edges; len(e) != 1 || len(e[0].Node.Changes) != 1 || e[0].Node.Signature == nil {
		t.Fatalf("the signed change: %+v", v)
	}
	n := v.AuditLog.Edges[0].Node
	if c := n.Changes[0]; c.Field != "requestCap" || c.Old == nil || *c.Old == "4321" || c.New == nil || *c.New != "4321" || c.Secret {
		t.Errorf("change %+v", c)
	}
	if s := n.Signature; s.Name != n.Actor || !s.ServiceAccount || s.Email != "" || s.Meaning != "APPROVED" || s.Reason != "QA change 42" || s.At == "" {
		t.Errorf("signature %+v (actor %s)", s, n.Actor)
	}
	d.gql(t, d.keys.MAHViewer, trail, map[string]any{"actor": "nobody@example.com"}).ok(t, &v)
	if len(v.AuditLog.Edges) != 0 {
		t.Errorf("entries of someone who did nothing: %+v", v.AuditLog.Edges)
	}
}
