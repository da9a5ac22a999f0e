-- The audit trail, which grows with every operation of every tenant, becomes
-- partitioned by hash of tenant_id into 16 partitions, as serials and
-- pack_events are by product (00021). The tenant is the audit trail's natural
-- key: its hash chain is per tenant, every reader names one (the trail, its
-- CSV, poolActivity, verify), so each reads one partition and its indexes,
-- and a tenant's chain and its head stay in one. The primary key becomes
-- (tenant_id, id); (tenant_id, seq) stays unique. Hash partitions need no
-- upkeep; ranges by time (pg_partman) would suit a purge of old entries, which
-- the trail does not have: it is kept whole.
--
-- The rebuild is 00021's, with the partition key as a parameter;
-- rebuild_by_product becomes a call of it, so that one rebuild is left.
-- audit_entry_hash takes the table's row type, so it is dropped before the
-- old table goes and created again for the new one, unchanged.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION rebuild_partitioned(tbl text, key text, parts int, pk text) RETURNS void
  LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
DECLARE
  old oid := to_regclass('public.' || tbl);
  fresh text := tbl || '_rebuilt';
  redo text[];
  rls boolean;
  forced boolean;
  next_id bigint;
  moved bigint;
  stmt text;
BEGIN
  SELECT relrowsecurity, relforcerowsecurity INTO rls, forced FROM pg_class WHERE oid = old;
  -- What the old table has, as statements that recreate it once the new one bears its name.
  redo := ARRAY(
    SELECT format('ALTER TABLE public.%I ADD CONSTRAINT %I %s', tbl, conname,
      CASE WHEN contype = 'p' THEN 'PRIMARY KEY (' || pk || ')' ELSE pg_get_constraintdef(oid) END)
    FROM pg_constraint WHERE conrelid = old AND contype IN ('p', 'u', 'f', 'x') ORDER BY contype DESC, conname)
  || ARRAY(
    SELECT replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
    FROM pg_index i WHERE i.indrelid = old
      AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = old)
    ORDER BY i.indexrelid::regclass::text)
  || ARRAY(SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = old AND NOT tgisinternal ORDER BY tgname)
  || ARRAY(
    SELECT format('CREATE POLICY %I ON public.%I AS %s FOR %s TO %s%s%s', policyname, tbl, permissive, cmd,
      array_to_string(ARRAY(SELECT quote_ident(r) FROM unnest(roles) r), ', '),
      ' USING (' || qual || ')', ' WITH CHECK (' || with_check || ')')
    FROM pg_policies WHERE schemaname = 'public' AND tablename = tbl ORDER BY policyname)
  || ARRAY(
    SELECT format('GRANT %s ON public.%I TO %I', a.privilege_type, tbl, r.rolname)
    FROM pg_class c, aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee
    WHERE c.oid = old AND a.grantee <> c.relowner ORDER BY r.rolname, a.privilege_type)
  || ARRAY(
    SELECT format('GRANT %s (%I) ON public.%I TO %I', x.privilege_type, t.attname, tbl, r.rolname)
    FROM pg_attribute t, aclexplode(t.attacl) x JOIN pg_roles r ON r.oid = x.grantee
    WHERE t.attrelid = old AND t.attacl IS NOT NULL AND NOT t.attisdropped ORDER BY t.attname, r.rolname, x.privilege_type)
  || ARRAY(
    SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE confrelid = old AND conrelid <> old AND contype = 'f' ORDER BY conname);
  IF rls THEN
    redo := redo || format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', tbl);
  END IF;
  IF forced THEN
    redo := redo || format('ALTER TABLE public.%I FORCE ROW LEVEL SECURITY', tbl);
  END IF;

  EXECUTE format('LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE', tbl);
  EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY
    INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)', fresh, tbl)
    || CASE WHEN parts > 0 THEN format(' PARTITION BY HASH (%I)', key) ELSE '' END;
  FOR i IN 0 .. parts - 1 LOOP
    EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
      tbl || '_p' || lpad(i::text, 2, '0'), fresh, parts, i);
  END LOOP;
  -- The rows, ids and all; serials_count must not count them again (the new
  -- table has no triggers yet).
  EXECUTE format('INSERT INTO public.%I OVERRIDING SYSTEM VALUE SELECT * FROM public.%I', fresh, tbl);
  GET DIAGNOSTICS moved = ROW_COUNT;
  EXECUTE format('SELECT count(*) FROM public.%I', tbl) INTO next_id;
  IF moved <> next_id THEN
    RAISE EXCEPTION 'rebuilding %: % rows moved of %', tbl, moved, next_id;
  END IF;
  next_id := nextval(pg_get_serial_sequence('public.' || tbl, 'id'));
  EXECUTE format('ALTER TABLE public.%I ALTER COLUMN id RESTART WITH %s', fresh, next_id);

  FOR stmt IN SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname)
      FROM pg_constraint WHERE confrelid = old AND conrelid <> old AND contype = 'f' LOOP
    EXECUTE stmt;
  END LOOP;
  EXECUTE format('DROP TABLE public.%I', tbl);
  EXECUTE format('ALTER TABLE public.%I RENAME TO %I', fresh, tbl);
  EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', pg_get_serial_sequence('public.' || tbl, 'id'), tbl || '_id_seq');
  FOREACH stmt IN ARRAY redo LOOP
    EXECUTE stmt;
  END LOOP;
  EXECUTE format('ANALYZE public.%I', tbl);
END
$$;
-- +goose StatementEnd
REVOKE EXECUTE ON FUNCTION rebuild_partitioned(text, text, int, text) FROM PUBLIC;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION rebuild_by_product(tbl text, parts int, pk text) RETURNS void
  LANGUAGE sql SET search_path = pg_catalog, public
AS $$ SELECT rebuild_partitioned(tbl, 'product_id', parts, pk) $$;
-- +goose StatementEnd
DROP FUNCTION audit_entry_hash(audit_log);
SELECT rebuild_partitioned('audit_log', 'tenant_id', 16, 'tenant_id, id');
-- +goose StatementBegin
CREATE FUNCTION audit_entry_hash(e audit_log) RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(convert_to(jsonb_build_array('audit/v1', e.tenant_id, e.seq, e.id,
    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor, e.action, e.product_id, e.count, e.detail, e.signature,
    encode(e.prev_hash, 'hex'))::text, 'UTF8'))
$$;
-- +goose StatementEnd

-- +goose Down
-- The functions stay: 00021's Down rebuilds through rebuild_by_product.
DROP FUNCTION audit_entry_hash(audit_log);
SELECT rebuild_partitioned('audit_log', NULL, 0, 'id');
-- +goose StatementBegin
CREATE FUNCTION audit_entry_hash(e audit_log) RETURNS bytea
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT sha256(convert_to(jsonb_build_array('audit/v1', e.tenant_id, e.seq, e.id,
    to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    e.actor, e.action, e.product_id, e.count, e.detail, e.signature,
    encode(e.prev_hash, 'hex'))::text, 'UTF8'))
$$;
-- +goose StatementEnd
