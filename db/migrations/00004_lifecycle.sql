-- Lifecycle: requests of serials (orders, partner assignments), pack events, SSCC
-- pools, per-product limits and replenishment.

-- +goose Up
CREATE TYPE pack_status AS ENUM ('ACTIVE', 'COMMISSIONED', 'DECOMMISSIONED', 'UNKNOWN');
CREATE TYPE pack_event_type AS ENUM ('COMMISSION', 'DECOMMISSION', 'REACTIVATE');
CREATE TYPE decommission_reason AS ENUM ('DESTROYED', 'SAMPLED', 'SUPPLIED', 'STOLEN', 'EXPORTED', 'FREE_SAMPLE', 'LOCKED', 'CHECKED_OUT');

ALTER TABLE products
  ADD COLUMN request_cap  integer NOT NULL DEFAULT 500000 CHECK (request_cap BETWEEN 1 AND 10000000),
  ADD COLUMN replenish_to integer CHECK (replenish_to > 0),
  -- An SSCC pool's code is its extension digit and GS1 company prefix.
  ADD CONSTRAINT sscc_pool_code CHECK (code_schema <> 'SSCC' OR code ~ '^[0-9]{7,13}$');

-- A request hands out serials at once: to an order or line, or to a CMO partner.
CREATE TABLE serial_requests (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id         bigint NOT NULL REFERENCES tenants,
  product_id        bigint NOT NULL REFERENCES products,
  order_ref         text CHECK (length(order_ref) BETWEEN 1 AND 200),
  partner_tenant_id bigint REFERENCES tenants,
  count             integer NOT NULL,
  actor             text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  CHECK ((order_ref IS NULL) <> (partner_tenant_id IS NULL))
);
CREATE INDEX serial_requests_partner ON serial_requests (tenant_id, partner_tenant_id) WHERE partner_tenant_id IS NOT NULL;

-- request_id: the owner's latest request of the serial (an order or the partner
-- assignment); partner_request_id: the CMO's own latest request of it.
-- pack_status NULL means ACTIVE (no pack event yet), keeping untouched rows small.
ALTER TABLE serials
  ADD COLUMN request_id         bigint,
  ADD COLUMN partner_request_id bigint,
  ADD COLUMN pack_status        pack_status,
  ADD COLUMN pack_reason        decommission_reason;
CREATE INDEX serials_request ON serials (request_id, id) WHERE request_id IS NOT NULL;
CREATE INDEX serials_partner_request ON serials (partner_request_id, id) WHERE partner_request_id IS NOT NULL;

-- Pack history, append-only. partner_tenant_id is the serial's CMO at the time,
-- so a CMO sees the events of its serials and the MAH sees every event.
CREATE TABLE pack_events (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id        bigint NOT NULL REFERENCES products,
  serial_id         bigint NOT NULL,
  tenant_id         bigint NOT NULL REFERENCES tenants,
  partner_tenant_id bigint REFERENCES tenants,
  event             pack_event_type NOT NULL,
  status            pack_status NOT NULL,
  reason            decommission_reason,
  at                timestamptz NOT NULL,
  recorded_at       timestamptz NOT NULL DEFAULT now(),
  actor             text NOT NULL
);
CREATE INDEX pack_events_serial ON pack_events (product_id, serial_id, id);

-- One function guards every append-only table.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
-- +goose StatementEnd
ALTER FUNCTION audit_log_append_only() RENAME TO append_only;
CREATE TRIGGER pack_events_append_only BEFORE UPDATE OR DELETE ON pack_events
  FOR EACH ROW EXECUTE FUNCTION append_only();

-- Where a channel's replenishment requests go.
ALTER TABLE channels ADD COLUMN upstream_url text CHECK (upstream_url ~ '^https?://');

-- Replenishment jobs: at most one open job per product. A failing upstream parks
-- the job until next_attempt_at, with back-off ("park and retry").
CREATE TABLE replenishments (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       bigint NOT NULL REFERENCES tenants,
  product_id      bigint NOT NULL REFERENCES products,
  count           integer NOT NULL CHECK (count > 0),
  state           text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DONE')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  done_at         timestamptz
);
CREATE UNIQUE INDEX replenishments_open ON replenishments (product_id) WHERE state = 'PENDING';

ALTER TABLE serial_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE pack_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE replenishments ENABLE ROW LEVEL SECURITY;
CREATE POLICY serial_request_own ON serial_requests USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
CREATE POLICY pack_event_owner_or_partner ON pack_events
  USING (tenant_id = app_tenant() OR partner_tenant_id = app_tenant())
  WITH CHECK (tenant_id = app_tenant() OR partner_tenant_id = app_tenant());
CREATE POLICY replenishment_own ON replenishments USING (tenant_id = app_tenant());
GRANT SELECT, INSERT ON serial_requests, pack_events TO serialpool_app;
GRANT SELECT ON replenishments TO serialpool_app;

-- +goose Down
DROP TABLE replenishments, pack_events, serial_requests;
ALTER TABLE channels DROP COLUMN upstream_url;
ALTER FUNCTION append_only() RENAME TO audit_log_append_only;
ALTER TABLE serials DROP COLUMN request_id, DROP COLUMN partner_request_id, DROP COLUMN pack_status, DROP COLUMN pack_reason;
DELETE FROM products WHERE code_schema = 'SSCC';
ALTER TABLE products DROP COLUMN request_cap, DROP COLUMN replenish_to, DROP CONSTRAINT sscc_pool_code;
DROP TYPE pack_status, pack_event_type, decommission_reason;
