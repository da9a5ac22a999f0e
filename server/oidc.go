package main

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// Single sign-on with a tenant's OpenID Connect provider: the authorization
// code flow with PKCE (S256), state and nonce. The sign-in under way is kept
// server-side (db.BeginSSOLogin) under its state, which the browser holds in
// an HttpOnly cookie scoped to the callback, so that a callback is finished
// only in the browser that started it, once.

const (
	ssoStateCookie = "sp_sso_state"
	ssoCallback    = "/auth/oidc/callback"
	// ssoTimeout bounds each exchange with a provider (discovery, token, keys, userinfo).
	ssoTimeout = 10 * time.Second
)

// ssoFlow serves the sign-in endpoints. Every request to a provider goes
// through client, under the same address policy as the replenisher's.
type ssoFlow struct {
	db        *db.DB
	client    *http.Client
	publicURL string // SERIALPOOL_PUBLIC_URL: the redirect URI's origin
	secure    bool   // SERIALPOOL_SECURE_COOKIES, as for the session cookie
	log       *slog.Logger
	// sessions begins a person's session (StartSession, the one way one
	// begins) and tells the session a re-authentication is for.
	sessions *sessions
}

// reauthSkew is how far the provider's clock may be behind ours when it
// tells the time it signed the person in (auth_time).
const reauthSkew = time.Minute

// refusal is why a sign-in failed: the coded error, and a reason the sign-in
// page explains (tenant, state, provider, token, email, role, account).
type refusal struct {
	reason string
	err    *pool.Error
}

func (r *refusal) Error() string { return r.reason + ": " + r.err.Error() }

func (r *refusal) Unwrap() error { return r.err }

func refuse(reason, code, format string, args ...any) *refusal {
	return &refusal{reason: reason, err: pool.Errorf(code, format, args...)}
}

func (s *ssoFlow) register(mux *http.ServeMux, route func(http.Handler) http.Handler) {
	mux.Handle("GET /auth/providers", route(http.HandlerFunc(s.providers)))
	mux.Handle("GET /auth/oidc/{tenant}/start", route(http.HandlerFunc(s.start)))
	mux.Handle("GET "+ssoCallback, route(http.HandlerFunc(s.callback)))
}

// providers lists the providers the sign-in page offers: ?tenant=ID names a
// tenant, ?email= finds the tenants whose configured e-mail domain it has.
func (s *ssoFlow) providers(w http.ResponseWriter, r *http.Request) {
	var tenantID int64
	if t := r.URL.Query().Get("tenant"); t != "" {
		var err error
		if tenantID, err = graph.ParseTenantID(t); err != nil {
			httpx.Fail(s.log, w, r, err)
			return
		}
	}
	var domain string
	if e := r.URL.Query().Get("email"); e != "" {
		_, domain, _ = strings.Cut(e, "@")
	}
	found, err := s.db.SSOProvidersFor(r.Context(), tenantID, domain)
	if err != nil {
		httpx.Fail(s.log, w, r, err)
		return
	}
	type tenant struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	type provider struct {
		Tenant tenant `json:"tenant"`
		Name   string `json:"name"`
		Start  string `json:"start"`
	}
	list := make([]provider, 0, len(found))
	for _, p := range found {
		id := graph.TenantID(p.TenantID)
		list = append(list, provider{Tenant: tenant{id, p.TenantName}, Name: p.Name, Start: "/auth/oidc/" + id + "/start"})
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"providers": list})
}

// start sends the browser to the tenant's provider: to sign in, or with
// ?reauth=1 (a person signed in with it) to sign in again for a signature,
// which the provider is asked to do afresh (prompt=login, max_age=0).
func (s *ssoFlow) start(w http.ResponseWriter, r *http.Request) {
	if err := s.begin(w, r); err != nil {
		s.fail(w, r, err)
	}
}

