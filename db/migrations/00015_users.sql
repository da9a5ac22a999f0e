-- People, not keys: named users of a tenant, their sessions in the web app and
-- their invitations; API keys get an owner (a user or a named service account),
-- so that the audit trail names who acted.

-- +goose Up
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants,
  email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role          key_role NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  disabled_at   timestamptz,
  -- argon2id in the PHC string format (pool.HashPassword); NULL until an
  -- invitation is accepted.
  password_hash text,
  -- TOTP (RFC 6238): the base32 secret from enrolment, required at sign-in
  -- once confirmed.
  totp_secret   text,
  totp_enabled  boolean NOT NULL DEFAULT false CHECK (NOT totp_enabled OR totp_secret IS NOT NULL),
  -- Lockout: failures counted since failures_since, within the lockout window.
  failures       integer NOT NULL DEFAULT 0,
  failures_since timestamptz
);
-- Sign-in is by e-mail alone, before any tenant is known: unique over all
-- tenants, whatever its case.
CREATE UNIQUE INDEX users_email ON users (lower(email));
CREATE INDEX users_tenant ON users (tenant_id);

-- A session of the web app. Only the SHA-256 of its id is stored: the id is
-- 256-bit random, so whoever reads this table cannot sign in with it.
CREATE TABLE sessions (
  hash         bytea PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  tenant_id    bigint NOT NULL REFERENCES tenants,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user ON sessions (user_id);

-- A one-time invitation to set one's password (hash of the token, as above).
CREATE TABLE user_invitations (
  hash       bytea PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  tenant_id  bigint NOT NULL REFERENCES tenants,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX user_invitations_user ON user_invitations (user_id);

ALTER TABLE api_keys
  ADD COLUMN owner_user_id bigint REFERENCES users,
  ADD COLUMN service_account text CHECK (length(service_account) BETWEEN 1 AND 100),
  ADD CONSTRAINT api_key_one_owner CHECK (owner_user_id IS NULL OR service_account IS NULL);

ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_own ON users USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
CREATE POLICY session_own ON sessions USING (tenant_id = app_tenant());
CREATE POLICY user_invitation_own ON user_invitations USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());

-- The request role never reads a password hash, a TOTP secret or the failure
-- count: sign-in and password checks run as the owner (db/user.go).
GRANT SELECT (id, tenant_id, email, name, role, created_at, disabled_at, totp_enabled) ON users TO serialpool_app;
GRANT INSERT (tenant_id, email, name, role) ON users TO serialpool_app;
GRANT UPDATE (role, disabled_at) ON users TO serialpool_app;
GRANT SELECT, DELETE ON sessions TO serialpool_app;
GRANT INSERT (hash, user_id, tenant_id, expires_at) ON user_invitations TO serialpool_app;

-- +goose Down
ALTER TABLE api_keys DROP CONSTRAINT api_key_one_owner, DROP COLUMN service_account, DROP COLUMN owner_user_id;
DROP TABLE user_invitations, sessions, users;
