-- The web app's list of recent pack events: a tenant's, and a CMO's of the
-- serials assigned to it, newest event time first, read from an index range.

-- +goose Up
CREATE INDEX pack_events_tenant_at ON pack_events (tenant_id, at, id);
CREATE INDEX pack_events_partner_at ON pack_events (partner_tenant_id, at, id) WHERE partner_tenant_id IS NOT NULL;

-- +goose Down
DROP INDEX pack_events_partner_at;
DROP INDEX pack_events_tenant_at;
