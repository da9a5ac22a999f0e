-- Single sign-on: a tenant's OpenID Connect provider, and the sign-ins under way.

-- +goose Up
CREATE TABLE sso_configs (
  tenant_id     bigint PRIMARY KEY REFERENCES tenants(id),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  issuer_url    text NOT NULL CHECK (length(issuer_url) BETWEEN 1 AND 2000),
  client_id     text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
  -- Write-only, as channels' upstream secrets (migration 00010): the request
  -- role cannot select it; only a sign-in, running as the owner, reads it.
  client_secret text NOT NULL,
  role_claim    text NOT NULL CHECK (length(role_claim) BETWEEN 1 AND 200),
  -- {"claim value": "viewer" | "operator" | "admin"}
  role_values   jsonb NOT NULL CHECK (jsonb_typeof(role_values) = 'object'),
  email_domain  text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE sso_configs ENABLE ROW LEVEL SECURITY;
CREATE POLICY sso_config_own ON sso_configs USING (tenant_id = app_tenant());
GRANT SELECT (tenant_id, name, issuer_url, client_id, role_claim, role_values, email_domain, updated_at),
  INSERT, DELETE ON sso_configs TO serialpool_app;
GRANT UPDATE (name, issuer_url, client_id, client_secret, role_claim, role_values, email_domain, updated_at)
  ON sso_configs TO serialpool_app;

-- A sign-in between its start and the provider's callback: found by the hash
-- of its state (the browser holds the state in a cookie), used once, and
-- valid for minutes. Only the sign-in endpoints, as the owner, touch it.
CREATE TABLE sso_logins (
  state_hash    bytea PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  nonce         text NOT NULL,
  code_verifier text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sso_logins_created ON sso_logins (created_at);

-- +goose Down
DROP TABLE sso_logins;
DROP TABLE sso_configs;
