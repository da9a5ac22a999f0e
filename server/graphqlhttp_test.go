package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestGraphQLOverHTTPAudit runs the audit suite of the npm package graphql-http
// (the reference for the GraphQL over HTTP specification) against the server:
// every MUST and every SHOULD passes; the MAYs are logged.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	cmd := exec.Command("node", "testdata/graphql-http-audit.mjs")
	cmd.Env = append(os.Environ(), "SERIALPOOL_URL="+d.url, "SERIALPOOL_KEY="+d.keys.MAHViewer)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("audit: %v", err)
	}
	var results []struct{ ID, Name, Status, Reason string }
	if err := json.Unmarshal(out, &results); err != nil || len(results) == 0 {
		t.Fatalf("audit printed %q: %v", out, err)
	}
	passed, total := map[string]int{}, map[string]int{}
	for _, r := range results {
		level := strings.Fields(r.Name)[0] // MUST, SHOULD or MAY
		total[level]++
		if r.Status == "ok" {
			passed[level]++
		} else if level != "MAY" {
			t.Errorf("%s %s: %s (%s)", r.ID, r.Name, r.Status, r.Reason)
		} else {
			t.Logf("%s %s: %s (%s)", r.ID, r.Name, r.Status, r.Reason)
		}
	}
	for _, level := range []string{"MUST", "SHOULD", "MAY"} {
		t.Logf("graphql-http audit %s: %d/%d passed", level, passed[level], total[level])
	}
}
