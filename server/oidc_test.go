package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/serialpool/serialpool/pool"
)

// The OP's people (see startProvider). The tenants map the family_name claim
// to roles: the example OP asserts no group claims, and which claim decides
// is the tenant's choice.
var (
	opAlice = opUser{ID: "alice", Username: "alice", Password: "alice-password", FirstName: "Alice", LastName: "Administrators",
		Email: "alice@pharma.example", EmailVerified: true}
	opOlaf = opUser{ID: "olaf", Username: "olaf", Password: "olaf-password", FirstName: "Olaf", LastName: "Operators",
		Email: "olaf@pharma.example", EmailVerified: true}
	opNora = opUser{ID: "nora", Username: "nora", Password: "nora-password", FirstName: "Nora", // no family_name: no role
		Email: "nora@pharma.example", EmailVerified: true}
	opEve = opUser{ID: "eve", Username: "eve", Password: "eve-password", FirstName: "Eve", LastName: "Administrators",
		Email: "eve@elsewhere.example", EmailVerified: true}
)

// ssoDemo is the demo served with loopback providers allowed, and an OP
// that sends people back to it.
type ssoDemo struct {
	*demo
	op       *testProvider
	mah, cmo string // tenant ids
}

func newSSODemo(t *testing.T) *ssoDemo {
	t.Helper()
	policy, err := pool.ParseUpstreamPolicy("localhost")
	if err != nil {
		t.Fatal(err)
	}
	d := newDemo(t)
	d.db.SetUpstreamPolicy(policy)
	// The redirect URI is the public URL's: listen first to know it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	cfg.UpstreamAllow, cfg.PublicURL = policy, "http://"+l.Addr().String()
	srv := httptest.NewUnstartedServer(newHandler(cfg, d.db, slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	d = d.at(srv.URL)
	s := &ssoDemo{demo: d, op: startProvider(t, d.url+ssoCallback, opAlice, opOlaf, opNora, opEve)}
	s.mah, s.cmo = s.tenantOf(t, d.keys.MAHAdmin), s.tenantOf(t, d.keys.CMOAdmin)
	return s
}

func (s *ssoDemo) tenantOf(t *testing.T, key string) string {
	t.Helper()
	var v struct {
		Viewer struct{ Tenant struct{ ID string } }
	}
	s.gql(t, key, `{ viewer { tenant { id } } }`, nil).ok(t, &v)
	return v.Viewer.Tenant.ID
}

const updateSSO = `mutation($in: SsoConfigInput!) { updateSsoConfig(input: $in) {
	name issuerUrl clientId clientSecretSet roleClaim roleValues { value role } emailDomain } }`

// configure gives key's tenant the OP as its provider, with clientID.
func (s *ssoDemo) configure(t *testing.T, key, clientID string, edit func(map[string]any)) gqlResponse {
	t.Helper()
	in := map[string]any{"name": "Pharma Login", "issuerUrl": s.op.issuer, "clientId": clientID, "clientSecret": opSecret,
		"roleClaim": "family_name", "roleValues": []map[string]any{{"value": "Administrators", "role": "ADMIN"}, {"value": "Operators", "role": "OPERATOR"}},
		"emailDomain": "pharma.example"}
	if edit != nil {
		edit(in)
	}
	return s.gql(t, key, updateSSO, map[string]any{"in": in})
}

func TestSSOConfigAdminOnlySecretWriteOnlyAudited(t *testing.T) {
	t.Parallel()
	s := newSSODemo(t)
	var got struct{ UpdateSsoConfig map[string]any }
	s.configure(t, s.keys.MAHAdmin, opClient, nil).ok(t, &got)
	if c := got.UpdateSsoConfig; c["clientSecretSet"] != true || c["clientId"] != opClient || c["emailDomain"] != "pharma.example" ||
		len(c["roleValues"].([]any)) != 2 {
		t.Fatalf("updateSsoConfig = %+v", c)
	}
	// Changed without a secret: the stored one stays.
	s.configure(t, s.keys.MAHAdmin, opClient, func(in map[string]any) { delete(in, "clientSecret"); in["name"] = "Pharma SSO" }).ok(t, &got)

	// The secret is never readable: not in the schema, and not by the role requests run as.
	if r := s.gql(t, s.keys.MAHAdmin, `{ ssoConfig { clientSecret } }`, nil); r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("clientSecret readable over GraphQL: %+v", r.Errors)
	}
	conn := s.conn(t)
	tx, err := conn.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(context.Background(), `SET LOCAL ROLE serialpool_app`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(context.Background(), `SELECT client_secret FROM sso_configs`); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the request role selected client_secret: %v", err)
	}
	tx.Rollback(context.Background())

	// Admin only; and each tenant sees only its own.
	for key, want := range map[string]string{s.keys.MAHViewer: pool.EFORBIDDEN, s.keys.MAHOperator: pool.EFORBIDDEN} {
		if r := s.gql(t, key, `{ ssoConfig { name } }`, nil); r.code() != want {
			t.Errorf("ssoConfig as a non-admin: %+v, want %s", r.Errors, want)
		}
		if r := s.configure(t, key, opClient, nil); r.code() != want {
			t.Errorf("updateSsoConfig as a non-admin: %+v, want %s", r.Errors, want)
		}
	}
	var cmo struct{ SsoConfig *struct{ Name string } }
	s.gql(t, s.keys.CMOAdmin, `{ ssoConfig { name } }`, nil).ok(t, &cmo)
	if cmo.SsoConfig != nil {
		t.Errorf("the CMO reads the MAH's configuration: %+v", cmo.SsoConfig)
	}

	// Audited with old and new values, the secret only as changed or not.
	var audit struct {
		AuditLog struct {
			Edges []struct {
				Node struct {
					Detail []struct{ Key, Value string }
				}
			}
		}
	}
	s.gql(t, s.keys.MAHAdmin, `{ auditLog(first: 10, filter: {action: "sso.update"}) { edges { node { detail { key value } } } } }`, nil).ok(t, &audit)
	if len(audit.AuditLog.Edges) != 2 {
		t.Fatalf("sso.update entries: %+v", audit.AuditLog.Edges)
	}
	type change struct {
		Old, New     map[string]any
		ClientSecret string
	}
	details := make([]change, 2)
	for i, e := range audit.AuditLog.Edges {
		for _, kv := range e.Node.Detail {
			switch kv.Key {
			case "old":
				json.Unmarshal([]byte(kv.Value), &details[i].Old)
			case "new":
				json.Unmarshal([]byte(kv.Value), &details[i].New)
			case "clientSecret":
				details[i].ClientSecret = kv.Value
			}
			if strings.Contains(kv.Value, opSecret+`"`) || strings.Contains(kv.Value, `"`+opSecret) {
				t.Errorf("the audit trail shows the secret: %s = %s", kv.Key, kv.Value)
			}
		}
	}
	newest, first := details[0], details[1]
	if first.Old != nil || first.New["name"] != "Pharma Login" || first.ClientSecret != "changed" ||
		newest.Old["name"] != "Pharma Login" || newest.New["name"] != "Pharma SSO" || newest.ClientSecret != "unchanged" {
		t.Errorf("audit details: first %+v, then %+v", first, newest)
	}

	// Bad input is refused, naming the field; nothing changes.
	for field, edit := range map[string]func(map[string]any){
		"issuerUrl":    func(in map[string]any) { in["issuerUrl"] = "ftp://idp.example" },
		"roleValues":   func(in map[string]any) { in["roleValues"] = []map[string]any{} },
		"emailDomain":  func(in map[string]any) { in["emailDomain"] = "not a domain" },
		"clientSecret": func(in map[string]any) { in["clientSecret"] = "" },
	} {
		r := s.configure(t, s.keys.MAHAdmin, opClient, edit)
		if r.code() != pool.EINVALID || r.Errors[0].Extensions["field"] != field {
			t.Errorf("%s: %+v, want BAD_USER_INPUT on it", field, r.Errors)
		}
	}
	var kept struct {
		SsoConfig struct{ Name, IssuerURL string }
	}
	s.gql(t, s.keys.MAHAdmin, `{ ssoConfig { name issuerUrl } }`, nil).ok(t, &kept)
	if kept.SsoConfig.Name != "Pharma SSO" || kept.SsoConfig.IssuerURL != s.op.issuer {
		t.Errorf("after refused changes: %+v", kept.SsoConfig)
	}
}

// start begins a sign-in at tenant's provider in b and returns the
// provider's authorization URL.
func (s *ssoDemo) start(t *testing.T, b *ssoBrowser, tenant string) *url.URL {
	t.Helper()
	status, loc := b.get(s.url + "/auth/oidc/" + tenant + "/start")
	if status != http.StatusFound || loc == nil || !strings.HasPrefix(loc.String(), s.op.issuer) {
		t.Fatalf("start = %d to %v, want a redirect to the provider", status, loc)
	}
	q := loc.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") == "" {
		t.Fatalf("the authorization request lacks PKCE S256, state or nonce: %s", loc)
	}
	return loc
}

