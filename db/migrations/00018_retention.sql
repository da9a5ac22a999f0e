-- Records kept as long as the law says, and three gaps of issues 15 and 16.
--
-- Retention (EU FMD Delegated Regulation 2016/161 art. 35: a year after expiry
-- or five years after release, whichever is longer; US DSCSA: six years): a
-- serial that was ever handed out (assigned) or carries a pack event, and its
-- events, cannot be deleted before serial_retained_until. The release for sale
-- is not an event the pool sees, so the rule counts from the serial's latest
-- event or assignment, and six years from that covers both laws. A serial
-- never handed out and never used is no record of an operation on a pack, and
-- may go.
--
-- Signatures by re-authentication with the provider (below).
--
-- TOTP replay: the time step of the last code accepted, so that a code seen
-- once (over a shoulder, in a log) cannot sign in again within its window.
--
-- Capture jobs: a deadline, after which a job still RUNNING (its server
-- stopped mid-capture; its transaction rolled back) reads as failed.
--
-- Ending a partnership records its old and new values like other master data.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION serial_retained_until(p_product bigint, p_serial bigint, p_assigned timestamptz) RETURNS timestamptz
  LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT greatest(p_assigned + interval '6 years', max(e.at) + interval '6 years', max(e.expiry) + interval '1 year')
    FROM pack_events e WHERE e.product_id = p_product AND e.serial_id = p_serial
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION retention_guard() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  until timestamptz;
BEGIN
  -- TG_ARGV[0] names the table: TG_TABLE_NAME is a partition's name once partitioned.
  IF TG_ARGV[0] = 'serials' THEN
    until := serial_retained_until(OLD.product_id, OLD.id, OLD.assigned_at);
  ELSE
    until := serial_retained_until(OLD.product_id, OLD.serial_id,
      (SELECT s.assigned_at FROM serials s WHERE s.product_id = OLD.product_id AND s.id = OLD.serial_id));
  END IF;
  IF until > now() THEN
    RAISE EXCEPTION 'retention: % % of product % is kept until %', TG_TABLE_NAME, OLD.id, OLD.product_id, until
      USING ERRCODE = 'integrity_constraint_violation', HINT = 'records of a serial are kept 6 years after its last use, and a year after its expiry';
  END IF;
  RETURN OLD;
END $$;
-- +goose StatementEnd

-- Pack events stay never updated; deleted only once their retention ended.
DROP TRIGGER pack_events_append_only ON pack_events;
CREATE TRIGGER pack_events_append_only BEFORE UPDATE ON pack_events FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER serials_retention BEFORE DELETE ON serials FOR EACH ROW EXECUTE FUNCTION retention_guard('serials');
CREATE TRIGGER pack_events_retention BEFORE DELETE ON pack_events FOR EACH ROW EXECUTE FUNCTION retention_guard('pack_events');
REVOKE ALL ON FUNCTION serial_retained_until(bigint, bigint, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION serial_retained_until(bigint, bigint, timestamptz) TO serialpool_app;

ALTER TABLE users ADD COLUMN totp_last_step bigint;

-- A person signed in with the tenant's OpenID provider signs by signing in
-- there again: the sign-in under way names the session it is for, and the
-- session holds when that happened, until one signature takes it.
ALTER TABLE sso_logins ADD COLUMN session_hash bytea;
ALTER TABLE sessions ADD COLUMN reauth_at timestamptz;

ALTER TABLE epcis_captures ADD COLUMN deadline timestamptz;
UPDATE epcis_captures SET deadline = created_at + interval '10 minutes';
ALTER TABLE epcis_captures ALTER COLUMN deadline SET NOT NULL;

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION end_partnership(actor text, key_id bigint, user_id bigint, partnership_id bigint, reason text) RETURNS bigint
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
   CROSS JOIN (SELECT 'partnership.end', NULL::bigint, total, jsonb_build_object('reason', reason,
                 'changes', jsonb_build_object('status', jsonb_build_object('old', 'ACTIVE', 'new', 'ENDED'),
                   'endedAt', jsonb_build_object('old', NULL, 'new', p.ended_at),
                   'endReason', jsonb_build_object('old', NULL, 'new', reason)))
               UNION ALL
               SELECT 'serials.return', u.product, u.n, '{}'::jsonb FROM unnest(returned_products, returned_counts) AS u(product, n))
         AS e(action, product, n, detail);
  RETURN total;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION end_partnership(actor text, key_id bigint, user_id bigint, partnership_id bigint, reason text) RETURNS bigint
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

ALTER TABLE epcis_captures DROP COLUMN deadline;
ALTER TABLE sessions DROP COLUMN reauth_at;
ALTER TABLE sso_logins DROP COLUMN session_hash;
ALTER TABLE users DROP COLUMN totp_last_step;
DROP TRIGGER pack_events_retention ON pack_events;
DROP TRIGGER serials_retention ON serials;
DROP TRIGGER pack_events_append_only ON pack_events;
CREATE TRIGGER pack_events_append_only BEFORE DELETE OR UPDATE ON pack_events FOR EACH ROW EXECUTE FUNCTION append_only();
DROP FUNCTION retention_guard();
DROP FUNCTION serial_retained_until(bigint, bigint, timestamptz);
