package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

const goodPassword = "correct horse battery"

// user creates a user of tenant with goodPassword and signs them in.
func (w *world) user(t *testing.T, tenant int64, email string, role pool.Role) (*pool.User, context.Context) {
	t.Helper()
	ctx := context.Background()
	u, invitation, err := w.db.CreateUser(ctx, pool.NewUser{TenantID: tenant, Email: email, Name: "Person " + email, Role: role}, goodPassword)
	if err != nil || invitation != "" {
		t.Fatalf("create user %s: %v (invitation %q)", email, err, invitation)
	}
	u, err = w.db.Login(ctx, pool.Credentials{Email: email, Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u, pool.WithActor(ctx, pool.Actor{TenantID: u.TenantID, UserID: u.ID, Role: u.Role, Person: u.Name + " <" + u.Email + ">"})
}

func TestUserSignInRules(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.db.SetLockout(pool.Lockout{Failures: 3, Window: time.Minute})
	alice, _ := w.user(t, w.mah, "Alice@Example.com", pool.RoleOperator)

	// E-mail is case-insensitive, at sign-in and for uniqueness across tenants.
	if u, err := w.db.Login(ctx, pool.Credentials{Email: "alice@EXAMPLE.com", Password: goodPassword}); err != nil || u.ID != alice.ID {
		t.Errorf("sign-in in another case: %+v, %v", u, err)
	}
	if _, _, err := w.db.CreateUser(ctx, pool.NewUser{TenantID: w.other, Email: "ALICE@example.com", Name: "Twin", Role: pool.RoleViewer}, goodPassword); pool.ErrorCode(err) != pool.ECONFLICT {
		t.Errorf("same e-mail in another tenant: %v", err)
	}

	// Password policy.
	for _, tc := range []struct{ email, password string }{
		{"bob@example.com", "short"},
		{"bob@example.com", "bob@example.com"},
		{"bobby.tables@example.com", "BOBBY.TABLES"},
		{"bob@example.com", strings.Repeat("x", pool.MaxPasswordLength+1)},
	} {
		_, _, err := w.db.CreateUser(ctx, pool.NewUser{TenantID: w.mah, Email: tc.email, Name: "Bob", Role: pool.RoleViewer}, tc.password)
		if e, ok := err.(*pool.Error); !ok || e.Code != pool.EINVALID || e.Field != "password" {
			t.Errorf("password %.20q for %s: %v", tc.password, tc.email, err)
		}
	}
	for _, bad := range []pool.NewUser{
		{TenantID: w.mah, Email: "not an address", Name: "X", Role: pool.RoleViewer},
		{TenantID: w.mah, Email: "Bob <bob@example.com>", Name: "X", Role: pool.RoleViewer},
		{TenantID: w.mah, Email: "x@example.com", Name: " ", Role: pool.RoleViewer},
		{TenantID: w.mah, Email: "x@example.com", Name: "X", Role: "root"},
	} {
		if _, _, err := w.db.CreateUser(ctx, bad, goodPassword); pool.ErrorCode(err) != pool.EINVALID {
			t.Errorf("create %+v: %v", bad, err)
		}
	}

	// Unknown e-mail and wrong password get the one answer.
	_, unknown := w.db.Login(ctx, pool.Credentials{Email: "nobody@example.com", Password: goodPassword})
	_, wrong := w.db.Login(ctx, pool.Credentials{Email: alice.Email, Password: "wrong password!"})
	if pool.ErrorCode(unknown) != pool.EUNAUTHENTICATED || unknown.Error() != wrong.Error() {
		t.Errorf("unknown e-mail: %v; wrong password: %v", unknown, wrong)
	}
	// Lockout: 3 failures (one above, two more) lock the account, even for the right password.
	for range 2 {
		if _, err := w.db.Login(ctx, pool.Credentials{Email: alice.Email, Password: "wrong password!"}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: alice.Email, Password: goodPassword}); pool.ErrorCode(err) != pool.EACCOUNTLOCKED {
		t.Errorf("right password on a locked account: %v", err)
	}
	var locks int64
	w.db.Gorm().Raw(`SELECT count(*) FROM audit_log WHERE action = 'user.lock' AND tenant_id = ?`, w.mah).Scan(&locks)
	if locks != 1 {
		t.Errorf("%d lockouts audited", locks)
	}
	// The window passed, the account opens again.
	w.db.Gorm().Exec(`UPDATE users SET failures_since = now() - interval '2 minutes' WHERE id = ?`, alice.ID)
	if _, err := w.db.Login(ctx, pool.Credentials{Email: alice.Email, Password: goodPassword}); err != nil {
		t.Errorf("after the lockout window: %v", err)
	}

	// A disabled user gets the unknown user's answer.
	if _, err := w.db.DisableUser(ctx, "ALICE@example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: alice.Email, Password: goodPassword}); err == nil || err.Error() != unknown.Error() {
		t.Errorf("disabled user: %v", err)
	}
	if _, err := w.db.DisableUser(ctx, "nobody@example.com"); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("disable an unknown e-mail: %v", err)
	}
	// Hashes are argon2id PHC strings, never the password.
	var hash string
	w.db.Gorm().Raw(`SELECT password_hash FROM users WHERE id = ?`, alice.ID).Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, goodPassword) {
		t.Errorf("stored hash %q", hash)
	}
}

