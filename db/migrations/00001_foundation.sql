-- Foundation: tenants, partnerships, API keys, products, serials, exact pool
-- counters, the audit log, and row-level security on every tenant table.

-- +goose Up

-- The role every request runs under (SET LOCAL ROLE): row-level security applies to
-- it even when the server connects as a superuser or as the tables' owner.
-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'serialpool_app') THEN
    CREATE ROLE serialpool_app NOLOGIN;
  END IF;
  IF NOT pg_has_role(current_user, 'serialpool_app', 'MEMBER') THEN
    EXECUTE format('GRANT serialpool_app TO %I', current_user);
  END IF;
END
$$;
-- +goose StatementEnd

-- The tenant of the current transaction, set by the server with
-- set_config('app.tenant_id', ..., true). NULL (no rows visible) when unset.
CREATE FUNCTION app_tenant() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::bigint $$;

CREATE TYPE serial_status AS ENUM ('AVAILABLE', 'ASSIGNED');
CREATE TYPE serial_source AS ENUM ('SNM', 'SAP_ATTP', 'SAP_ICH', 'TRACELINK', 'EXTERNAL', 'PARTNER');
CREATE TYPE code_schema AS ENUM ('GTIN', 'NTIN', 'PPN', 'NDC');
CREATE TYPE key_role AS ENUM ('viewer', 'operator', 'admin');

