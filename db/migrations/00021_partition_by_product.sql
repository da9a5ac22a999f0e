-- serials and pack_events, the tables that grow with every serial, become
-- partitioned by hash of product_id into 16 partitions, so that index depth,
-- VACUUM and ANALYZE stay bounded per partition and the per-product queries
-- (allocation, pages of a pool, a serial's history) touch one. product_id is
-- the natural key: it leads serials' primary key (product_id, id) and every hot
-- lookup. pack_events' primary key becomes (product_id, id), as a partitioned
-- table's unique keys must hold its partition key.
--
-- rebuild_by_product moves a table without losing a row: a new table of the
-- same columns (defaults, CHECK and NOT NULL constraints, identity), every row
-- copied with its id, the identity continued past every id it issued, the old
-- table dropped and the new one renamed in its place, and then what the old
-- one had recreated from the catalogue as it was: constraints, indexes,
-- triggers, row-level security and its policies, grants (of columns too), foreign keys of
-- other tables pointing at it. Read from the catalogue rather than written out
-- here, so that whatever earlier migrations added is kept. It runs in the
-- migration's transaction and takes an exclusive lock on the table: writes wait
-- while the rows are copied (about a minute per 10 million serials here).
-- Partitions are not granted to the application role, so it can reach the
-- rows only through the partitioned table and its policies.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION rebuild_by_product(tbl text, parts int, pk text) RETURNS void
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
    || CASE WHEN parts > 0 THEN ' PARTITION BY HASH (product_id)' ELSE '' END;
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
REVOKE EXECUTE ON FUNCTION rebuild_by_product(text, int, text) FROM PUBLIC;
SELECT rebuild_by_product('serials', 16, 'product_id, id');
SELECT rebuild_by_product('pack_events', 16, 'product_id, id');

-- +goose Down
SELECT rebuild_by_product('pack_events', 0, 'id');
SELECT rebuild_by_product('serials', 0, 'product_id, id');
DROP FUNCTION rebuild_by_product(text, int, text);