func TestTOTPAndVerifyPassword(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	bob, bobCtx := w.user(t, w.mah, "bob@example.com", pool.RoleAdmin)

	url, err := w.db.EnrolTOTP(bobCtx)
	if err != nil || !strings.HasPrefix(url, "otpauth://totp/serialpool:bob@example.com?") {
		t.Fatalf("enrol: %q, %v", url, err)
	}
	// Not required until confirmed.
	if _, err := w.db.Login(ctx, pool.Credentials{Email: bob.Email, Password: goodPassword}); err != nil {
		t.Errorf("unconfirmed TOTP: %v", err)
	}
	secret := url[strings.Index(url, "secret=")+len("secret="):]
	secret, _, _ = strings.Cut(secret, "&")
	if err := w.db.ConfirmTOTP(bobCtx, "000000"); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("confirm with a wrong code: %v", err)
	}
	// Skew 1: the previous period's code is still taken (here to confirm).
	prev, _ := totp.GenerateCode(secret, time.Now().Add(-30*time.Second))
	if err := w.db.ConfirmTOTP(bobCtx, prev); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: bob.Email, Password: goodPassword}); pool.ErrorCode(err) != pool.ETOTPREQUIRED {
		t.Errorf("no code: %v", err)
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: bob.Email, Password: goodPassword, TOTP: "123456x"}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("wrong code: %v", err)
	}
	code, _ := totp.GenerateCode(secret, time.Now())
	if _, err := w.db.Login(ctx, pool.Credentials{Email: bob.Email, Password: goodPassword, TOTP: code}); err != nil {
		t.Errorf("the current code: %v", err)
	}
	// A code is taken once: not again, and no older one after it (RFC 6238 5.2).
	for what, c := range map[string]string{"the same code again": code, "the previous period's code after the current one": prev} {
		if _, err := w.db.Login(ctx, pool.Credentials{Email: bob.Email, Password: goodPassword, TOTP: c}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
			t.Errorf("%s: %v", what, err)
		}
	}
	if old, _ := totp.GenerateCode(secret, time.Now().Add(-90*time.Second)); old != prev && old != code {
		if _, err := w.db.Login(ctx, pool.Credentials{Email: bob.Email, Password: goodPassword, TOTP: old}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
			t.Errorf("a code 3 periods old: %v", err)
		}
	}
	// The secret is not readable by the request role.
	err = w.db.TenantExec(bobCtx, func(tx *gorm.DB) error { return tx.Exec(`SELECT totp_secret FROM users`).Error })
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("request role reads totp_secret: %v", err)
	}

	// VerifyPassword checks the caller's own password, as a signature needs.
	if u, err := w.db.VerifyPassword(bobCtx, goodPassword); err != nil || u.ID != bob.ID {
		t.Errorf("verify the right password: %+v, %v", u, err)
	}
	if _, err := w.db.VerifyPassword(bobCtx, "wrong password!"); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("verify a wrong password: %v", err)
	}
	if _, err := w.db.VerifyPassword(w.mahAdmin, goodPassword); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("verify as an API key: %v", err)
	}
	// A person's id in another tenant's context matches nobody.
	forged := pool.WithActor(ctx, pool.Actor{TenantID: w.other, UserID: bob.ID, Role: pool.RoleAdmin})
	if _, err := w.db.VerifyPassword(forged, goodPassword); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("verify across tenants: %v", err)
	}
}

