package pool

import (
	"net/netip"
	"testing"
)

func TestUpstreamPolicy(t *testing.T) {
	allow, err := ParseUpstreamPolicy(" 10.0.0.0/8, ::ffff:192.168.0.0/112 ,fd00:ec2::/32, ERP.internal., 127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		addr            string
		public, allowed bool
	}{
		{"8.8.8.8", true, true},
		{"2001:4860:4860::8888", true, true},
		{"169.254.169.254", false, false}, // cloud metadata (link-local)
		{"fd00:ec2::254", false, true},    // AWS's IPv6 metadata, unique-local: allowed only by name
		{"100.100.100.200", false, false}, // Alibaba's metadata, CGNAT
		{"127.0.0.1", false, true},
		{"127.0.0.2", false, false},
		{"::1", false, false},
		{"::ffff:127.0.0.1", false, true}, // IPv4-mapped: the IPv4 address it carries
		{"::ffff:169.254.169.254", false, false},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"10.1.2.3", false, true},
		{"172.16.0.1", false, false},
		{"192.168.7.7", false, true},
		{"224.0.0.1", false, false},
		{"ff02::1", false, false},
		{"fe80::1", false, false},
	} {
		ip := netip.MustParseAddr(c.addr)
		if err := (UpstreamPolicy{}).CheckAddr(ip); (err == nil) != c.public {
			t.Errorf("public only: %s: %v", c.addr, err)
		}
		if err := allow.CheckAddr(ip); (err == nil) != c.allowed {
			t.Errorf("allow list: %s: %v", c.addr, err)
		}
	}
	if !allow.AllowsHost("erp.INTERNAL") || !allow.AllowsHost("erp.internal.") || allow.AllowsHost("other.internal") || (UpstreamPolicy{}).AllowsHost("localhost") {
		t.Error("host names are matched case-insensitively, exactly")
	}
	for _, bad := range []string{"10.0.0.0/33", "not a host", "http://erp.internal", "fe80::1%eth0"} {
		if _, err := ParseUpstreamPolicy(bad); err == nil {
			t.Errorf("ParseUpstreamPolicy(%q) accepted", bad)
		}
	}
}

func TestUpstreamValidate(t *testing.T) {
	allow, _ := ParseUpstreamPolicy("10.0.0.0/8")
	str := func(s string) *string { return &s }
	for _, c := range []struct {
		u      Upstream
		policy UpstreamPolicy
		field  string // "" when valid
	}{
		{Upstream{}, UpstreamPolicy{}, ""},
		{Upstream{URL: str("https://erp.example.com/x?sap-client=100")}, UpstreamPolicy{}, ""},
		{Upstream{URL: str("http://10.1.2.3/")}, allow, ""},
		{Upstream{URL: str("http://10.1.2.3/")}, UpstreamPolicy{}, "upstreamUrl"},
		{Upstream{URL: str("http://localhost/")}, UpstreamPolicy{}, ""}, // a name: checked where it resolves, when connecting
		{Upstream{URL: str("https://u:p@erp.example.com/")}, UpstreamPolicy{}, "upstreamUrl"},
		{Upstream{URL: str("https://erp.example.com/?Token=x")}, UpstreamPolicy{}, "upstreamUrl"},
		{Upstream{URL: str("https://erp.example.com/"), Credentials: UpstreamCredentials{Username: "u", Password: "p"}}, UpstreamPolicy{}, ""},
		{Upstream{URL: str("https://erp.example.com/"), Credentials: UpstreamCredentials{Token: "t"}}, UpstreamPolicy{}, ""},
		{Upstream{URL: str("https://erp.example.com/"), Credentials: UpstreamCredentials{Username: "u", Token: "t"}}, UpstreamPolicy{}, "upstreamToken"},
		{Upstream{URL: str("https://erp.example.com/"), Credentials: UpstreamCredentials{Password: "p"}}, UpstreamPolicy{}, "upstreamUsername"},
		{Upstream{URL: str("https://erp.example.com/"), Credentials: UpstreamCredentials{Username: "u\r\nX-Evil: 1"}}, UpstreamPolicy{}, "upstreamUsername"},
		{Upstream{Credentials: UpstreamCredentials{Token: "t"}}, UpstreamPolicy{}, "upstreamUrl"},
		{Upstream{URL: str("javascript:alert(1)")}, UpstreamPolicy{}, "upstreamUrl"},
	} {
		err := c.u.Validate(c.policy)
		var field string
		if e, ok := err.(*Error); ok && e.Code == EINVALID {
			field = e.Field
		} else if err != nil {
			t.Errorf("%+v: %v is not BAD_USER_INPUT", c.u, err)
		}
		if field != c.field {
			t.Errorf("Validate(%v, %+v) = %v, want field %q", deref(c.u.URL), c.u.Credentials, err, c.field)
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}