CREATE TABLE tenants (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- An MAH assigns serials to a CMO only within a partnership.
CREATE TABLE partnerships (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  mah_tenant_id bigint NOT NULL REFERENCES tenants,
  cmo_tenant_id bigint NOT NULL REFERENCES tenants,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (mah_tenant_id, cmo_tenant_id),
  CHECK (mah_tenant_id <> cmo_tenant_id)
);
CREATE INDEX partnerships_cmo ON partnerships (cmo_tenant_id);

-- Only the SHA-256 of a key is stored; keys are 256-bit random, so a fast hash is enough.
CREATE TABLE api_keys (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants,
  role       key_role NOT NULL,
  hash       bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

-- A product code is unique across tenants: a GTIN belongs to one brand owner, and
-- (product code, serial) must be unique whatever the tenant.
CREATE TABLE products (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants,
  code          text NOT NULL UNIQUE,
  code_schema   code_schema NOT NULL,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  source        serial_source NOT NULL CHECK (source <> 'PARTNER'),
  low_threshold integer NOT NULL DEFAULT 1000 CHECK (low_threshold >= 0),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_tenant_code ON products (tenant_id, code);

-- One row per serial, sized for tens of millions per product. tenant_id is the
-- owner (MAH), denormalised so row-level security needs no join. When the MAH
-- assigns a serial to a CMO, status is ASSIGNED (the MAH's view) and
-- partner_status is the CMO's view of the same serial (AVAILABLE on arrival).
CREATE TABLE serials (
  product_id        bigint NOT NULL REFERENCES products,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  tenant_id         bigint NOT NULL,
  status            serial_status NOT NULL,
  source            serial_source NOT NULL,
  partner_tenant_id bigint,
  partner_status    serial_status,
  received_at       timestamptz NOT NULL DEFAULT now(),
  assigned_at       timestamptz,
  value             text NOT NULL CHECK (length(value) BETWEEN 1 AND 20),
  extra             jsonb,
  PRIMARY KEY (product_id, id),
  UNIQUE (product_id, value),
  CHECK ((partner_tenant_id IS NULL) = (partner_status IS NULL))
);
-- "Next N available serials" walks this small index in id order.
CREATE INDEX serials_available ON serials (product_id, id) WHERE status = 'AVAILABLE';
CREATE INDEX serials_partner ON serials (partner_tenant_id, product_id, id) WHERE partner_tenant_id IS NOT NULL;

-- Pool counts per (tenant, product, status): the donut reads these, never COUNT(*).
-- A CMO has its own rows for the serials assigned to it.
CREATE TABLE pool_counters (
  tenant_id  bigint NOT NULL,
  product_id bigint NOT NULL REFERENCES products,
  status     serial_status NOT NULL,
  n          bigint NOT NULL DEFAULT 0 CHECK (n >= 0),
  PRIMARY KEY (tenant_id, product_id, status)
);

-- Keeps pool_counters exact in the same transaction as every change to serials,
-- whichever statement (INSERT, COPY, UPDATE, DELETE) made it. Statement-level with
-- transition tables: one counter upsert per statement, not per row. SECURITY
-- DEFINER because an MAH's statement also moves its CMO partner's counters.
-- +goose StatementBegin
CREATE FUNCTION serials_count() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO pool_counters AS c (tenant_id, product_id, status, n)
    SELECT t, p, s, count(*) FROM (
      SELECT tenant_id, product_id, status FROM new_rows
      UNION ALL
      SELECT partner_tenant_id, product_id, partner_status FROM new_rows WHERE partner_tenant_id IS NOT NULL
    ) AS r(t, p, s)
    GROUP BY t, p, s
    ON CONFLICT (tenant_id, product_id, status) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE pool_counters AS c SET n = c.n - d.n
    FROM (
      SELECT t, p, s, count(*) FROM (
        SELECT tenant_id, product_id, status FROM old_rows
        UNION ALL
        SELECT partner_tenant_id, product_id, partner_status FROM old_rows WHERE partner_tenant_id IS NOT NULL
      ) AS r(t, p, s)
      GROUP BY t, p, s
    ) AS d(t, p, s, n)
    WHERE c.tenant_id = d.t AND c.product_id = d.p AND c.status = d.s;
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER serials_count_insert AFTER INSERT ON serials
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION serials_count();
CREATE TRIGGER serials_count_update AFTER UPDATE ON serials
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION serials_count();
CREATE TRIGGER serials_count_delete AFTER DELETE ON serials
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION serials_count();

-- Append-only: who did what, when. The trigger stops even the owner from rewriting history.
CREATE TABLE audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  action     text NOT NULL,
  product_id bigint REFERENCES products,
  count      bigint,
  detail     jsonb
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Row-level security: the net under the application's own tenant filters.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE partnerships ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE serials ENABLE ROW LEVEL SECURITY;
ALTER TABLE pool_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

-- A tenant sees itself and its partners (a CMO sees its MAH's name as product owner).
CREATE POLICY tenant_self_or_partner ON tenants USING (
  id = app_tenant() OR EXISTS (
    SELECT FROM partnerships p
    WHERE (p.mah_tenant_id = app_tenant() AND p.cmo_tenant_id = tenants.id)
       OR (p.cmo_tenant_id = app_tenant() AND p.mah_tenant_id = tenants.id)));
CREATE POLICY partnership_member ON partnerships
  USING (mah_tenant_id = app_tenant() OR cmo_tenant_id = app_tenant())
  WITH CHECK (mah_tenant_id = app_tenant());
CREATE POLICY api_key_own ON api_keys USING (tenant_id = app_tenant());
-- A CMO sees a product once its MAH has assigned it serials (it then has counters).
CREATE POLICY product_owner_or_partner ON products
  USING (tenant_id = app_tenant() OR EXISTS (
    SELECT FROM pool_counters c WHERE c.product_id = products.id AND c.tenant_id = app_tenant()))
  WITH CHECK (tenant_id = app_tenant());
CREATE POLICY serial_owner_or_partner ON serials
  USING (tenant_id = app_tenant() OR partner_tenant_id = app_tenant());
CREATE POLICY pool_counter_own ON pool_counters USING (tenant_id = app_tenant());
CREATE POLICY audit_own ON audit_log USING (tenant_id = app_tenant());

GRANT SELECT ON tenants, partnerships, api_keys, pool_counters TO serialpool_app;
GRANT SELECT, INSERT, UPDATE ON products, serials TO serialpool_app;
GRANT SELECT, INSERT ON audit_log TO serialpool_app;
GRANT INSERT ON partnerships TO serialpool_app;

-- +goose Down
DROP TABLE audit_log, pool_counters, serials, products, api_keys, partnerships, tenants;
DROP FUNCTION audit_log_append_only(), serials_count(), app_tenant();
DROP TYPE serial_status, serial_source, code_schema, key_role;
