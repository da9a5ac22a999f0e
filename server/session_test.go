package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/pool"
)

// browser is a person's browser: the session cookie it was given, and the
// CSRF token the web app read from /auth/session.
type browser struct {
	url    string
	cookie *http.Cookie
	csrf   string
}

// post sends a JSON body to path with the browser's cookie (and, when
// withCSRF, its CSRF token) and returns the status and body.
func (b *browser) do(t *testing.T, method, path string, body any, withCSRF bool) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		j, _ := json.Marshal(body)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, b.url+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	if withCSRF && b.csrf != "" {
		req.Header.Set(csrfHeader, b.csrf)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "serialpool_session") {
			if c.MaxAge < 0 {
				b.cookie = nil
			} else {
				b.cookie = c
			}
		}
	}
	return res, out
}

// signIn posts credentials to /auth/login; on 204 it reads the CSRF token.
func (d *demo) signIn(t *testing.T, email, password, code string) (*browser, int, string) {
	t.Helper()
	b := &browser{url: d.url}
	res, body := b.do(t, http.MethodPost, "/auth/login", map[string]string{"email": email, "password": password, "totp": code}, false)
	if res.StatusCode == http.StatusNoContent {
		var s struct{ CSRFToken string }
		_, sb := b.do(t, http.MethodGet, "/auth/session", nil, false)
		json.Unmarshal(sb, &s)
		b.csrf = s.CSRFToken
	}
	return b, res.StatusCode, string(body)
}

// gql posts a GraphQL operation as the browser.
func (b *browser) gql(t *testing.T, query string, withCSRF bool) (int, gqlResponse) {
	t.Helper()
	res, body := b.do(t, http.MethodPost, "/graphql", map[string]any{"query": query}, withCSRF)
	var r gqlResponse
	json.Unmarshal(body, &r)
	r.status = res.StatusCode
	return res.StatusCode, r
}

func demoUsers(t *testing.T, d *demo) db.DemoUsers {
	t.Helper()
	users, err := d.db.SeedDemoUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return users
}

