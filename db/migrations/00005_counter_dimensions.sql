-- Counters by source and partner too, so aggregates for BI (poolStats) group by
-- any of product, status, source and partner from counter rows alone. A
-- product's donut sums its few rows. partner_id is the CMO for an MAH's serials
-- handed to a partner, the MAH for a CMO's rows, and 0 otherwise.

-- +goose Up
ALTER TABLE pool_counters DROP CONSTRAINT pool_counters_pkey,
  ADD COLUMN source serial_source, ADD COLUMN partner_id bigint NOT NULL DEFAULT 0;
DELETE FROM pool_counters;
INSERT INTO pool_counters (tenant_id, product_id, status, source, partner_id, n)
SELECT tenant_id, product_id, status, source, coalesce(partner_tenant_id, 0), count(*) FROM serials GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT partner_tenant_id, product_id, partner_status, 'PARTNER'::serial_source, tenant_id, count(*) FROM serials
WHERE partner_tenant_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
ALTER TABLE pool_counters ALTER COLUMN source SET NOT NULL,
  ADD PRIMARY KEY (tenant_id, product_id, status, source, partner_id);

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

-- +goose Down
ALTER TABLE pool_counters DROP CONSTRAINT pool_counters_pkey;
CREATE TEMP TABLE c AS SELECT tenant_id, product_id, status, sum(n) AS n FROM pool_counters GROUP BY 1, 2, 3;
DELETE FROM pool_counters;
ALTER TABLE pool_counters DROP COLUMN source, DROP COLUMN partner_id, ADD PRIMARY KEY (tenant_id, product_id, status);
INSERT INTO pool_counters (tenant_id, product_id, status, n) SELECT * FROM c;
-- The counting trigger of 00001, by (tenant, product, status) only.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION serials_count() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO pool_counters AS c (tenant_id, product_id, status, n)
    SELECT t, p, s, count(*) FROM (
      SELECT tenant_id, product_id, status FROM new_rows
      UNION ALL
      SELECT partner_tenant_id, product_id, partner_status FROM new_rows WHERE partner_tenant_id IS NOT NULL
    ) AS r(t, p, s)
    GROUP BY t, p, s
    ON CONFLICT (tenant_id, product_id, status) DO UPDATE SET n = c.n + excluded.n;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    UPDATE pool_counters AS c SET n = c.n - d.n
    FROM (
      SELECT t, p, s, count(*) FROM (
        SELECT tenant_id, product_id, status FROM old_rows
        UNION ALL
        SELECT partner_tenant_id, product_id, partner_status FROM old_rows WHERE partner_tenant_id IS NOT NULL
      ) AS r(t, p, s)
      GROUP BY t, p, s
    ) AS d(t, p, s, n)
    WHERE c.tenant_id = d.t AND c.product_id = d.p AND c.status = d.s;
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
