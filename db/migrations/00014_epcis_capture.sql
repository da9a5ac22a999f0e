-- EPCIS 2.0 (issue 15): capture jobs, answered at once and polled, and the
-- event hash of every pack event a capture stored, so that the same event
-- captured twice is stored once. A captured EPCIS event of n packs is n pack
-- events, each with the hash of the single-pack event it reads back as.
-- Listing a tenant's events in the order recorded reads the two indexes below.

-- +goose Up
CREATE TABLE epcis_captures (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants,
  state       text NOT NULL DEFAULT 'RUNNING' CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
  events      integer NOT NULL CHECK (events >= 0),
  recorded    integer NOT NULL DEFAULT 0,
  duplicates  integer NOT NULL DEFAULT 0,
  refusals    jsonb,
  actor       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  CHECK ((state = 'RUNNING') = (finished_at IS NULL))
);

-- One row per event hash and tenant: the unique index is the idempotency.
CREATE TABLE epcis_event_hashes (
  tenant_id  bigint NOT NULL REFERENCES tenants,
  event_hash text NOT NULL CHECK (event_hash ~ '^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$'),
  capture_id bigint NOT NULL REFERENCES epcis_captures,
  PRIMARY KEY (tenant_id, event_hash)
);

CREATE INDEX pack_events_tenant ON pack_events (tenant_id, id);
CREATE INDEX pack_events_partner ON pack_events (partner_tenant_id, id) WHERE partner_tenant_id IS NOT NULL;

ALTER TABLE epcis_captures ENABLE ROW LEVEL SECURITY;
ALTER TABLE epcis_event_hashes ENABLE ROW LEVEL SECURITY;
CREATE POLICY epcis_capture_own ON epcis_captures USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
CREATE POLICY epcis_event_hash_own ON epcis_event_hashes USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT, UPDATE ON epcis_captures TO serialpool_app;
GRANT SELECT, INSERT ON epcis_event_hashes TO serialpool_app;

-- +goose Down
DROP INDEX pack_events_tenant, pack_events_partner;
DROP TABLE epcis_event_hashes, epcis_captures;