func TestSSORefusals(t *testing.T) {
	t.Parallel()
	s := newSSODemo(t)
	s.configure(t, s.keys.MAHAdmin, opClient, nil).ok(t, &struct{}{})
	// The CMO signs in at the same provider with the other client.
	s.configure(t, s.keys.CMOAdmin, opOtherClient, func(in map[string]any) { in["name"] = "CMO Login" }).ok(t, &struct{}{})

	refused := func(name string, loc *url.URL, code, reason string) {
		t.Helper()
		if c, r := ssoRefusal(loc); c != code || r != reason {
			t.Errorf("%s: sent to %v, want refused with %s (%s)", name, loc, code, reason)
		}
	}
	visit := func(b *ssoBrowser, u *url.URL) *url.URL {
		t.Helper()
		_, loc := b.get(u.String())
		return loc
	}

	// Unknown tenant, or one without a provider.
	b := newBrowser(t)
	_, loc := b.get(s.url + "/auth/oidc/not-a-tenant/start")
	refused("unknown tenant", loc, pool.ENOTFOUND, "tenant")

	// A forged state.
	back := b.signInAtProvider(s.start(t, b, s.mah), opAlice.Username, opAlice.Password)
	forged := *back
	q := forged.Query()
	q.Set("state", "forged")
	forged.RawQuery = q.Encode()
	refused("forged state", visit(b, &forged), pool.EUNAUTHENTICATED, "state")

	// Another browser's callback: the state is not its own.
	refused("another browser", visit(newBrowser(t), back), pool.EUNAUTHENTICATED, "state")

	// The provider's code for the MAH's client, brought to a sign-in the CMO
	// started: its client cannot redeem it.
	b = newBrowser(t)
	mahBack := b.signInAtProvider(s.start(t, b, s.mah), opAlice.Username, opAlice.Password)
	cmoStart := s.start(t, b, s.cmo)
	swapped := *mahBack
	q = swapped.Query()
	q.Set("state", cmoStart.Query().Get("state"))
	swapped.RawQuery = q.Encode()
	refused("another tenant's code", visit(b, &swapped), pool.EUNAUTHENTICATED, "token")

	// A replayed code: its sign-in is used up, and a fresh one cannot redeem it.
	b = newBrowser(t)
	back = b.signInAtProvider(s.start(t, b, s.mah), opNora.Username, opNora.Password)
	refused("nora has no role claim", visit(b, back), pool.EFORBIDDEN, "role")
	refused("replayed callback", visit(b, back), pool.EUNAUTHENTICATED, "state")
	fresh := s.start(t, b, s.mah)
	replay := *back
	q = replay.Query()
	q.Set("state", fresh.Query().Get("state"))
	replay.RawQuery = q.Encode()
	refused("replayed code", visit(b, &replay), pool.EUNAUTHENTICATED, "token")

	// An address outside the tenant's e-mail domain.
	b = newBrowser(t)
	refused("eve's domain", visit(b, b.signInAtProvider(s.start(t, b, s.mah), opEve.Username, opEve.Password)), pool.EFORBIDDEN, "email")

	// The provider down.
	b = newBrowser(t)
	s.configure(t, s.keys.MAHAdmin, opClient, func(in map[string]any) { in["issuerUrl"] = "http://localhost:1/" }).ok(t, &struct{}{})
	_, loc = b.get(s.url + "/auth/oidc/" + s.mah + "/start")
	refused("provider down", loc, pool.EUNAVAILABLE, "provider")
}

