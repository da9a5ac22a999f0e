-- Live counts: every change of a pool's counters, and of a product's low
-- threshold, notifies channel pool_counts with the product id, so that each
-- server reads a changed pool once for all its subscribers instead of polling.
-- The trigger fires per counter row changed (serials_count changes a few per
-- statement), never per serial, and PostgreSQL folds identical notifications of
-- one transaction into one: a million-row intake sends one per product.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION pool_counts_notify() RETURNS trigger
  LANGUAGE plpgsql SET search_path = pg_catalog, public
AS $$
BEGIN
  IF TG_TABLE_NAME = 'products' THEN
    PERFORM pg_notify('pool_counts', NEW.id::text);
  ELSE
    PERFORM pg_notify('pool_counts', NEW.product_id::text);
  END IF;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER pool_counters_notify AFTER INSERT OR UPDATE ON pool_counters
  FOR EACH ROW EXECUTE FUNCTION pool_counts_notify();
CREATE TRIGGER products_notify AFTER UPDATE OF low_threshold ON products
  FOR EACH ROW WHEN (OLD.low_threshold IS DISTINCT FROM NEW.low_threshold) EXECUTE FUNCTION pool_counts_notify();

-- +goose Down
DROP TRIGGER products_notify ON products;
DROP TRIGGER pool_counters_notify ON pool_counters;
DROP FUNCTION pool_counts_notify();
