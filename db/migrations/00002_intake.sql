-- Intake: the product's serial format for SNM generation, channels through which
-- outside systems push serials, and intake batches for exactly-once delivery.

-- +goose Up
CREATE TYPE serial_alphabet AS ENUM ('NUMERIC', 'ALPHANUMERIC');

ALTER TABLE products
  ADD COLUMN serial_alphabet serial_alphabet NOT NULL DEFAULT 'NUMERIC',
  ADD COLUMN serial_length   smallint NOT NULL DEFAULT 12 CHECK (serial_length BETWEEN 1 AND 20),
  -- SEQUENTIAL generation continues from here, under the product's row lock.
  ADD COLUMN sequence_next   bigint NOT NULL DEFAULT 1 CHECK (sequence_next >= 1);

-- A channel is one outside system (SAP ATTP, SAP ICH, TraceLink, a shop-floor line)
-- pushing serials; its key (hash stored) names it, and its type is the source.
CREATE TABLE channels (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants,
  source     serial_source NOT NULL CHECK (source IN ('SAP_ATTP', 'SAP_ICH', 'TRACELINK', 'EXTERNAL')),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  key_hash   bytea NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- One row per stored batch, written in the batch's own transaction: a batch is
-- either stored with its row or not at all. The unique key makes a retry with the
-- same idempotency key wait for, then replay, the first delivery.
CREATE TABLE intake_batches (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id       bigint NOT NULL REFERENCES tenants,
  idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  request_hash    bytea NOT NULL,
  product_id      bigint NOT NULL REFERENCES products,
  source          serial_source NOT NULL,
  channel_id      bigint REFERENCES channels,
  accepted        bigint NOT NULL,
  actor           text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, idempotency_key)
);

ALTER TABLE channels ENABLE ROW LEVEL SECURITY;
ALTER TABLE intake_batches ENABLE ROW LEVEL SECURITY;
CREATE POLICY channel_own ON channels USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
CREATE POLICY intake_batch_own ON intake_batches USING (tenant_id = app_tenant()) WITH CHECK (tenant_id = app_tenant());
GRANT SELECT, INSERT ON channels, intake_batches TO serialpool_app;

-- +goose Down
DROP TABLE intake_batches, channels;
ALTER TABLE products DROP COLUMN serial_alphabet, DROP COLUMN serial_length, DROP COLUMN sequence_next;
DROP TYPE serial_alphabet;