func TestUsersAdminAndInvitation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	admin, adminCtx := w.user(t, w.mah, "admin@mah.example", pool.RoleAdmin)
	w.user(t, w.other, "someone@other.example", pool.RoleAdmin)

	u, token, err := w.db.InviteUser(adminCtx, pool.NewUser{TenantID: w.other, Email: "carol@mah.example", Name: "Carol", Role: pool.RoleViewer})
	if err != nil || u.TenantID != w.mah || !strings.HasPrefix(token, "spu_") {
		t.Fatalf("invite: %+v %q %v (the tenant is the caller's, whatever is asked)", u, token, err)
	}
	if _, _, err := w.db.InviteUser(w.mahViewer, pool.NewUser{Email: "dave@mah.example", Name: "Dave", Role: pool.RoleViewer}); pool.ErrorCode(err) != pool.EFORBIDDEN {
		t.Errorf("a viewer invites: %v", err)
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: "carol@mah.example", Password: goodPassword}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("sign-in before the invitation is accepted: %v", err)
	}
	if _, err := w.db.AcceptInvitation(ctx, token, "short"); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("accept with a bad password: %v", err)
	}
	if _, err := w.db.AcceptInvitation(ctx, token, goodPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.AcceptInvitation(ctx, token, goodPassword+"!"); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("an invitation used twice: %v", err)
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: "carol@mah.example", Password: goodPassword}); err != nil {
		t.Errorf("sign-in after the invitation: %v", err)
	}

	users, err := w.db.Users(adminCtx)
	if err != nil || len(users) != 2 || users[0].Email != "admin@mah.example" || users[1].Email != "carol@mah.example" {
		t.Fatalf("users = %+v, %v: want the tenant's two only", users, err)
	}
	op := pool.RoleOperator
	if u, err := w.db.UpdateUser(adminCtx, users[1].ID, pool.UserUpdate{Role: &op}); err != nil || u.Role != op {
		t.Errorf("change role: %+v, %v", u, err)
	}
	other, _ := w.db.TenantUsers(ctx, w.other)
	if _, err := w.db.UpdateUser(adminCtx, other[0].ID, pool.UserUpdate{Role: &op}); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("update another tenant's user: %v", err)
	}
	yes, viewer := true, pool.RoleViewer
	if _, err := w.db.UpdateUser(adminCtx, admin.ID, pool.UserUpdate{Disabled: &yes}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("an admin disables themselves: %v", err)
	}
	if _, err := w.db.UpdateUser(adminCtx, admin.ID, pool.UserUpdate{Role: &viewer}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("an admin demotes themselves: %v", err)
	}
	// Disabling a user is signed (TestSignatures has the rules).
	signed := pool.WithSignature(adminCtx, pool.SignatureInput{Password: goodPassword, Meaning: pool.Approved, Reason: "left the company"})
	if u, err := w.db.UpdateUser(signed, users[1].ID, pool.UserUpdate{Disabled: &yes}); err != nil || u.DisabledAt == nil {
		t.Errorf("disable: %+v, %v", u, err)
	}
	if _, err := w.db.Login(ctx, pool.Credentials{Email: "carol@mah.example", Password: goodPassword}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("sign-in when disabled: %v", err)
	}
	var audited int64
	w.db.Gorm().Raw(`SELECT count(*) FROM audit_log WHERE tenant_id = ? AND action IN ('user.create', 'user.update', 'user.password') AND actor LIKE 'Person admin@mah.example <%'`, w.mah).Scan(&audited)
	if audited != 3 { // invite, role, disable
		t.Errorf("%d changes audited as the admin", audited)
	}
}

func TestKeyOwners(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	dana, _ := w.user(t, w.mah, "dana@mah.example", pool.RoleAdmin)
	w.user(t, w.other, "eve@other.example", pool.RoleAdmin)

	mine, err := w.db.CreateOwnedKey(ctx, w.mah, pool.RoleOperator, pool.KeyOwner{Email: "DANA@mah.example"})
	if err != nil {
		t.Fatal(err)
	}
	line, err := w.db.CreateOwnedKey(ctx, w.mah, pool.RoleOperator, pool.KeyOwner{ServiceAccount: "Line 3 L3 server"})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []pool.KeyOwner{{}, {Email: "eve@other.example"}, {Email: "a@b.c", ServiceAccount: "both"}, {ServiceAccount: strings.Repeat("x", 101)}} {
		if _, err := w.db.CreateOwnedKey(ctx, w.mah, pool.RoleOperator, bad); pool.ErrorCode(err) != pool.EINVALID {
			t.Errorf("owner %+v: %v", bad, err)
		}
	}
	a, err := w.db.Authenticate(ctx, mine)
	if err != nil || a.UserID != dana.ID || a.Name() != "Person dana@mah.example <dana@mah.example> (key:"+itoa(a.KeyID)+")" {
		t.Errorf("a person's key acts as %q (%+v, %v)", a.Name(), a, err)
	}
	b, err := w.db.Authenticate(ctx, line)
	if err != nil || b.UserID != 0 || b.Name() != "Line 3 L3 server (service account, key:"+itoa(b.KeyID)+")" {
		t.Errorf("a service account's key acts as %q (%v)", b.Name(), err)
	}
	keys, err := w.db.APIKeys(w.mahAdmin)
	if err != nil {
		t.Fatal(err)
	}
	owners := map[int64]string{}
	for _, k := range keys {
		owners[k.ID] = k.Owner
	}
	if owners[a.KeyID] != "Person dana@mah.example <dana@mah.example>" || owners[b.KeyID] != "Line 3 L3 server" {
		t.Errorf("apiKeys owners = %v", owners)
	}
	// A disabled person's keys stop working.
	if _, err := w.db.DisableUser(ctx, dana.Email); err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Authenticate(ctx, mine); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("a disabled person's key: %v", err)
	}
}