// TestSSOIDTokenAudience: an ID token the provider signed for another client
// is refused, though its signature, issuer and nonce are good.
func TestSSOIDTokenAudience(t *testing.T) {
	t.Parallel()
	s := newSSODemo(t)
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, s.op.issuer)
	if err != nil {
		t.Fatal(err)
	}
	// Sign in at the OP as the other client, as a relying party would.
	conf := oauth2.Config{ClientID: opOtherClient, ClientSecret: opSecret, Endpoint: provider.Endpoint(),
		RedirectURL: s.url + ssoCallback, Scopes: []string{oidc.ScopeOpenID, "email"}}
	verifier := oauth2.GenerateVerifier()
	b := newBrowser(t)
	authURL, _ := url.Parse(conf.AuthCodeURL("state", oidc.Nonce("the-nonce"), oauth2.S256ChallengeOption(verifier)))
	back := b.signInAtProvider(authURL, opAlice.Username, opAlice.Password)
	token, err := conf.Exchange(ctx, back.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := token.Extra("id_token").(string)
	if _, err := verifyIDToken(ctx, provider, opOtherClient, raw, "the-nonce"); err != nil {
		t.Fatalf("the token is not valid for its own client: %v", err)
	}
	for name, check := range map[string]func() error{
		"wrong audience": func() error { _, err := verifyIDToken(ctx, provider, opClient, raw, "the-nonce"); return err },
		"wrong nonce":    func() error { _, err := verifyIDToken(ctx, provider, opOtherClient, raw, "another-nonce"); return err },
		"no token":       func() error { _, err := verifyIDToken(ctx, provider, opOtherClient, "", "the-nonce"); return err },
	} {
		if err := check(); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
			t.Errorf("%s: %v, want UNAUTHENTICATED", name, err)
		}
	}
}

