-- A request for serials may carry an idempotency key: a retry under the same key
-- (after a timeout, say) gets the first request back instead of more serials.
-- A tenant lists its requests newest first, of all products or of one.

-- +goose Up
ALTER TABLE serial_requests ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200);
CREATE UNIQUE INDEX serial_requests_idempotency ON serial_requests (tenant_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX serial_requests_tenant ON serial_requests (tenant_id, id);
CREATE INDEX serial_requests_tenant_product ON serial_requests (tenant_id, product_id, id);

-- +goose Down
DROP INDEX serial_requests_tenant, serial_requests_tenant_product;
ALTER TABLE serial_requests DROP COLUMN idempotency_key;
