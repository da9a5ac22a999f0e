package pool

import (
	"strings"
	"testing"
)

func TestSSOUpdateValidate(t *testing.T) {
	secret := "s3cret"
	good := func() SSOUpdate {
		return SSOUpdate{Name: " Pharma Login ", IssuerURL: "https://login.example.com/tenant/v2.0", ClientID: "web", ClientSecret: &secret,
			RoleClaim: "groups", RoleValues: map[string]Role{"QA": RoleOperator}, EmailDomain: "Pharma.Example"}
	}
	u := good()
	if err := u.Validate(UpstreamPolicy{}); err != nil {
		t.Fatal(err)
	}
	if u.Name != "Pharma Login" || u.EmailDomain != "pharma.example" {
		t.Errorf("not tidied: %+v", u)
	}
	allowLoopback, err := ParseUpstreamPolicy("127.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	for field, edit := range map[string]func(*SSOUpdate){
		"name":         func(u *SSOUpdate) { u.Name = strings.Repeat("x", MaxSSOName+1) },
		"issuerUrl":    func(u *SSOUpdate) { u.IssuerURL = "https://user:pw@login.example.com/" },
		"clientId":     func(u *SSOUpdate) { u.ClientID = "" },
		"roleClaim":    func(u *SSOUpdate) { u.RoleClaim = "a\nb" },
		"clientSecret": func(u *SSOUpdate) { empty := ""; u.ClientSecret = &empty },
		"roleValues":   func(u *SSOUpdate) { u.RoleValues = map[string]Role{"QA": "boss"} },
		"emailDomain":  func(u *SSOUpdate) { u.EmailDomain = "@pharma.example" },
	} {
		u := good()
		edit(&u)
		if err := u.Validate(UpstreamPolicy{}); ErrorCode(err) != EINVALID || err.(*Error).Field != field {
			t.Errorf("%s: %v, want EINVALID on it", field, err)
		}
	}
	// A loopback issuer only where the operator allows it (SERIALPOOL_UPSTREAM_ALLOW).
	u = good()
	u.IssuerURL = "http://127.0.0.1:5556/dex"
	if err := u.Validate(UpstreamPolicy{}); ErrorCode(err) != EINVALID {
		t.Errorf("loopback issuer by default: %v", err)
	}
	if err := u.Validate(allowLoopback); err != nil {
		t.Errorf("loopback issuer allowed: %v", err)
	}
}

func TestSSORoleForAndEmail(t *testing.T) {
	c := &SSOConfig{RoleValues: map[string]Role{"Readers": RoleViewer, "Admins": RoleAdmin, "QA": RoleOperator}, EmailDomain: "pharma.example"}
	for _, tc := range []struct {
		claim any
		role  Role
		ok    bool
	}{
		{"QA", RoleOperator, true},
		{[]any{"Readers", "Admins", "Other"}, RoleAdmin, true}, // the highest wins
		{[]any{"Other", 7}, "", false},
		{"Admins ", "", false},
		{nil, "", false},
	} {
		if role, ok := c.RoleFor(tc.claim); role != tc.role || ok != tc.ok {
			t.Errorf("RoleFor(%v) = %q, %v; want %q, %v", tc.claim, role, ok, tc.role, tc.ok)
		}
	}
	if !c.AllowsEmail("a@Pharma.Example") || c.AllowsEmail("a@evil-pharma.example") || c.AllowsEmail("pharma.example") {
		t.Error("AllowsEmail")
	}
}
