-- The CMO's audit trail records the serials it receives from its MAH: the
-- MAH's assignment writes an entry into the CMO's chain too, as the end of a
-- partnership writes both sides'. The application role cannot insert into
-- another tenant's trail, so this function does, and only for an assignment
-- of the caller's own, to a partner it holds an active partnership with: the
-- product and count are the request's, never the caller's word.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION audit_partner_receipt(request_id bigint, acted_by text) RETURNS void
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  INSERT INTO audit_log (tenant_id, actor, action, product_id, count, detail)
  SELECT r.partner_tenant_id, 'tenant:' || r.tenant_id || ' ' || acted_by, 'serials.receive_partner', r.product_id, r.count,
         jsonb_build_object('partner', r.tenant_id)
    FROM serial_requests r
    JOIN partnerships p ON p.mah_tenant_id = r.tenant_id AND p.cmo_tenant_id = r.partner_tenant_id AND p.ended_at IS NULL
   WHERE r.id = request_id AND r.tenant_id = app_tenant();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'audit_partner_receipt: no assignment % of this tenant to an active partner', request_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
END $$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION audit_partner_receipt(bigint, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_partner_receipt(bigint, text) TO serialpool_app;

-- +goose Down
DROP FUNCTION audit_partner_receipt(bigint, text);