func (s *ssoFlow) begin(w http.ResponseWriter, r *http.Request) error {
	tenantID, err := graph.ParseTenantID(r.PathValue("tenant"))
	if err != nil {
		return refuse("tenant", pool.ENOTFOUND, "no single sign-on is configured for this tenant")
	}
	p, err := s.db.SSOProviderOf(r.Context(), tenantID)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return refuse("tenant", pool.ENOTFOUND, "no single sign-on is configured for this tenant")
	} else if err != nil {
		return err
	}
	ctx, cancel := s.providerContext(r.Context())
	defer cancel()
	_, conf, err := s.discover(ctx, p)
	if err != nil {
		return err
	}
	state, nonce := randomToken(), randomToken()
	verifier := oauth2.GenerateVerifier()
	login := db.SSOLogin{TenantID: tenantID, Nonce: nonce, CodeVerifier: verifier}
	opts := []oauth2.AuthCodeOption{oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)}
	if r.URL.Query().Get("reauth") == "1" {
		ss, err := s.db.Session(r.Context(), s.sessions.token(r), false)
		if err != nil {
			return refuse("account", pool.EUNAUTHENTICATED, "sign in first: only a person signed in signs")
		}
		if ss.User.TenantID != tenantID || !ss.ByProvider {
			return refuse("account", pool.EFORBIDDEN, "you sign with your password, not with this provider")
		}
		login.Session = ss.ID
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "login"), oauth2.SetAuthURLParam("max_age", "0"))
	}
	if err := s.db.BeginSSOLogin(r.Context(), state, login); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoStateCookie, Value: state, Path: ssoCallback, MaxAge: int(db.SSOLoginTTL.Seconds()),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}) // Lax: the provider's redirect back is a cross-site navigation
	http.Redirect(w, r, conf.AuthCodeURL(state, opts...), http.StatusFound)
	return nil
}

// callback finishes a sign-in the provider sends the browser back with.
func (s *ssoFlow) callback(w http.ResponseWriter, r *http.Request) {
	// The state serves once, whatever happens next.
	http.SetCookie(w, &http.Cookie{Name: ssoStateCookie, Path: ssoCallback, MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	p, login, err := s.finish(r)
	var user *pool.User
	if err == nil {
		user, err = s.db.SSOUser(r.Context(), p)
	}
	next := "/"
	switch {
	case err != nil:
	case login.Session != "":
		err, next = s.db.Reauthenticated(r.Context(), login.Session, user), "/?reauthenticated=1"
		if pool.ErrorCode(err) == pool.EFORBIDDEN {
			err = refuse("account", pool.EFORBIDDEN, "%s", pool.ErrorMessage(err))
		}
	default:
		err = s.sessions.StartSession(r.Context(), w, user)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// finish checks what the provider sends back and returns who signed in,
// with the role their claims map to, and the sign-in it finishes. A
// re-authentication must be fresh: signed in at the provider after it began.
func (s *ssoFlow) finish(r *http.Request) (pool.NewUser, *db.SSOLogin, error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return pool.NewUser{}, nil, refuse("provider", pool.EUNAUTHENTICATED, "the provider refused the sign-in: %.200s", e)
	}
	state := q.Get("state")
	cookie, err := r.Cookie(ssoStateCookie)
	if state == "" || err != nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(state)) != 1 {
		return pool.NewUser{}, nil, refuse("state", pool.EUNAUTHENTICATED, "this sign-in was not started in this browser: start again")
	}
	login, err := s.db.TakeSSOLogin(r.Context(), state)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return pool.NewUser{}, nil, refuse("state", pool.EUNAUTHENTICATED, "this sign-in is unknown, used or expired: start again")
	} else if err != nil {
		return pool.NewUser{}, nil, err
	}
	p, err := s.db.SSOProviderOf(r.Context(), login.TenantID)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return pool.NewUser{}, nil, refuse("tenant", pool.ENOTFOUND, "single sign-on is no longer configured for this tenant")
	} else if err != nil {
		return pool.NewUser{}, nil, err
	}
	ctx, cancel := s.providerContext(r.Context())
	defer cancel()
	provider, conf, err := s.discover(ctx, p)
	if err != nil {
		return pool.NewUser{}, nil, err
	}
	token, err := conf.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(login.CodeVerifier))
	var refused *oauth2.RetrieveError
	if errors.As(err, &refused) {
		return pool.NewUser{}, nil, refuse("token", pool.EUNAUTHENTICATED, "the provider did not accept the sign-in's code: start again")
	} else if err != nil {
		return pool.NewUser{}, nil, refuse("provider", pool.EUNAVAILABLE, "the provider could not be reached: %v", err)
	}
	rawID, _ := token.Extra("id_token").(string)
	claims, err := verifyIDToken(ctx, provider, p.Config.ClientID, rawID, login.Nonce)
	if err != nil {
		return pool.NewUser{}, nil, err
	}
	if authTime, _ := claims["auth_time"].(float64); login.Session != "" && time.Unix(int64(authTime), 0).Before(login.CreatedAt.Add(-reauthSkew)) {
		return pool.NewUser{}, nil, refuse("token", pool.EUNAUTHENTICATED, "the provider did not sign you in again (auth_time): start again")
	}
	// Providers may put only sub in the ID token: the rest comes from
	// userinfo, for the same subject; the ID token's claims win.
	if provider.UserInfoEndpoint() != "" {
		info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
		if err != nil {
			return pool.NewUser{}, nil, refuse("provider", pool.EUNAVAILABLE, "the provider's userinfo could not be read: %v", err)
		}
		more := map[string]any{}
		if err := info.Claims(&more); err != nil || info.Subject != claims["sub"] {
			return pool.NewUser{}, nil, refuse("token", pool.EUNAUTHENTICATED, "the provider's userinfo is not about the person signed in")
		}
		for k, v := range more {
			if _, ok := claims[k]; !ok {
				claims[k] = v
			}
		}
	}
	u, err := personOf(p, claims)
	return u, login, err
}

