-- The audit trail is read newest first, a tenant at a time.

-- +goose Up
CREATE INDEX audit_log_tenant_id ON audit_log (tenant_id, id);

-- +goose Down
DROP INDEX audit_log_tenant_id;