func TestSessionSignIn(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	users := demoUsers(t, d)
	admin := users["mah_admin"]

	// Unknown e-mail and wrong password: the one answer.
	_, s1, b1 := d.signIn(t, "nobody@example.com", admin.Password, "")
	_, s2, b2 := d.signIn(t, admin.Email, "wrong password!", "")
	if s1 != http.StatusUnauthorized || b1 != b2 || !strings.Contains(b1, `"UNAUTHENTICATED"`) {
		t.Errorf("unknown e-mail: %d %s; wrong password: %d %s", s1, b1, s2, b2)
	}
	// Only JSON signs in (a cross-site form cannot).
	res, err := http.Post(d.url+"/auth/login", "application/x-www-form-urlencoded", strings.NewReader("email=a&password=b"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form sign-in: %d", res.StatusCode)
	}

	b, status, body := d.signIn(t, strings.ToUpper(admin.Email), admin.Password, "")
	if status != http.StatusNoContent || b.cookie == nil || b.csrf == "" {
		t.Fatalf("sign-in: %d %s, cookie %v", status, body, b.cookie)
	}
	c := b.cookie
	if c.Name != "__Host-serialpool_session" || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("cookie %+v: want __Host-, HttpOnly, Secure, SameSite=Lax", c)
	}
	// Stored hashed: the id is not in the table, its SHA-256 is.
	sum := sha256.Sum256([]byte(c.Value))
	var plain, hashed int
	d.sql(t, `SELECT count(*) FILTER (WHERE hash = convert_to($1, 'UTF8')), count(*) FILTER (WHERE hash = $2) FROM sessions`, c.Value, sum[:]).Scan(&plain, &hashed)
	if plain != 0 || hashed != 1 {
		t.Errorf("sessions hold the id %d times, its hash %d times", plain, hashed)
	}

	res, sb := b.do(t, http.MethodGet, "/auth/session", nil, false)
	var who struct {
		User   struct{ Name, Email, Role string }
		Tenant struct{ ID, Name string }
	}
	if err := json.Unmarshal(sb, &who); err != nil || res.StatusCode != 200 || who.User.Email != admin.Email || who.User.Role != "admin" ||
		who.User.Name != "Anna Admin" || who.Tenant.Name != "Demo Pharma" || who.Tenant.ID == "" {
		t.Errorf("GET /auth/session = %d %s", res.StatusCode, sb)
	}

	// GraphQL acts as the person: a GET (a query) without the token, any POST only with it.
	res, gb := b.do(t, http.MethodGet, "/graphql?query=%7Bviewer%7Brole%20tenant%7Bname%7D%7D%7D", nil, false)
	if res.StatusCode != 200 || !strings.Contains(string(gb), `"ADMIN"`) || !strings.Contains(string(gb), "Demo Pharma") {
		t.Errorf("GET query with the cookie: %d %s", res.StatusCode, gb)
	}
	if status, r := b.gql(t, `{ viewer { role } }`, false); status != http.StatusForbidden || r.code() != "FORBIDDEN" {
		t.Errorf("POST query with the cookie, without the CSRF token: %d %+v", status, r.Errors)
	}
	limits := `mutation { updateProductLimits(input: {productCode: "` + amoxicillin + `", requestCap: 1234}, signature: {password: ` +
		strconv.Quote(admin.Password) + `, meaning: PERFORMED, reason: "new cap"}) { requestCap } }`
	if status, r := b.gql(t, limits, false); status != http.StatusForbidden || r.code() != "FORBIDDEN" {
		t.Errorf("mutation with the cookie, without the CSRF token: %d %+v", status, r.Errors)
	}
	wrongToken := *b
	wrongToken.csrf = "forged"
	if status, _ := wrongToken.gql(t, limits, true); status != http.StatusForbidden {
		t.Errorf("mutation with a wrong CSRF token: %d", status)
	}
	if status, r := b.gql(t, limits, true); status != 200 || len(r.Errors) > 0 {
		t.Errorf("mutation with the CSRF token: %d %+v", status, r.Errors)
	}
	var actor string
	d.sql(t, `SELECT actor FROM audit_log WHERE action = 'product.limits' ORDER BY id DESC LIMIT 1`).Scan(&actor)
	if actor != "Anna Admin <admin@demo-pharma.example>" {
		t.Errorf("the audit names %q", actor)
	}
	// REST and exports, as a new tab opens them: the cookie alone.
	for _, path := range []string{"/api/v2/products/" + amoxicillin + "/pool", "/api/v2/audit.csv"} {
		res, body := b.do(t, http.MethodGet, path, nil, false)
		if res.StatusCode != 200 || (strings.HasSuffix(path, ".csv") && !strings.Contains(string(body), "Anna Admin <admin@demo-pharma.example>")) {
			t.Errorf("GET %s with the cookie: %d %.200s", path, res.StatusCode, body)
		}
	}
	if res, _ := b.do(t, http.MethodPost, "/api/v2/products/"+amoxicillin+"/release", map[string]any{"serials": []string{"X"}}, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("REST write without the CSRF token: %d", res.StatusCode)
	}

	// Sign out: the session ends, the cookie goes.
	if res, _ := b.do(t, http.MethodPost, "/auth/logout", nil, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("logout without the CSRF token: %d", res.StatusCode)
	}
	stale := *b
	if res, _ := b.do(t, http.MethodPost, "/auth/logout", nil, true); res.StatusCode != http.StatusNoContent || b.cookie != nil {
		t.Errorf("logout: %d, cookie %v", res.StatusCode, b.cookie)
	}
	if status, r := stale.gql(t, `{ viewer { role } }`, true); status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
		t.Errorf("the old cookie after logout: %d %+v", status, r.Errors)
	}
}