// signInWithProvider goes through the whole sign-in as u at tenant's
// provider: where the callback sends the browser, and the session it began
// as the web app sees it (nil when none).
func (s *ssoDemo) signInWithProvider(t *testing.T, tenant string, u opUser) (*url.URL, *browser) {
	t.Helper()
	b := newBrowser(t)
	back := b.signInAtProvider(s.start(t, b, tenant), u.Username, u.Password)
	res := b.visit(back.String())
	loc := location(t, res)
	for _, c := range res.Cookies() {
		if strings.HasSuffix(c.Name, "serialpool_session") && c.MaxAge >= 0 {
			session := &browser{url: s.url, cookie: c}
			_, body := session.do(t, http.MethodGet, "/auth/session", nil, false)
			var csrf struct{ CSRFToken string }
			json.Unmarshal(body, &csrf)
			session.csrf = csrf.CSRFToken
			return loc, session
		}
	}
	return loc, nil
}

func TestSSOSignIn(t *testing.T) {
	t.Parallel()
	s := newSSODemo(t)
	s.configure(t, s.keys.MAHAdmin, opClient, nil).ok(t, &struct{}{})

	// The sign-in page finds the provider by the e-mail's domain or the tenant.
	for query, want := range map[string]string{
		"email=someone%40Pharma.Example":    `{"providers":[{"tenant":{"id":"` + s.mah + `","name":"Demo Pharma"},"name":"Pharma Login","start":"/auth/oidc/` + s.mah + `/start"}]}`,
		"tenant=" + s.mah:                   `"start":"/auth/oidc/` + s.mah + `/start"`,
		"tenant=" + s.cmo:                   `{"providers":[]}`,
		"email=someone%40elsewhere.example": `{"providers":[]}`,
	} {
		if status, body := get(t, s.url+"/auth/providers?"+query); status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET /auth/providers?%s = %d %s, want %s", query, status, body, want)
		}
	}

	// Alice signs in at the provider: provisioned as an admin, a session, and
	// GraphQL acts as her.
	loc, alice := s.signInWithProvider(t, s.mah, opAlice)
	if alice == nil || loc == nil || loc.String() != s.url+"/" {
		t.Fatalf("alice's sign-in ended at %v with session %v", loc, alice)
	}
	_, body := alice.do(t, http.MethodGet, "/auth/session", nil, false)
	var session struct {
		User   struct{ Name, Email, Role string }
		Tenant struct{ ID string }
	}
	json.Unmarshal(body, &session)
	if session.User.Email != opAlice.Email || session.User.Name != "Alice Administrators" || !strings.EqualFold(session.User.Role, "admin") ||
		session.Tenant.ID != s.mah {
		t.Fatalf("alice's session: %s", body)
	}
	_, r := alice.gql(t, `{ viewer { role tenant { id } } }`, true)
	var viewer struct{ Viewer struct{ Role string } }
	r.ok(t, &viewer)
	if viewer.Viewer.Role != "ADMIN" {
		t.Errorf("alice's viewer: %+v", viewer)
	}
	// A write as her (with the session's CSRF token) is audited under her name.
	if _, r := alice.gql(t, `mutation { deleteSsoConfig }`, true); len(r.Errors) > 0 {
		t.Fatalf("deleteSsoConfig as alice: %+v", r.Errors)
	}
	var actor string
	if err := s.sql(t, `SELECT actor FROM audit_log WHERE action = 'sso.delete'`).Scan(&actor); err != nil || !strings.Contains(actor, opAlice.Email) {
		t.Errorf("sso.delete audited as %q (%v), want alice", actor, err)
	}
	var created string
	if err := s.sql(t, `SELECT actor FROM audit_log WHERE action = 'user.create' AND detail->>'email' = $1`, opAlice.Email).Scan(&created); err != nil || created != "system:sso" {
		t.Errorf("alice provisioned by %q (%v), want system:sso", created, err)
	}

	// Olaf gets the operator role; when the provider's claim maps elsewhere,
	// his role follows at his next sign-in.
	s.configure(t, s.keys.MAHAdmin, opClient, nil).ok(t, &struct{}{})
	if _, olaf := s.signInWithProvider(t, s.mah, opOlaf); olaf == nil {
		t.Fatal("olaf did not sign in")
	} else if _, r := olaf.gql(t, `{ viewer { role } }`, true); !strings.Contains(string(r.Data), `"OPERATOR"`) {
		t.Errorf("olaf's viewer: %s %+v", r.Data, r.Errors)
	}
	s.configure(t, s.keys.MAHAdmin, opClient, func(in map[string]any) {
		in["roleValues"] = []map[string]any{{"value": "Administrators", "role": "ADMIN"}, {"value": "Operators", "role": "VIEWER"}}
	}).ok(t, &struct{}{})
	if _, olaf := s.signInWithProvider(t, s.mah, opOlaf); olaf == nil {
		t.Fatal("olaf did not sign in again")
	} else if _, r := olaf.gql(t, `{ viewer { role } }`, true); !strings.Contains(string(r.Data), `"VIEWER"`) {
		t.Errorf("olaf's viewer after the mapping changed: %s %+v", r.Data, r.Errors)
	}

	// A disabled user is refused, with no session.
	if _, err := s.db.DisableUser(context.Background(), opOlaf.Email); err != nil {
		t.Fatal(err)
	}
	loc, olaf := s.signInWithProvider(t, s.mah, opOlaf)
	if code, reason := ssoRefusal(loc); olaf != nil || code != pool.EFORBIDDEN || reason != "account" {
		t.Errorf("disabled olaf: sent to %v with session %v, want FORBIDDEN (account)", loc, olaf)
	}

	// Alice's address belongs to the MAH: the CMO's provider cannot sign her in there.
	s.configure(t, s.keys.CMOAdmin, opOtherClient, func(in map[string]any) { delete(in, "emailDomain") }).ok(t, &struct{}{})
	loc, other := s.signInWithProvider(t, s.cmo, opAlice)
	if code, reason := ssoRefusal(loc); other != nil || code != pool.ECONFLICT || reason != "account" {
		t.Errorf("alice at the CMO: sent to %v with session %v, want CONFLICT (account)", loc, other)
	}
}

