package main

import (
	"context"
	"log/slog"
	"mime"
	"net/http"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// authBodyBytes bounds a sign-in's body: an e-mail, a password of at most
// pool.MaxPasswordLength bytes and a code.
const authBodyBytes = 8 << 10

// registerAuth adds the sign-in routes under /auth/. signedIn wraps the
// routes of a person signed in (authenticated as any API request is); open
// those that sign in, with the body and deadline limits only.
func registerAuth(mux *http.ServeMux, ss *sessions, g *gate, d *db.DB, log *slog.Logger, signedIn, open func(http.Handler) http.Handler) {
	a := &authAPI{ss: ss, g: g, db: d, log: log}
	mux.Handle("POST /auth/login", open(http.HandlerFunc(a.login)))                 // {email, password, totp?} -> 204 and the cookie
	mux.Handle("POST /auth/invitation", open(http.HandlerFunc(a.acceptInvitation))) // {token, password} -> 204, signed in
	mux.Handle("POST /auth/logout", open(http.HandlerFunc(a.logout)))               // this session
	mux.Handle("POST /auth/logout-everywhere", signedIn(http.HandlerFunc(a.logoutEverywhere)))
	mux.Handle("GET /auth/session", signedIn(http.HandlerFunc(a.session))) // who is signed in, and the CSRF token
	mux.Handle("POST /auth/totp", signedIn(http.HandlerFunc(a.enrolTOTP))) // -> {url}: otpauth:// for an authenticator app
	mux.Handle("POST /auth/totp/confirm", signedIn(http.HandlerFunc(a.confirmTOTP)))
}

type authAPI struct {
	ss  *sessions
	g   *gate
	db  *db.DB
	log *slog.Logger
}

func (a *authAPI) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.Fail(a.log, w, r, err)
}

// decode reads a JSON body into v. Only JSON is taken: another site's page
// can send a form cross-origin without asking, but JSON only after a CORS
// preflight the server refuses, so it cannot sign a browser in to its account.
func (a *authAPI) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		httpx.WriteError(w, http.StatusUnsupportedMediaType, pool.Errorf(pool.EINVALID, "send the body as application/json"))
		return false
	}
	return httpx.DecodeJSON(w, r, v)
}

// login signs a person in with e-mail, password and (once enrolled) TOTP
// code. An address that failed too often is refused before any check, as
// for API keys.
func (a *authAPI) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email, Password, TOTP string
	}
	if !a.decode(w, r, &in) {
		return
	}
	addr := clientFrom(r.Context())
	if a.g.failures.exhausted(addr) {
		a.fail(w, r, pool.Errorf(pool.ERATELIMITED, "too many failed sign-ins from your address; retry later"))
		return
	}
	u, err := a.db.Login(r.Context(), pool.Credentials{Email: in.Email, Password: in.Password, TOTP: in.TOTP})
	if err != nil {
		if pool.ErrorCode(err) == pool.EUNAUTHENTICATED {
			a.g.failures.fail(addr)
		}
		a.fail(w, r, err)
		return
	}
	a.start(w, r, u)
}

// start begins u's session and answers 204.
func (a *authAPI) start(w http.ResponseWriter, r *http.Request, u *pool.User) {
	if err := a.ss.StartSession(r.Context(), w, u); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// acceptInvitation sets an invited person's password and signs them in.
func (a *authAPI) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	var in struct{ Token, Password string }
	if !a.decode(w, r, &in) {
		return
	}
	u, err := a.db.AcceptInvitation(r.Context(), in.Token, in.Password)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.start(w, r, u)
}

// logout ends the cookie's session. It needs the session's CSRF token, so
// that no other site signs a person out; without a session it has nothing to
// do and answers 204 as well.
func (a *authAPI) logout(w http.ResponseWriter, r *http.Request) {
	if token := a.ss.token(r); token != "" {
		if _, err := a.ss.authenticate(w, r, token); pool.ErrorCode(err) == pool.EFORBIDDEN {
			a.fail(w, r, err)
			return
		}
		if err := a.db.EndSession(r.Context(), token); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.ss.endCookie(w)
	w.WriteHeader(http.StatusNoContent)
}

// logoutEverywhere ends every session of the signed-in person.
func (a *authAPI) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	if _, err := a.db.EndUserSessions(r.Context()); err != nil {
		a.fail(w, r, err)
		return
	}
	a.ss.endCookie(w)
	w.WriteHeader(http.StatusNoContent)
}

// session tells the web app who is signed in, and the token its writes send.
func (a *authAPI) session(w http.ResponseWriter, r *http.Request) {
	s := sessionFrom(r.Context())
	if s == nil {
		a.fail(w, r, pool.Errorf(pool.EFORBIDDEN, "an API key has no session; sign in to the web app"))
		return
	}
	type named struct {
		ID        string    `json:"id,omitempty"`
		Name      string    `json:"name"`
		Email     string    `json:"email,omitempty"`
		Role      pool.Role `json:"role,omitempty"`
		TOTP      *bool     `json:"totp,omitempty"`
		SignsWith string    `json:"signsWith,omitempty"` // "password", or "provider": signing in there again
	}
	signsWith := "password"
	if s.ByProvider {
		signsWith = "provider"
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"user":      named{Name: s.User.Name, Email: s.User.Email, Role: s.User.Role, TOTP: &s.User.TOTPEnabled, SignsWith: signsWith},
		"tenant":    named{ID: graph.TenantID(s.User.TenantID), Name: s.TenantName},
		"csrfToken": csrfToken(a.ss.token(r)),
	})
}

// enrolTOTP starts the signed-in person's authenticator enrolment.
func (a *authAPI) enrolTOTP(w http.ResponseWriter, r *http.Request) {
	url, err := a.db.EnrolTOTP(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"url": url})
}

// confirmTOTP enables TOTP with a first code from the authenticator.
func (a *authAPI) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ Code string }
	if !a.decode(w, r, &in) {
		return
	}
	if err := a.db.ConfirmTOTP(r.Context(), in.Code); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type sessionKey struct{}

// withSession records the session a request authenticated with.
func withSession(ctx context.Context, s *pool.Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

// sessionFrom returns the request's session, or nil for an API key's request.
func sessionFrom(ctx context.Context) *pool.Session {
	s, _ := ctx.Value(sessionKey{}).(*pool.Session)
	return s
}
