-- Partnerships need the CMO's consent: its admin creates a one-time invitation
-- code and gives it to the MAH's admin, who accepts it. Before, an MAH named
-- any tenant id as its CMO, partnering unasked and learning the tenant's name.

-- +goose Up
CREATE TABLE partner_invitations (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cmo_tenant_id bigint NOT NULL REFERENCES tenants,
  hash          bytea NOT NULL UNIQUE, -- SHA-256 of the code; the code is 256-bit random
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  accepted_by   bigint REFERENCES tenants,
  accepted_at   timestamptz,
  revoked_at    timestamptz
);
CREATE INDEX partner_invitations_cmo ON partner_invitations (cmo_tenant_id);

ALTER TABLE partner_invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY partner_invitation_own ON partner_invitations
  USING (cmo_tenant_id = app_tenant()) WITH CHECK (cmo_tenant_id = app_tenant());
GRANT SELECT, INSERT ON partner_invitations TO serialpool_app;
GRANT UPDATE (revoked_at) ON partner_invitations TO serialpool_app;

-- The one way across tenants for an MAH: with a valid code, consume it and
-- partner with the CMO that issued it, noting it in the CMO's audit log. It runs
-- as the owner (past RLS), so it answers only the CMO's id, or NULL alike for
-- unknown, expired, used, revoked and own codes.
-- +goose StatementBegin
CREATE FUNCTION accept_partner_invitation(actor text, code_hash bytea) RETURNS bigint
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  inv partner_invitations;
BEGIN
  UPDATE partner_invitations SET accepted_by = app_tenant(), accepted_at = now()
   WHERE hash = code_hash AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
     AND app_tenant() IS NOT NULL AND cmo_tenant_id <> app_tenant()
  RETURNING * INTO inv;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  INSERT INTO partnerships (mah_tenant_id, cmo_tenant_id) VALUES (app_tenant(), inv.cmo_tenant_id)
    ON CONFLICT DO NOTHING;
  INSERT INTO audit_log (tenant_id, actor, action, detail)
    VALUES (inv.cmo_tenant_id, actor, 'partnership.accepted',
            jsonb_build_object('invitation', inv.id, 'mah', app_tenant()));
  RETURN inv.cmo_tenant_id;
END $$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION accept_partner_invitation(text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION accept_partner_invitation(text, bytea) TO serialpool_app;

-- +goose Down
DROP FUNCTION accept_partner_invitation(text, bytea);
DROP TABLE partner_invitations;