// verifyIDToken checks the ID token's signature (with the provider's keys),
// issuer, audience (clientID), expiry and nonce, and returns its claims.
func verifyIDToken(ctx context.Context, provider *oidc.Provider, clientID, raw, nonce string) (map[string]any, error) {
	if raw == "" {
		return nil, refuse("token", pool.EUNAUTHENTICATED, "the provider sent no ID token")
	}
	idToken, err := provider.VerifierContext(ctx, &oidc.Config{ClientID: clientID}).Verify(ctx, raw)
	if err != nil {
		return nil, refuse("token", pool.EUNAUTHENTICATED, "the provider's ID token is not valid for this tenant: %v", err)
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(nonce)) != 1 {
		return nil, refuse("token", pool.EUNAUTHENTICATED, "the ID token belongs to another sign-in (nonce)")
	}
	claims := map[string]any{}
	if err := idToken.Claims(&claims); err != nil {
		return nil, refuse("token", pool.EUNAUTHENTICATED, "the ID token's claims are unreadable")
	}
	return claims, nil
}

// personOf reads who signed in from the claims, under the tenant's rules.
func personOf(p *db.SSOProvider, claims map[string]any) (pool.NewUser, error) {
	c := p.Config
	email, _ := claims["email"].(string)
	if email == "" {
		return pool.NewUser{}, refuse("email", pool.EFORBIDDEN, "the provider sent no e-mail address (scope email)")
	}
	if verified, present := claims["email_verified"].(bool); present && !verified {
		return pool.NewUser{}, refuse("email", pool.EFORBIDDEN, "the provider has not verified %s", email)
	}
	if !c.AllowsEmail(email) {
		return pool.NewUser{}, refuse("email", pool.EFORBIDDEN, "only addresses of %s may sign in to this tenant", c.EmailDomain)
	}
	claim, present := claims[c.RoleClaim]
	if !present {
		return pool.NewUser{}, refuse("role", pool.EFORBIDDEN, "the provider sent no %q claim, which decides the role", c.RoleClaim)
	}
	role, ok := c.RoleFor(claim)
	if !ok {
		return pool.NewUser{}, refuse("role", pool.EFORBIDDEN, "the %q claim maps to no role in this tenant", c.RoleClaim)
	}
	name, _ := claims["name"].(string)
	if strings.TrimSpace(name) == "" {
		name = email
	}
	return pool.NewUser{TenantID: c.TenantID, Email: email, Name: name, Role: role}, nil
}

// discover reads the provider's discovery document; its issuer must be the
// configured one (go-oidc checks).
func (s *ssoFlow) discover(ctx context.Context, p *db.SSOProvider) (*oidc.Provider, *oauth2.Config, error) {
	provider, err := oidc.NewProvider(ctx, p.Config.IssuerURL)
	if err != nil {
		return nil, nil, refuse("provider", pool.EUNAVAILABLE, "the provider %s could not be reached: %v", p.Config.IssuerURL, err)
	}
	return provider, &oauth2.Config{ClientID: p.Config.ClientID, ClientSecret: p.ClientSecret, Endpoint: provider.Endpoint(),
		RedirectURL: s.publicURL + ssoCallback, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}, nil
}

// providerContext bounds the exchanges with a provider and sends them
// through the policed client.
func (s *ssoFlow) providerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, ssoTimeout)
	return oidc.ClientContext(ctx, s.client), cancel
}

// fail sends the browser back to the sign-in page with the error's code and
// reason (which the page explains); the message goes to the log.
func (s *ssoFlow) fail(w http.ResponseWriter, r *http.Request, err error) {
	var rf *refusal
	if !errors.As(err, &rf) {
		code := pool.ErrorCode(err)
		rf = &refusal{reason: "account", err: &pool.Error{Code: code, Message: pool.ErrorMessage(err)}}
		if code == pool.EINTERNAL || code == pool.EUNAVAILABLE {
			rf.reason = "server"
		}
	}
	s.log.WarnContext(r.Context(), "single sign-on refused", "reason", rf.reason, "code", rf.err.Code, "message", rf.err.Message, "cause", err)
	q := url.Values{"sso_error": {rf.err.Code}, "sso_reason": {rf.reason}}
	http.Redirect(w, r, "/?"+q.Encode(), http.StatusFound)
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
