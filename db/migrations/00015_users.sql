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

-- Ending a partnership, as end_partnership of 00011 did, now also for an
-- admin signed in (user_id, when key_id is NULL), audited under the actor's
-- name (a person, a service account's key) rather than "key:N".
DROP FUNCTION end_partnership(bigint, bigint, text);
-- +goose StatementBegin
CREATE FUNCTION end_partnership(actor text, key_id bigint, user_id bigint, partnership_id bigint, reason text) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  p partnerships;
  returned_products bigint[];
  returned_counts bigint[];
  total bigint;
BEGIN
  IF NOT (CASE WHEN key_id IS NOT NULL
    THEN EXISTS (SELECT FROM api_keys k WHERE k.id = key_id AND k.tenant_id = app_tenant()
                 AND k.role = 'admin' AND k.revoked_at IS NULL)
    ELSE EXISTS (SELECT FROM users u WHERE u.id = user_id AND u.tenant_id = app_tenant()
                 AND u.role = 'admin' AND u.disabled_at IS NULL) END) THEN
    RAISE EXCEPTION 'only an admin of either side may end a partnership' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Waits for every transaction holding the partnership (FOR SHARE); each
  -- statement below then sees what they committed.
  UPDATE partnerships SET ended_at = now(), ended_by = app_tenant(), end_reason = reason
   WHERE id = partnership_id AND ended_at IS NULL AND app_tenant() IN (mah_tenant_id, cmo_tenant_id)
  RETURNING * INTO p;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  WITH returned AS (
    UPDATE serials s SET status = 'AVAILABLE', assigned_at = NULL, request_id = NULL,
           partner_tenant_id = NULL, partner_status = NULL, partner_request_id = NULL
     WHERE s.partner_tenant_id = p.cmo_tenant_id AND s.tenant_id = p.mah_tenant_id
       AND s.partner_status = 'AVAILABLE' AND s.pack_status IS NULL
    RETURNING s.product_id)
  SELECT coalesce(array_agg(product_id ORDER BY product_id), '{}'), coalesce(array_agg(n ORDER BY product_id), '{}'),
         coalesce(sum(n), 0)
    INTO returned_products, returned_counts, total
    FROM (SELECT product_id, count(*) AS n FROM returned GROUP BY product_id) r;
  DELETE FROM pool_counters WHERE tenant_id = p.cmo_tenant_id AND partner_id = p.mah_tenant_id AND n = 0;
  -- Each side's entries: the actor as named, on the other side as "tenant:M <actor>".
  INSERT INTO audit_log (tenant_id, actor, action, product_id, count, detail)
  SELECT side.tenant,
         CASE WHEN side.tenant = app_tenant() THEN actor ELSE 'tenant:' || app_tenant() || ' ' || actor END,
         e.action, e.product, e.n, jsonb_build_object('partnership', p.id, 'partner', side.partner) || e.detail
    FROM (VALUES (p.mah_tenant_id, p.cmo_tenant_id), (p.cmo_tenant_id, p.mah_tenant_id)) AS side(tenant, partner)
   CROSS JOIN (SELECT 'partnership.end', NULL::bigint, total, jsonb_build_object('reason', reason)
               UNION ALL
               SELECT 'serials.return', u.product, u.n, '{}'::jsonb FROM unnest(returned_products, returned_counts) AS u(product, n))
         AS e(action, product, n, detail);
  RETURN total;
END $$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION end_partnership(text, bigint, bigint, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION end_partnership(text, bigint, bigint, bigint, text) TO serialpool_app;

-- +goose Down
DROP FUNCTION end_partnership(text, bigint, bigint, bigint, text);
-- +goose StatementBegin
CREATE FUNCTION end_partnership(key_id bigint, partnership_id bigint, reason text) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  p partnerships;
  returned_products bigint[];
  returned_counts bigint[];
  total bigint;
BEGIN
  IF NOT EXISTS (SELECT FROM api_keys k WHERE k.id = key_id AND k.tenant_id = app_tenant()
                 AND k.role = 'admin' AND k.revoked_at IS NULL) THEN
    RAISE EXCEPTION 'only an admin of either side may end a partnership' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Waits for every transaction holding the partnership (FOR SHARE); each
  -- statement below then sees what they committed.
  UPDATE partnerships SET ended_at = now(), ended_by = app_tenant(), end_reason = reason
   WHERE id = partnership_id AND ended_at IS NULL AND app_tenant() IN (mah_tenant_id, cmo_tenant_id)
  RETURNING * INTO p;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  WITH returned AS (
    UPDATE serials s SET status = 'AVAILABLE', assigned_at = NULL, request_id = NULL,
           partner_tenant_id = NULL, partner_status = NULL, partner_request_id = NULL
     WHERE s.partner_tenant_id = p.cmo_tenant_id AND s.tenant_id = p.mah_tenant_id
       AND s.partner_status = 'AVAILABLE' AND s.pack_status IS NULL
    RETURNING s.product_id)
  SELECT coalesce(array_agg(product_id ORDER BY product_id), '{}'), coalesce(array_agg(n ORDER BY product_id), '{}'),
         coalesce(sum(n), 0)
    INTO returned_products, returned_counts, total
    FROM (SELECT product_id, count(*) AS n FROM returned GROUP BY product_id) r;
  DELETE FROM pool_counters WHERE tenant_id = p.cmo_tenant_id AND partner_id = p.mah_tenant_id AND n = 0;
  -- Each side's entries: its own key as the actor, the other side's as "tenant:M key:N".
  INSERT INTO audit_log (tenant_id, actor, action, product_id, count, detail)
  SELECT side.tenant,
         CASE WHEN side.tenant = app_tenant() THEN 'key:' || key_id ELSE 'tenant:' || app_tenant() || ' key:' || key_id END,
         e.action, e.product, e.n, jsonb_build_object('partnership', p.id, 'partner', side.partner) || e.detail
    FROM (VALUES (p.mah_tenant_id, p.cmo_tenant_id), (p.cmo_tenant_id, p.mah_tenant_id)) AS side(tenant, partner)
   CROSS JOIN (SELECT 'partnership.end', NULL::bigint, total, jsonb_build_object('reason', reason)
               UNION ALL
               SELECT 'serials.return', u.product, u.n, '{}'::jsonb FROM unnest(returned_products, returned_counts) AS u(product, n))
         AS e(action, product, n, detail);
  RETURN total;
END $$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION end_partnership(bigint, bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION end_partnership(bigint, bigint, text) TO serialpool_app;
ALTER TABLE api_keys DROP CONSTRAINT api_key_one_owner, DROP COLUMN service_account, DROP COLUMN owner_user_id;
DROP TABLE user_invitations, sessions, users;
