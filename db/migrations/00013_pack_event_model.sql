-- The pack event model (issue 15): every event carries the pack's lot, expiry
-- and national reimbursement number (of its commissioning), its time zone
-- offset and the container the pack is in after it; PACK and UNPACK put packs
-- into cases and pallets (SSCCs) and take them out.
-- +goose Up
ALTER TYPE pack_event_type ADD VALUE IF NOT EXISTS 'PACK';
ALTER TYPE pack_event_type ADD VALUE IF NOT EXISTS 'UNPACK';

ALTER TABLE pack_events
  ADD COLUMN lot       text CHECK (length(lot) BETWEEN 1 AND 20),
  ADD COLUMN expiry    date,
  ADD COLUMN nhrn      text CHECK (length(nhrn) BETWEEN 1 AND 20),
  ADD COLUMN tz_offset text NOT NULL DEFAULT '+00:00' CHECK (tz_offset ~ '^[+-][0-9]{2}:[0-9]{2}$'),
  ADD COLUMN container text CHECK (container ~ '^[0-9]{18}$');
-- History is read in event time order; the latest event is a pack's state.
DROP INDEX pack_events_serial;
CREATE INDEX pack_events_serial ON pack_events (product_id, serial_id, at, id);

-- The SSCC a serial (a pack or a case) is packed in now, so a container
-- lists its contents without reading histories.
ALTER TABLE serials ADD COLUMN container text;
CREATE INDEX serials_container ON serials (container, id) WHERE container IS NOT NULL;

-- +goose Down
DROP INDEX serials_container;
ALTER TABLE serials DROP COLUMN container;
DROP INDEX pack_events_serial;
CREATE INDEX pack_events_serial ON pack_events (product_id, serial_id, id);
ALTER TABLE pack_events DROP COLUMN lot, DROP COLUMN expiry, DROP COLUMN nhrn, DROP COLUMN tz_offset, DROP COLUMN container;
-- PostgreSQL cannot drop an enum value, and the history is append-only: PACK
-- and UNPACK stay.
