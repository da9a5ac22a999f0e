package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The OpenID provider the single sign-on tests sign in at: zitadel/oidc's
// example OP, a real provider (discovery, signing keys, authorization code
// with PKCE, nonce, userinfo, a login form), built once from the Go module
// proxy into .cache/ at the repository's root, outside our go.mod.
const (
	opModule  = "github.com/zitadel/oidc/v3/example/server"
	opVersion = "v3.52.0"
	// The example OP's clients (storage.RegisterClients in its main.go):
	// two confidential web clients sharing a secret.
	opClient, opOtherClient, opSecret = "web", "api", "secret"
)

var opBuild struct {
	once sync.Once
	bin  string
	err  error
}

// providerBinary builds the OP on first use (about 15 s on a fresh machine).
func providerBinary(t *testing.T) string {
	t.Helper()
	opBuild.once.Do(func() {
		dir, err := filepath.Abs(filepath.Join("..", ".cache", "oidc-provider-"+opVersion))
		if err != nil {
			opBuild.err = err
			return
		}
		opBuild.bin = filepath.Join(dir, "server")
		if _, err := os.Stat(opBuild.bin); err == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "install", opModule+"@"+opVersion)
		cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			opBuild.err = fmt.Errorf("go install %s@%s: %v\n%s", opModule, opVersion, err, out)
		}
	})
	if opBuild.err != nil {
		t.Fatal(opBuild.err)
	}
	return opBuild.bin
}

// opUser is a person of the OP (its storage.User, read from USERS_FILE).
type opUser struct {
	ID                string
	Username          string
	Password          string
	FirstName         string
	LastName          string
	Email             string
	EmailVerified     bool
	PreferredLanguage string
}

// testProvider is a running OP.
type testProvider struct {
	issuer string
	out    *bytes.Buffer
}

// startProvider runs the OP with these people, accepting redirectURI (the
// OP's clients take exactly the redirect URIs it starts with).
func startProvider(t *testing.T, redirectURI string, users ...opUser) *testProvider {
	t.Helper()
	bin := providerBinary(t)
	byID := map[string]opUser{}
	for _, u := range users {
		u.PreferredLanguage = "en"
		byID[u.ID] = u
	}
	usersFile := filepath.Join(t.TempDir(), "users.json")
	b, _ := json.Marshal(byID)
	if err := os.WriteFile(usersFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	p := &testProvider{issuer: "http://localhost:" + port + "/", out: &bytes.Buffer{}}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "PORT="+port, "REDIRECT_URI="+redirectURI, "USERS_FILE="+usersFile)
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("OpenID provider's log:\n%.8000s", p.out)
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get(p.issuer + ".well-known/openid-configuration")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the OpenID provider did not start: %v\n%s", err, p.out)
		}
	}
}

// ssoBrowser is a person's browser: cookies, and redirects followed one at a time.
type ssoBrowser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T) *ssoBrowser {
	jar, _ := cookiejar.New(nil)
	return &ssoBrowser{t: t, client: &http.Client{Jar: jar, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// get fetches u without following a redirect; it returns the status and
// where a redirect points (resolved against u).
func (b *ssoBrowser) get(u string) (int, *url.URL) {
	b.t.Helper()
	res := b.visit(u)
	return res.StatusCode, location(b.t, res)
}

// visit fetches u without following a redirect; the body is closed.
func (b *ssoBrowser) visit(u string) *http.Response {
	b.t.Helper()
	res, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func location(t *testing.T, res *http.Response) *url.URL {
	t.Helper()
	loc := res.Header.Get("Location")
	if loc == "" {
		return nil
	}
	u, err := res.Request.URL.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signInAtProvider follows authURL through the OP's login form as username
// and returns where the OP sends the browser back (not yet visited).
func (b *ssoBrowser) signInAtProvider(authURL *url.URL, username, password string) *url.URL {
	b.t.Helper()
	next := authURL
	for range 10 {
		if next.Path == "/login/username" {
			res, err := b.client.PostForm(next.ResolveReference(&url.URL{Path: "/login/username"}).String(),
				url.Values{"id": {next.Query().Get("authRequestID")}, "username": {username}, "password": {password}})
			if err != nil {
				b.t.Fatal(err)
			}
			res.Body.Close()
			if next = location(b.t, res); next == nil {
				b.t.Fatalf("the OP's login form refused %s: %s", username, res.Status)
			}
			continue
		}
		if next.Path == ssoCallback {
			return next
		}
		status, loc := b.get(next.String())
		if loc == nil {
			b.t.Fatalf("GET %s = %d without a redirect", next, status)
		}
		next = loc
	}
	b.t.Fatalf("no way back from the OP after %s", authURL)
	return nil
}

// ssoRefusal is the code and reason a failed sign-in sends the ssoBrowser back
// with ("" when loc is no refusal).
func ssoRefusal(loc *url.URL) (code, reason string) {
	if loc == nil || !strings.HasPrefix(loc.RawQuery, "sso_error") {
		return "", ""
	}
	return loc.Query().Get("sso_error"), loc.Query().Get("sso_reason")
}