func TestSessionLifetime(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	users := demoUsers(t, d)
	op := users["mah_operator"]
	alive := func(b *browser) int {
		status, _ := b.gql(t, `{ viewer { role } }`, true)
		return status
	}
	age := func(b *browser, column, by string) {
		sum := sha256.Sum256([]byte(b.cookie.Value))
		d.conn(t).Exec(context.Background(), `UPDATE sessions SET `+column+` = now() - $2::interval WHERE hash = $1`, sum[:], by)
	}

	// Idle: 15 minutes without a request end it; one within extends it.
	b, _, _ := d.signIn(t, op.Email, op.Password, "")
	age(b, "last_seen_at", "14 minutes")
	if alive(b) != 200 {
		t.Fatal("a session idle 14 minutes")
	}
	var idle time.Duration
	sum := sha256.Sum256([]byte(b.cookie.Value))
	d.sql(t, `SELECT extract(epoch FROM now() - last_seen_at)::int * interval '1 second' FROM sessions WHERE hash = $1`, sum[:]).Scan(&idle)
	if idle > time.Minute {
		t.Errorf("a request left the session idle for %s", idle)
	}
	age(b, "last_seen_at", "16 minutes")
	if alive(b) != http.StatusUnauthorized {
		t.Error("a session idle 16 minutes still works")
	}
	// Absolute: 12 hours, however busy.
	b, _, _ = d.signIn(t, op.Email, op.Password, "")
	age(b, "created_at", "12 hours 1 minute")
	if alive(b) != http.StatusUnauthorized {
		t.Error("a session 12 hours old still works")
	}
	// Configured shorter, they end sooner.
	short := d.with(t, func(c *config) { c.Sessions.Idle = 2 * time.Minute })
	b, _, _ = short.signIn(t, op.Email, op.Password, "")
	age(b, "last_seen_at", "3 minutes")
	if alive(b) != http.StatusUnauthorized {
		t.Error("SERIALPOOL_SESSION_IDLE=2m: a session idle 3 minutes still works")
	}

	// Sign out everywhere: every session of the person ends, another person's stays.
	one, _, _ := d.signIn(t, op.Email, op.Password, "")
	two, _, _ := d.signIn(t, op.Email, op.Password, "")
	viewer, _, _ := d.signIn(t, users["mah_viewer"].Email, users["mah_viewer"].Password, "")
	if res, _ := one.do(t, http.MethodPost, "/auth/logout-everywhere", nil, false); res.StatusCode != http.StatusForbidden {
		t.Errorf("logout-everywhere without the CSRF token: %d", res.StatusCode)
	}
	if res, _ := one.do(t, http.MethodPost, "/auth/logout-everywhere", nil, true); res.StatusCode != http.StatusNoContent {
		t.Errorf("logout-everywhere: %d", res.StatusCode)
	}
	if alive(two) != http.StatusUnauthorized || alive(viewer) != 200 {
		t.Errorf("after logout-everywhere: the other session %d, another person's %d", alive(two), alive(viewer))
	}

	// Disabling a person ends their sessions at once.
	if _, err := d.db.DisableUser(context.Background(), users["mah_viewer"].Email); err != nil {
		t.Fatal(err)
	}
	if alive(viewer) != http.StatusUnauthorized {
		t.Error("a disabled person's session still works")
	}
}

func TestSessionLockoutAndTOTP(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	users := demoUsers(t, d)
	cmo := users["cmo_admin"]
	srv := d.with(t, func(c *config) { c.AuthFailLimit = 0 }) // the address limit would stop the guesses first

	for range 5 {
		if _, status, _ := srv.signIn(t, cmo.Email, "wrong password!", ""); status != http.StatusUnauthorized {
			t.Fatalf("wrong password: %d", status)
		}
	}
	if _, status, body := srv.signIn(t, cmo.Email, cmo.Password, ""); status != http.StatusUnauthorized || !strings.Contains(body, `"ACCOUNT_LOCKED"`) {
		t.Errorf("the right password after 5 failures: %d %s", status, body)
	}
	// Another person at the same address is not locked.
	op := users["cmo_operator"]
	b, status, _ := srv.signIn(t, op.Email, op.Password, "")
	if status != http.StatusNoContent {
		t.Fatalf("another person's sign-in: %d", status)
	}

	// TOTP: enrol, confirm with a code, then sign-in asks for one.
	res, body := b.do(t, http.MethodPost, "/auth/totp", nil, true)
	var enrol struct{ URL string }
	json.Unmarshal(body, &enrol)
	if res.StatusCode != 200 || !strings.HasPrefix(enrol.URL, "otpauth://totp/") {
		t.Fatalf("enrol: %d %s", res.StatusCode, body)
	}
	secret := enrol.URL[strings.Index(enrol.URL, "secret=")+7:]
	secret, _, _ = strings.Cut(secret, "&")
	// Confirmed with the previous period's code (skew 1), so that the current
	// one is still fresh for the sign-in below.
	code, _ := totp.GenerateCode(secret, time.Now().Add(-30*time.Second))
	if res, body := b.do(t, http.MethodPost, "/auth/totp/confirm", map[string]string{"code": code}, true); res.StatusCode != http.StatusNoContent {
		t.Fatalf("confirm: %d %s", res.StatusCode, body)
	}
	if _, status, body := srv.signIn(t, op.Email, op.Password, ""); status != http.StatusUnauthorized || !strings.Contains(body, `"TOTP_REQUIRED"`) {
		t.Errorf("sign-in without the code: %d %s", status, body)
	}
	if _, status, _ := srv.signIn(t, op.Email, op.Password, "000000"); status != http.StatusUnauthorized {
		t.Errorf("sign-in with a wrong code: %d", status)
	}
	code, _ = totp.GenerateCode(secret, time.Now())
	if _, status, body := srv.signIn(t, op.Email, op.Password, code); status != http.StatusNoContent {
		t.Errorf("sign-in with the code: %d %s", status, body)
	}
	if _, status, _ := srv.signIn(t, op.Email, op.Password, code); status != http.StatusUnauthorized {
		t.Errorf("sign-in with a code used already: %d, want 401", status)
	}
}

