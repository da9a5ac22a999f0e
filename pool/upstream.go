package pool

import (
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"code.dny.dev/ssrf"
)

// Upstream is where a channel's replenishment requests go, in which protocol,
// and how they authenticate there.
type Upstream struct {
	URL         *string // nil: the channel takes no replenishment requests
	Protocol    UpstreamProtocol
	Systems     UpstreamSystems
	Credentials UpstreamCredentials
}

// UpstreamProtocol is what the replenisher speaks to a channel's upstream.
type UpstreamProtocol string

const (
	// ProtocolJSON: POST {productCode, count, requestId}, answered with the
	// serials as a JSON array, NDJSON or CSV (serialpool's own).
	ProtocolJSON UpstreamProtocol = "JSON"
	// ProtocolTraceLink: TraceLink SNX serialNumbersRequest (SOAP).
	ProtocolTraceLink UpstreamProtocol = "TRACELINK_SOAP"
	// ProtocolSAP: SAP AII / ATTP NumberRangeRequestMessage (SOAP).
	ProtocolSAP UpstreamProtocol = "SAP_AIN"
)

// UpstreamSystems are how the two ends name each other in TraceLink and SAP
// messages (often GLNs): serialpool as the sender, the upstream as the receiver.
type UpstreamSystems struct {
	Sending   string
	Receiving string
}

// MaxUpstreamSystem bounds a system identifier.
const MaxUpstreamSystem = 100

// UpstreamCredentials are what the replenisher presents to a channel's upstream
// system: HTTP Basic (Username and Password) or a Bearer Token. They are a
// write-only secret: stored apart from the URL, never returned by any read.
type UpstreamCredentials struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Token    string `json:"token,omitempty"`
}

// IsZero reports whether no credentials are set.
func (c UpstreamCredentials) IsZero() bool { return c == UpstreamCredentials{} }

// MaxUpstreamURL and MaxUpstreamSecret bound the upstream's URL and each credential.
const (
	MaxUpstreamURL    = 2000
	MaxUpstreamSecret = 1000
)

// URLCredentialParams are the query parameters that carry a credential, which
// an upstream URL must not hold (every viewer reads the URL). Migration 00010
// moved them out of stored URLs into the Bearer token.
var URLCredentialParams = []string{"token", "access_token"}

// Validate checks the upstream and refuses an address the policy never allows.
// The URL must carry no credentials: they go in Credentials, which no one can
// read back, rather than silently being taken out of what the admin typed.
func (u Upstream) Validate(p UpstreamPolicy) error {
	switch u.Protocol {
	case "", ProtocolJSON, ProtocolTraceLink, ProtocolSAP: // "": JSON
	default:
		return Invalid("upstreamProtocol", "upstreamProtocol must be JSON, TRACELINK_SOAP or SAP_AIN")
	}
	if len(u.Systems.Sending) > MaxUpstreamSystem || len(u.Systems.Receiving) > MaxUpstreamSystem {
		return Invalid("upstreamSendingSystem", "system identifiers must be at most %d characters", MaxUpstreamSystem)
	}
	if u.URL == nil {
		if !u.Credentials.IsZero() {
			return Invalid("upstreamUrl", "upstream credentials need an upstreamUrl to be sent to")
		}
		return nil
	}
	raw := *u.URL
	if len(raw) > MaxUpstreamURL {
		return Invalid("upstreamUrl", "upstreamUrl must be at most %d characters", MaxUpstreamURL)
	}
	parsed, err := url.Parse(raw)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Hostname() == "" {
		return Invalid("upstreamUrl", "upstreamUrl must be an http or https URL with a host")
	}
	if parsed.User != nil {
		return Invalid("upstreamUrl", "upstreamUrl must not carry credentials (user:password@): send them as upstreamUsername and upstreamPassword, which are stored apart and never shown")
	}
	for name := range parsed.Query() {
		if slices.Contains(URLCredentialParams, strings.ToLower(name)) {
			return Invalid("upstreamUrl", "upstreamUrl must not carry credentials (?%s=): send the token as upstreamToken, which is stored apart and never shown", name)
		}
	}
	if ip, err := netip.ParseAddr(parsed.Hostname()); err == nil {
		if err := p.CheckAddr(ip); err != nil {
			return Invalid("upstreamUrl", "upstreamUrl points to %s, which is not an allowed upstream address: %v", ip, err)
		}
	}
	return u.Credentials.validate()
}

