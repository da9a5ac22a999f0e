-- What the replenisher speaks to a channel's upstream (pool.UpstreamProtocol),
-- and how the two ends name each other in TraceLink and SAP messages.
-- +goose Up
ALTER TABLE channels
  ADD COLUMN upstream_protocol text NOT NULL DEFAULT 'JSON' CHECK (upstream_protocol IN ('JSON', 'TRACELINK_SOAP', 'SAP_AIN')),
  ADD COLUMN upstream_sending_system text CHECK (length(upstream_sending_system) <= 100),
  ADD COLUMN upstream_receiving_system text CHECK (length(upstream_receiving_system) <= 100);
GRANT SELECT (upstream_protocol, upstream_sending_system, upstream_receiving_system) ON channels TO serialpool_app;
GRANT UPDATE (upstream_protocol, upstream_sending_system, upstream_receiving_system) ON channels TO serialpool_app;

-- +goose Down
ALTER TABLE channels DROP COLUMN upstream_receiving_system, DROP COLUMN upstream_sending_system, DROP COLUMN upstream_protocol;
