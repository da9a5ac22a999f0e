package main

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/serialpool/serialpool/db/dbtest"
)

// TestBrowser runs the web app's end-to-end suite (frontend/e2e: playwright-core
// driving Debian's chromium) against this server on a real port, over a real,
// empty PostgreSQL: every area seeds tenants of its own (bin/serialpool on
// DATABASE_URL) and their data through the API, so none reads the demo data or
// another area's. E2E_ONLY=AREA[,AREA] runs only those areas. `make test` builds
// the app and installs chromium first.
func TestBrowser(t *testing.T) {
	t.Parallel()
	// The suite's server is plain http: its session cookie cannot be Secure.
	d := newDemoAt(t, dbtest.URL(t)).with(t, func(c *config) { c.SecureCookies = false })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "run", "--silent", "e2e")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "SERIALPOOL_URL="+d.url, "DATABASE_URL="+d.dbURL)
	out, err := cmd.CombinedOutput()
	t.Logf("npm run e2e:\n%s", out)
	if err != nil {
		t.Fatalf("browser suite failed: %v", err)
	}
}
