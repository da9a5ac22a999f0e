package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestBrowser runs the web app's end-to-end suite (frontend/e2e: playwright-core
// driving Debian's chromium) against this server on a real port, over a real
// PostgreSQL seeded with the demo data; areas that want a tenant of their own make
// it with bin/serialpool on DATABASE_URL. E2E_ONLY=AREA[,AREA] runs only those
// areas. `make test` builds the app and installs chromium first.
func TestBrowser(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	keys, err := json.Marshal(map[string]any{"keys": d.keys})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "run", "--silent", "e2e")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "SERIALPOOL_URL="+d.url, "SERIALPOOL_KEYS="+string(keys), "DATABASE_URL="+d.dbURL)
	out, err := cmd.CombinedOutput()
	t.Logf("npm run e2e:\n%s", out)
	if err != nil {
		t.Fatalf("browser suite failed: %v", err)
	}
}