// TestSSOSignature: a person signed in with the provider has no password
// here, and signs by signing in there again (prompt=login, max_age=0): that
// re-authentication serves one signature, within pool.ReauthWindow, of the
// same person only.
func TestSSOSignature(t *testing.T) {
	t.Parallel()
	s := newSSODemo(t)
	s.configure(t, s.keys.MAHAdmin, opClient, nil).ok(t, &struct{}{})
	_, alice := s.signInWithProvider(t, s.mah, opAlice)
	if alice == nil {
		t.Fatal("alice did not sign in")
	}
	if _, body := alice.do(t, http.MethodGet, "/auth/session", nil, false); !strings.Contains(string(body), `"signsWith":"provider"`) {
		t.Errorf("alice's session does not say she signs with the provider: %s", body)
	}
	limits := `mutation { updateProductLimits(input: {productCode: "` + amoxicillin + `", requestCap: 4242}, signature: {meaning: APPROVED, reason: "new line capacity"}) { requestCap } }`
	if _, r := alice.gql(t, limits, true); r.code() != pool.ESIGNATUREREQUIRED {
		t.Fatalf("signing without re-authentication: %+v, want SIGNATURE_REQUIRED", r.Errors)
	}

	// Her browser, with her session, goes back to the provider.
	b := newBrowser(t)
	jarCookie := *alice.cookie
	jarCookie.Secure = false // the test's server is plain http
	site, _ := url.Parse(s.url)
	b.client.Jar.SetCookies(site, []*http.Cookie{&jarCookie})
	reauth := func(u opUser) *url.URL {
		t.Helper()
		status, loc := b.get(s.url + "/auth/oidc/" + s.mah + "/start?reauth=1")
		if status != http.StatusFound || loc == nil || loc.Query().Get("prompt") != "login" || loc.Query().Get("max_age") != "0" {
			t.Fatalf("re-authentication start = %d to %v, want the provider with prompt=login and max_age=0", status, loc)
		}
		return location(t, b.visit(b.signInAtProvider(loc, u.Username, u.Password).String()))
	}
	if loc := reauth(opAlice); loc == nil || loc.String() != s.url+"/?reauthenticated=1" {
		t.Fatalf("alice's re-authentication ended at %v", loc)
	}
	if _, r := alice.gql(t, limits, true); len(r.Errors) > 0 {
		t.Fatalf("signing after re-authentication: %+v", r.Errors)
	}
	var sig string
	if err := s.sql(t, `SELECT signature::text FROM audit_log WHERE action = 'product.limits' ORDER BY id DESC LIMIT 1`).Scan(&sig); err != nil ||
		!strings.Contains(sig, `"email": "`+opAlice.Email+`"`) || !strings.Contains(sig, `"reauthenticated": true`) || !strings.Contains(sig, `"meaning": "APPROVED"`) {
		t.Errorf("the signature recorded: %s (%v)", sig, err)
	}
	// One signature each.
	if _, r := alice.gql(t, limits, true); r.code() != pool.ESIGNATUREREQUIRED {
		t.Errorf("a second signature on one re-authentication: %+v, want SIGNATURE_REQUIRED", r.Errors)
	}
	// Signing in there as someone else re-authenticates no one.
	if loc := reauth(opOlaf); loc == nil || loc.Query().Get("sso_error") != pool.EFORBIDDEN {
		t.Errorf("re-authentication as olaf ended at %v, want FORBIDDEN", loc)
	}
	if _, r := alice.gql(t, limits, true); r.code() != pool.ESIGNATUREREQUIRED {
		t.Errorf("signing after olaf's re-authentication: %+v, want SIGNATURE_REQUIRED", r.Errors)
	}
	// Without a session there is no one to re-authenticate.
	if status, loc := newBrowser(t).get(s.url + "/auth/oidc/" + s.mah + "/start?reauth=1"); status != http.StatusFound || loc.Query().Get("sso_error") != pool.EUNAUTHENTICATED {
		t.Errorf("re-authentication without a session: %d to %v", status, loc)
	}
}
