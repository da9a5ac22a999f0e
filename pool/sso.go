package pool

import (
	"context"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// SSOConfig is a tenant's OpenID Connect provider, where its people sign in
// instead of with a password. The client secret is write-only: stored apart,
// never returned by any read (ClientSecretSet tells whether one is stored).
type SSOConfig struct {
	TenantID        int64
	Name            string // shown as "Sign in with <Name>"
	IssuerURL       string
	ClientID        string
	ClientSecretSet bool
	// RoleClaim names the ID token (or userinfo) claim whose value decides the
	// person's role; RoleValues maps its values to roles. A claim may hold one
	// string or a list of them (groups): the highest role mapped wins.
	RoleClaim  string
	RoleValues map[string]Role
	// EmailDomain, when set, is the only e-mail domain that may sign in.
	EmailDomain string
	UpdatedAt   time.Time
}

// SSOUpdate replaces a tenant's provider. A nil ClientSecret keeps the stored one.
type SSOUpdate struct {
	Name, IssuerURL, ClientID string
	ClientSecret              *string
	RoleClaim                 string
	RoleValues                map[string]Role
	EmailDomain               string
}

// Bounds of an SSO configuration.
const (
	MaxSSOName       = 100
	MaxSSOValue      = 200 // a client id, a claim name, a claim value, a domain
	MaxSSORoleValues = 50
)

// Validate checks the update and refuses an issuer the policy never allows
// (the server fetches the provider's discovery document, keys and tokens
// from it, as it does an upstream).
func (u *SSOUpdate) Validate(p UpstreamPolicy) error {
	u.Name, u.IssuerURL, u.ClientID = strings.TrimSpace(u.Name), strings.TrimSpace(u.IssuerURL), strings.TrimSpace(u.ClientID)
	u.RoleClaim, u.EmailDomain = strings.TrimSpace(u.RoleClaim), strings.ToLower(strings.TrimSpace(u.EmailDomain))
	if u.Name == "" || len(u.Name) > MaxSSOName || hasControl(u.Name) {
		return Invalid("name", "name must be 1 to %d characters", MaxSSOName)
	}
	if len(u.IssuerURL) > MaxUpstreamURL {
		return Invalid("issuerUrl", "issuerUrl must be at most %d characters", MaxUpstreamURL)
	}
	parsed, err := url.Parse(u.IssuerURL)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Hostname() == "" ||
		parsed.User != nil || parsed.RawQuery != "" || parsed.Fragment != "" {
		return Invalid("issuerUrl", "issuerUrl must be an http or https URL with a host, without credentials, query or fragment")
	}
	if ip, err := netip.ParseAddr(parsed.Hostname()); err == nil {
		if err := p.CheckAddr(ip); err != nil {
			return Invalid("issuerUrl", "issuerUrl points to %s, which is not an allowed address (SERIALPOOL_UPSTREAM_ALLOW): %v", ip, err)
		}
	}
	for field, v := range map[string]string{"clientId": u.ClientID, "roleClaim": u.RoleClaim} {
		if v == "" || len(v) > MaxSSOValue || hasControl(v) {
			return Invalid(field, "%s must be 1 to %d characters", field, MaxSSOValue)
		}
	}
	if u.ClientSecret != nil && (*u.ClientSecret == "" || len(*u.ClientSecret) > MaxUpstreamSecret || hasControl(*u.ClientSecret)) {
		return Invalid("clientSecret", "clientSecret must be 1 to %d characters without control characters", MaxUpstreamSecret)
	}
	if len(u.RoleValues) == 0 || len(u.RoleValues) > MaxSSORoleValues {
		return Invalid("roleValues", "roleValues must map 1 to %d claim values to roles", MaxSSORoleValues)
	}
	for v, r := range u.RoleValues {
		if v == "" || len(v) > MaxSSOValue {
			return Invalid("roleValues", "a claim value must be 1 to %d characters", MaxSSOValue)
		}
		if !r.Valid() {
			return Invalid("roleValues", "%q maps to %q, which is not viewer, operator or admin", v, r)
		}
	}
	if u.EmailDomain != "" && (len(u.EmailDomain) > MaxSSOValue || strings.ContainsAny(u.EmailDomain, "@/ ") || !strings.Contains(u.EmailDomain, ".")) {
		return Invalid("emailDomain", "emailDomain must be a domain name such as example.com")
	}
	return nil
}

func hasControl(s string) bool { return strings.IndexFunc(s, unicode.IsControl) >= 0 }

// RoleFor maps a claim's value (a string, or a list of them) to a role: the
// highest role any value maps to. ok is false when the claim maps to none.
func (c *SSOConfig) RoleFor(claim any) (role Role, ok bool) {
	var values []string
	switch v := claim.(type) {
	case string:
		values = []string{v}
	case []any:
		for _, e := range v {
			if s, isString := e.(string); isString {
				values = append(values, s)
			}
		}
	}
	for _, v := range values {
		if r, mapped := c.RoleValues[v]; mapped && roleRank[r] > roleRank[role] {
			role, ok = r, true
		}
	}
	return role, ok
}

// AllowsEmail reports whether the configuration lets this e-mail address sign in.
func (c *SSOConfig) AllowsEmail(email string) bool {
	if c.EmailDomain == "" {
		return true
	}
	_, domain, found := strings.Cut(email, "@")
	return found && strings.EqualFold(domain, c.EmailDomain)
}

// SSOService lets a tenant's admins configure the tenant's provider.
type SSOService interface {
	// SSOConfig returns the caller's tenant's provider, or nil when none is
	// configured. Needs RoleAdmin.
	SSOConfig(ctx context.Context) (*SSOConfig, error)
	// UpdateSSOConfig creates or replaces the caller's tenant's provider, and
	// audits the change (old and new values; the secret only as "changed").
	// A new configuration needs a client secret. Needs RoleAdmin.
	UpdateSSOConfig(ctx context.Context, u SSOUpdate) (*SSOConfig, error)
	// DeleteSSOConfig removes the caller's tenant's provider (ENOTFOUND when
	// there is none); its people can no longer sign in with it. Needs RoleAdmin.
	DeleteSSOConfig(ctx context.Context) error
}