func (c UpstreamCredentials) validate() error {
	switch {
	case c.Token != "" && (c.Username != "" || c.Password != ""):
		return Invalid("upstreamToken", "send either upstreamUsername and upstreamPassword (HTTP Basic) or upstreamToken (Bearer), not both")
	case c.Password != "" && c.Username == "":
		return Invalid("upstreamUsername", "upstreamPassword needs an upstreamUsername")
	case strings.Contains(c.Username, ":"):
		return Invalid("upstreamUsername", "upstreamUsername must not contain a colon (HTTP Basic, RFC 7617)")
	}
	for field, v := range map[string]string{"upstreamUsername": c.Username, "upstreamPassword": c.Password, "upstreamToken": c.Token} {
		if len(v) > MaxUpstreamSecret || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return Invalid(field, "%s must be at most %d characters without control characters", field, MaxUpstreamSecret)
		}
	}
	return nil
}

// UpstreamPolicy is where replenishment requests may go: public addresses, and
// the networks and host names the operator allowed besides. Never by default:
// loopback, link-local (cloud metadata), private, CGNAT, multicast,
// unspecified, documentation and other special-purpose ranges of IPv4 and
// IPv6 (IANA's registries, as code.dny.dev/ssrf keeps them). The zero value
// allows public addresses only.
type UpstreamPolicy struct {
	guard *ssrf.Guardian
	hosts []string // lower case
}

// publicOnly is the guard of the zero policy. Ports are the upstream's own
// business: SAP and TraceLink endpoints listen on many.
var publicOnly = ssrf.New(ssrf.WithAnyPort())

var hostName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// ParseUpstreamPolicy reads a comma-separated list of CIDRs, addresses and host
// names to allow besides public addresses (SERIALPOOL_UPSTREAM_ALLOW).
func ParseUpstreamPolicy(list string) (UpstreamPolicy, error) {
	var p UpstreamPolicy
	var v4, v6 []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(item), "."))
		if item == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(item)
		if addr, aerr := netip.ParseAddr(item); aerr == nil && addr.Zone() == "" {
			prefix, err = addr.Prefix(addr.BitLen())
		}
		if err == nil && prefix.Addr().Is4In6() {
			prefix = netip.PrefixFrom(prefix.Addr().Unmap(), max(prefix.Bits()-96, 0))
		}
		switch {
		case err == nil && prefix.Addr().Is4():
			v4 = append(v4, prefix.Masked())
		case err == nil:
			v6 = append(v6, prefix.Masked())
		case hostName.MatchString(item):
			p.hosts = append(p.hosts, item)
		default:
			return p, fmt.Errorf("%q is neither a CIDR, an IP address nor a host name", item)
		}
	}
	p.guard = ssrf.New(ssrf.WithAnyPort(), ssrf.WithAllowedV4Prefixes(v4...), ssrf.WithAllowedV6Prefixes(v6...))
	return p, nil
}

// AllowsHost reports whether the operator allowed this host name, whatever it
// resolves to.
func (p UpstreamPolicy) AllowsHost(host string) bool {
	return slices.Contains(p.hosts, strings.ToLower(strings.TrimSuffix(host, ".")))
}

// CheckAddr refuses an address the policy does not allow. An IPv4-mapped IPv6
// address counts as the IPv4 address it carries.
func (p UpstreamPolicy) CheckAddr(ip netip.Addr) error {
	g := p.guard
	if g == nil {
		g = publicOnly
	}
	return g.SafeAddr(ip.Unmap())
}

// Replenishment is a job refilling a pool that fell below its low threshold.
type Replenishment struct {
	ID          int64
	TenantID    int64
	ProductCode string
	Source      Source
	Count       int
	Attempts    int              // including this one
	ChannelID   int64            // the channel asked for serials, for channel sources
	UpstreamURL *string          // where that channel takes requests
	Protocol    UpstreamProtocol // and in which protocol
	Systems     UpstreamSystems
	Credentials UpstreamCredentials // what the upstream is shown; never leaves the replenisher
	SSCC        bool                // the pool is an SSCC pool
}