// TestUsersGraphQL: admins manage their tenant's people in GraphQL, signed in
// (as the web app does) or with a key; apiKeys names each key's owner.
func TestUsersGraphQL(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	users := demoUsers(t, d)
	admin, _, _ := d.signIn(t, users["mah_admin"].Email, users["mah_admin"].Password, "")

	status, r := admin.gql(t, `mutation { inviteUser(input: {email: "new@demo-pharma.example", name: "Nina New", role: VIEWER}) { user { id email role } invitation } }`, true)
	var invited struct {
		InviteUser struct {
			User       struct{ ID, Email, Role string }
			Invitation string
		}
	}
	json.Unmarshal(r.Data, &invited)
	if status != 200 || invited.InviteUser.User.Role != "VIEWER" || !strings.HasPrefix(invited.InviteUser.Invitation, "spu_") {
		t.Fatalf("inviteUser: %d %s %+v", status, r.Data, r.Errors)
	}
	if _, r := admin.gql(t, `mutation { inviteUser(input: {email: "NEW@demo-pharma.example", name: "Twin", role: VIEWER}) { invitation } }`, true); r.code() != "CONFLICT" {
		t.Errorf("invite a taken e-mail: %+v", r.Errors)
	}
	id := invited.InviteUser.User.ID
	if _, r := admin.gql(t, `mutation { updateUser(input: {id: "`+id+`", disabled: true}) { role } }`, true); r.code() != "SIGNATURE_REQUIRED" {
		t.Errorf("disabling a user unsigned: %+v", r.Errors)
	}
	sig := `signature: {password: ` + strconv.Quote(users["mah_admin"].Password) + `, meaning: APPROVED, reason: "left the company"}`
	if _, r := admin.gql(t, `mutation { updateUser(input: {id: "`+id+`", role: OPERATOR, disabled: true}, `+sig+`) { role disabledAt } }`, true); len(r.Errors) > 0 ||
		!strings.Contains(string(r.Data), `"OPERATOR"`) || strings.Contains(string(r.Data), `"disabledAt":null`) {
		t.Errorf("updateUser: %s %+v", r.Data, r.Errors)
	}
	_, r = admin.gql(t, `{ users { email name role disabledAt } }`, true)
	if !strings.Contains(string(r.Data), "Nina New") || !strings.Contains(string(r.Data), "Anna Admin") || strings.Contains(string(r.Data), "demo-cmo") {
		t.Errorf("users: %s %+v", r.Data, r.Errors)
	}
	// Viewers may not; another tenant's admin finds no such user.
	if r := d.gql(t, d.keys.MAHViewer, `{ users { email } }`, nil); r.code() != "FORBIDDEN" {
		t.Errorf("users as a viewer: %+v", r.Errors)
	}
	if r := d.gql(t, d.keys.CMOAdmin, `mutation { updateUser(input: {id: "`+id+`", disabled: false}) { email } }`, nil); r.code() != "NOT_FOUND" {
		t.Errorf("the CMO updates the MAH's user: %+v", r.Errors)
	}

	if _, err := d.db.CreateOwnedKey(context.Background(), mahTenantID(t, d), pool.RoleOperator, pool.KeyOwner{ServiceAccount: "SAP ATTP"}); err != nil {
		t.Fatal(err)
	}
	_, r = admin.gql(t, `{ apiKeys { owner serviceAccount } }`, true)
	if !strings.Contains(string(r.Data), `{"owner":"SAP ATTP","serviceAccount":true}`) || !strings.Contains(string(r.Data), `{"owner":null,"serviceAccount":false}`) {
		t.Errorf("apiKeys owners: %s %+v", r.Data, r.Errors)
	}
}

func mahTenantID(t *testing.T, d *demo) int64 {
	t.Helper()
	var id int64
	d.sql(t, `SELECT id FROM tenants WHERE name = 'Demo Pharma'`).Scan(&id)
	return id
}
