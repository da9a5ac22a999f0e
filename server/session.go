package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/pool"
)

// sessions are people's sign-ins to the web app: a cookie holding an opaque
// session id (HttpOnly, SameSite=Lax, Secure unless configured off for plain
// http), of which the database keeps only the hash. Requests with the cookie
// act as the person; those that write must also send the session's CSRF token
// in X-CSRF-Token (GET /auth/session tells it), which another site's page can
// neither read nor forge, so it cannot make a signed-in browser write.
type sessions struct {
	db     *db.DB
	secure bool
	max    time.Duration
}

// csrfHeader carries the session's CSRF token on cookie-authenticated writes.
const csrfHeader = "X-CSRF-Token"

// cookieName is the session cookie's name: with Secure, the __Host- prefix
// binds it to this host over https (no Domain, Path /), so no sibling domain
// can set it.
func (s *sessions) cookieName() string {
	if s.secure {
		return "__Host-serialpool_session"
	}
	return "serialpool_session"
}

// StartSession signs u in on w: it starts a session and sets its cookie. It is
// the one way a session begins, after a password sign-in or an OpenID
// provider's callback alike.
func (s *sessions) StartSession(ctx context.Context, w http.ResponseWriter, u *pool.User) error {
	token, err := s.db.CreateSession(ctx, u)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(token, int(s.max.Seconds())))
	return nil
}

// endCookie makes the browser drop the session cookie.
func (s *sessions) endCookie(w http.ResponseWriter) { http.SetCookie(w, s.cookie("", -1)) }

func (s *sessions) cookie(value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: s.cookieName(), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
}

// token returns the session id r's cookie holds, or "".
func (s *sessions) token(r *http.Request) string {
	c, err := r.Cookie(s.cookieName())
	if err != nil {
		return ""
	}
	return c.Value
}

// csrfToken is the CSRF token of the session with id token: derived from the
// id (which only the cookie holds), so it needs no storage and dies with it.
func csrfToken(token string) string {
	h := sha256.Sum256([]byte("serialpool csrf\x00" + token))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// errCSRF refuses a cookie-authenticated write without the session's token.
var errCSRF = pool.Errorf(pool.EFORBIDDEN, "a signed-in write needs the session's "+csrfHeader+" header (from GET /auth/session)")

// authenticate returns the person whose session r's cookie names, checking
// the CSRF token unless r only reads. EUNAUTHENTICATED for a session that is
// over (its cookie is dropped), EFORBIDDEN without the right token.
func (s *sessions) authenticate(w http.ResponseWriter, r *http.Request, token string) (*pool.Session, error) {
	ss, err := s.db.Session(r.Context(), token, true)
	if err != nil {
		if pool.ErrorCode(err) == pool.EUNAUTHENTICATED {
			s.endCookie(w)
		}
		return nil, err
	}
	if !safeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(csrfToken(token))) != 1 {
		return nil, errCSRF
	}
	return ss, nil
}

// safeMethod reports whether method only reads (RFC 9110), so needs no CSRF token.
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

type sessionTokenKey struct{}

// withSessionToken puts the session cookie of a WebSocket upgrade into its
// context: a socket authenticates in connection_init, where the web app sends
// no key but the browser has sent its cookie with the upgrade.
func (s *sessions) withSessionToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t := s.token(r); t != "" {
			r = r.WithContext(context.WithValue(r.Context(), sessionTokenKey{}, t))
		}
		next.ServeHTTP(w, r)
	})
}

// sessionTokenFrom returns the session id withSessionToken saw, or "".
func sessionTokenFrom(ctx context.Context) string {
	t, _ := ctx.Value(sessionTokenKey{}).(string)
	return t
}
