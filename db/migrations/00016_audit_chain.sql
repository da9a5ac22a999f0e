-- A tamper-evident audit trail (21 CFR Part 11, EU GMP Annex 11): the entries of
-- a tenant form a hash chain. Each entry holds its place in the chain (seq), the
-- hash of the entry before it and the hash of its own content, the previous hash
-- included, so editing, deleting or inserting an entry breaks the chain at that
-- point; `serialpool audit verify` recomputes it. The chain is kept in the
-- database, so every writer of the trail (auditTx and the SQL functions alike)
-- chains the same way. An entry may also carry an electronic signature, hashed
-- with the rest so that it cannot be moved to another entry.

-- +goose Up
ALTER TABLE audit_log
  ADD COLUMN signature jsonb,
  ADD COLUMN seq       bigint,
  ADD COLUMN prev_hash bytea,
  ADD COLUMN hash      bytea;

-- The head of each tenant's chain. Locking it orders a tenant's entries; the
-- application role has no access at all, only the chaining trigger writes it.
CREATE TABLE audit_heads (
  tenant_id bigint PRIMARY KEY,
  seq       bigint NOT NULL,
  hash      bytea
);

-- The hash of an entry: SHA-256 over a canonical, versioned encoding of every
-- recorded column. jsonb prints keys in one order and times are written in UTC,
-- so the text does not depend on the session. A new encoding gets a new version
-- tag, and verify keeps the old one for the entries it sealed.
-- +goose StatementBegin
CREATE FUNCTION audit_entry_hash(e audit_log) RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(convert_to(jsonb_build_array('audit/v1', e.tenant_id, e.seq, e.id,
    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor, e.action, e.product_id, e.count, e.detail, e.signature,
    encode(e.prev_hash, 'hex'))::text, 'UTF8'))
$$;
-- +goose StatementEnd

-- Seals a new entry onto its tenant's chain. It runs when the entry is written,
-- which every writer does as the last step of its transaction, so the head row
-- stays locked only until the commit that follows: concurrent transactions of
-- one tenant serialise on their last statement alone, other tenants not at all.
-- +goose StatementBegin
CREATE FUNCTION audit_log_chain() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  head audit_heads;
BEGIN
  -- The upsert locks the head (creating it for a tenant's first entry) and
  -- reads it as last committed.
  INSERT INTO audit_heads AS h (tenant_id, seq) VALUES (NEW.tenant_id, 0)
    ON CONFLICT (tenant_id) DO UPDATE SET seq = h.seq
    RETURNING * INTO head;
  -- A significant action's verified signature, set for its transaction by the
  -- server (db.sign), whichever statement writes the entry.
  NEW.signature := coalesce(NEW.signature, nullif(current_setting('app.signature', true), '')::jsonb);
  NEW.seq := head.seq + 1;
  NEW.prev_hash := head.hash;
  NEW.hash := audit_entry_hash(NEW);
  UPDATE audit_heads SET seq = NEW.seq, hash = NEW.hash WHERE tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;
-- +goose StatementEnd

-- Chain the entries written so far, a tenant at a time in the order written.
ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
-- +goose StatementBegin
DO $$
DECLARE
  e audit_log;
BEGIN
  FOR e IN SELECT * FROM audit_log ORDER BY tenant_id, id LOOP
    SELECT coalesce(max(h.seq), 0) + 1, (array_agg(h.hash))[1] INTO e.seq, e.prev_hash
      FROM audit_heads h WHERE h.tenant_id = e.tenant_id;
    e.hash := audit_entry_hash(e);
    UPDATE audit_log SET seq = e.seq, prev_hash = e.prev_hash, hash = e.hash WHERE id = e.id;
    INSERT INTO audit_heads AS h VALUES (e.tenant_id, e.seq, e.hash)
      ON CONFLICT (tenant_id) DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash;
  END LOOP;
END
$$;
-- +goose StatementEnd
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;

ALTER TABLE audit_log ALTER COLUMN seq SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
CREATE UNIQUE INDEX audit_log_chain ON audit_log (tenant_id, seq);
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- The application appends and reads; it never rewrites (the append-only trigger
-- says so too, but a privilege holds even with triggers disabled).
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM serialpool_app;
REVOKE ALL ON audit_heads FROM serialpool_app;

-- +goose Down
DROP TRIGGER audit_log_chain ON audit_log;
DROP INDEX audit_log_chain;
DROP FUNCTION audit_log_chain(), audit_entry_hash(audit_log);
DROP TABLE audit_heads;
ALTER TABLE audit_log DROP COLUMN signature, DROP COLUMN seq, DROP COLUMN prev_hash, DROP COLUMN hash;
