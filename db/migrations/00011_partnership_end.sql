-- Partnerships end. Either side's admin ends one (end_partnership, the one
-- cross-tenant step): from then on the CMO moves none of the MAH's serials and
-- the MAH assigns it none; the CMO's unused serials (Available, no pack event)
-- return to the MAH's pool as Available; what the CMO used stays readable to
-- both. The row stays, marked ended, so both sides keep seeing it (and each
-- other's name on their history); partnering again takes a new invitation.

-- +goose Up
ALTER TABLE partnerships
  ADD COLUMN ended_at   timestamptz,
  ADD COLUMN ended_by   bigint REFERENCES tenants, -- the side that ended it
  ADD COLUMN end_reason text CHECK (length(end_reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT partnership_end CHECK ((ended_at IS NULL) = (ended_by IS NULL) AND (ended_at IS NULL) = (end_reason IS NULL)),
  DROP CONSTRAINT partnerships_mah_tenant_id_cmo_tenant_id_key;
-- One partnership at a time between two tenants; ended ones are history.
CREATE UNIQUE INDEX partnerships_active ON partnerships (mah_tenant_id, cmo_tenant_id) WHERE ended_at IS NULL;

-- The application only reads partnerships and holds them: requests, releases,
-- pack events and assignments take the row FOR SHARE (which needs an UPDATE
-- privilege and policy), so that end_partnership's update waits for them and
-- they, after it, see the end. WITH CHECK (false): no update of the app's ever
-- passes; partnerships begin and end only in the functions below.
DROP POLICY partnership_member ON partnerships;
CREATE POLICY partnership_member ON partnerships FOR SELECT
  USING (mah_tenant_id = app_tenant() OR cmo_tenant_id = app_tenant());
CREATE POLICY partnership_hold ON partnerships FOR UPDATE
  USING (mah_tenant_id = app_tenant() OR cmo_tenant_id = app_tenant()) WITH CHECK (false);
REVOKE INSERT ON partnerships FROM serialpool_app;
GRANT UPDATE (ended_at) ON partnerships TO serialpool_app;

-- A tenant sees the owner of every product it sees, so Product.owner always
-- resolves, besides itself and its partners (ended ones included).
DROP POLICY tenant_self_or_partner ON tenants;
CREATE POLICY tenant_self_partner_or_owner ON tenants USING (
  id = app_tenant() OR EXISTS (
    SELECT FROM partnerships p
    WHERE (p.mah_tenant_id = app_tenant() AND p.cmo_tenant_id = tenants.id)
       OR (p.cmo_tenant_id = app_tenant() AND p.mah_tenant_id = tenants.id))
  OR EXISTS (
    SELECT FROM pool_counters c JOIN products p ON p.id = c.product_id
    WHERE c.tenant_id = app_tenant() AND p.tenant_id = tenants.id));

-- accept_partner_invitation of 00007, with the uniqueness of active partnerships.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION accept_partner_invitation(actor text, code_hash bytea) RETURNS bigint
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
    ON CONFLICT (mah_tenant_id, cmo_tenant_id) WHERE ended_at IS NULL DO NOTHING;
  INSERT INTO audit_log (tenant_id, actor, action, detail)
    VALUES (inv.cmo_tenant_id, actor, 'partnership.accepted',
            jsonb_build_object('invitation', inv.id, 'mah', app_tenant()));
  RETURN inv.cmo_tenant_id;
END $$;
-- +goose StatementEnd

-- The one way to end a partnership, for an admin key (key_id) of either side:
-- in one transaction, mark it ended, return the CMO's unused serials to the
-- MAH's pool (the counters trigger moves both sides' counts), drop the CMO's
-- emptied counter rows (they are what makes a product visible to it: products
-- it never used vanish from its view), and audit it on both sides with counts.
-- It runs as the owner (past RLS); it answers the number of serials returned,
-- or NULL alike for unknown, other tenants' and ended partnerships.
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

-- +goose Down
DROP FUNCTION end_partnership(bigint, bigint, text);
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION accept_partner_invitation(actor text, code_hash bytea) RETURNS bigint
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
DROP POLICY tenant_self_partner_or_owner ON tenants;
CREATE POLICY tenant_self_or_partner ON tenants USING (
  id = app_tenant() OR EXISTS (
    SELECT FROM partnerships p
    WHERE (p.mah_tenant_id = app_tenant() AND p.cmo_tenant_id = tenants.id)
       OR (p.cmo_tenant_id = app_tenant() AND p.mah_tenant_id = tenants.id)));
REVOKE UPDATE (ended_at) ON partnerships FROM serialpool_app;
GRANT INSERT ON partnerships TO serialpool_app;
DROP POLICY partnership_hold ON partnerships;
DROP POLICY partnership_member ON partnerships;
CREATE POLICY partnership_member ON partnerships
  USING (mah_tenant_id = app_tenant() OR cmo_tenant_id = app_tenant())
  WITH CHECK (mah_tenant_id = app_tenant());
-- Ended partnerships are gone with their end; the pair is unique again.
DELETE FROM partnerships WHERE ended_at IS NOT NULL;
DROP INDEX partnerships_active;
ALTER TABLE partnerships DROP CONSTRAINT partnership_end, ADD UNIQUE (mah_tenant_id, cmo_tenant_id),
  DROP COLUMN ended_at, DROP COLUMN ended_by, DROP COLUMN end_reason;
