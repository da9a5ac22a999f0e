-- Counters move in one order. serials_count() used to add to the counter rows
-- of the new rows first and subtract from those of the old rows after, so a
-- request (Available -> Assigned) locked ASSIGNED then AVAILABLE while a release
-- (Assigned -> Available) locked AVAILABLE then ASSIGNED: concurrent requests and
-- releases of one product deadlocked (40P01). Now each statement's net change
-- per counter row is computed once and applied row by row in key order, so every
-- transaction takes counter locks in the same order; rows whose count does not
-- change (a pack event, the MAH's row when its CMO requests) are not touched.

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION serials_count() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  -- Each serial counts for its owner and, when assigned to one, for its CMO.
  counted CONSTANT text := $q$
    SELECT tenant_id, product_id, status, source, coalesce(partner_tenant_id, 0), %1$s FROM %2$I
    UNION ALL
    SELECT partner_tenant_id, product_id, partner_status, 'PARTNER'::serial_source, tenant_id, %1$s FROM %2$I
    WHERE partner_tenant_id IS NOT NULL$q$;
  changes text;
  d record;
BEGIN
  changes := CASE TG_OP
    WHEN 'INSERT' THEN format(counted, '1', 'new_rows')
    WHEN 'DELETE' THEN format(counted, '-1', 'old_rows')
    ELSE format(counted, '1', 'new_rows') || ' UNION ALL ' || format(counted, '-1', 'old_rows') END;
  FOR d IN EXECUTE 'SELECT t, p, s, src, pt, sum(n)::bigint AS n FROM (' || changes || ') AS r(t, p, s, src, pt, n)
      GROUP BY t, p, s, src, pt HAVING sum(n) <> 0 ORDER BY t, p, s, src, pt' LOOP
    IF d.n > 0 THEN
      INSERT INTO pool_counters AS c (tenant_id, product_id, status, source, partner_id, n)
      VALUES (d.t, d.p, d.s, d.src, d.pt, d.n)
      ON CONFLICT (tenant_id, product_id, status, source, partner_id) DO UPDATE SET n = c.n + excluded.n;
    ELSE
      UPDATE pool_counters SET n = n + d.n
      WHERE tenant_id = d.t AND product_id = d.p AND status = d.s AND source = d.src AND partner_id = d.pt;
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION serials_count() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO pool_counters AS c (tenant_id, product_id, status, source, partner_id, n)
    SELECT t, p, s, src, pt, count(*) FROM (
      SELECT tenant_id, product_id, status, source, coalesce(partner_tenant_id, 0) FROM new_rows
      UNION ALL
      SELECT partner_tenant_id, product_id, partner_status, 'PARTNER'::serial_source, tenant_id FROM new_rows WHERE partner_tenant_id IS NOT NULL
    ) AS r(t, p, s, src, pt)
    GROUP BY t, p, s, src, pt
    ON CONFLICT (tenant_id, product_id, status, source, partner_id) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE pool_counters AS c SET n = c.n - d.n
    FROM (
      SELECT t, p, s, src, pt, count(*) FROM (
        SELECT tenant_id, product_id, status, source, coalesce(partner_tenant_id, 0) FROM old_rows
        UNION ALL
        SELECT partner_tenant_id, product_id, partner_status, 'PARTNER'::serial_source, tenant_id FROM old_rows WHERE partner_tenant_id IS NOT NULL
      ) AS r(t, p, s, src, pt)
      GROUP BY t, p, s, src, pt
    ) AS d(t, p, s, src, pt, n)
    WHERE c.tenant_id = d.t AND c.product_id = d.p AND c.status = d.s AND c.source = d.src AND c.partner_id = d.pt;
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
