package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// An SSCC pool is a product row with code schema SSCC and code = extension
// digit + GS1 company prefix, so SSCCs are stored, counted, requested, released
// and tracked exactly like serials.

// CreateSSCCPool implements pool.SSCCService.
func (d *DB) CreateSSCCPool(ctx context.Context, companyPrefix string, extension int) (*pool.Product, error) {
	a, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	code, err := pool.SSCCPoolCode(companyPrefix, extension)
	if err != nil {
		return nil, err
	}
	return d.createProduct(ctx, a, productRow{Code: code, CodeSchema: string(pool.SSCC), Name: "SSCC pool " + code,
		Source: string(pool.SourceSNM), SerialAlphabet: string(pool.Numeric), SerialLength: 18})
}

// SSCCPools implements pool.SSCCService.
func (d *DB) SSCCPools(ctx context.Context) ([]*pool.Product, error) {
	var rows []productRow
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT `+productColumns+` FROM products WHERE tenant_id = @tenant AND code_schema = 'SSCC' ORDER BY code`,
			map[string]any{"tenant": a.TenantID}).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("sscc pools", err)
	}
	pools := make([]*pool.Product, len(rows))
	for i := range rows {
		pools[i] = rows[i].domain()
	}
	return pools, nil
}

// SSCCPool implements pool.SSCCService. Scoped like SSCCPools: only the caller's
// own pools (a partner's SSCCs never reach it).
func (d *DB) SSCCPool(ctx context.Context, code string) (*pool.Product, error) {
	rows, err := tenantRead[productRow](ctx, d, `SELECT `+productColumns+` FROM products
		WHERE tenant_id = @tenant AND code_schema = 'SSCC' AND code = @code`, pgx.NamedArgs{"code": code})
	if err != nil {
		return nil, wrap("sscc pool", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no SSCC pool with code %q", code)
	}
	return rows[0].domain(), nil
}

// UpdateLimits implements pool.ProductService.
func (d *DB) UpdateLimits(ctx context.Context, l pool.Limits) (*pool.Product, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	if ctx, err = d.sign(ctx); err != nil {
		return nil, err
	}
	var rows []productRow
	err = d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		var before []productRow
		err := tx.Raw(`SELECT `+productColumns+` FROM products WHERE code = @code AND tenant_id = @tenant FOR UPDATE`,
			map[string]any{"code": l.ProductCode, "tenant": a.TenantID}).Scan(&before).Error
		if err != nil || len(before) == 0 {
			return err
		}
		err = tx.Raw(`UPDATE products SET
				request_cap = coalesce(@cap, request_cap),
				low_threshold = coalesce(@low, low_threshold),
				replenish_to = CASE WHEN CAST(@replenish AS int) IS NULL THEN replenish_to ELSE nullif(CAST(@replenish AS int), 0) END
			WHERE code = @code AND tenant_id = @tenant
			RETURNING `+productColumns, map[string]any{"cap": l.RequestCap, "low": l.LowThreshold, "replenish": l.ReplenishTo,
			"code": l.ProductCode, "tenant": a.TenantID}).Scan(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		if r := rows[0]; r.ReplenishTo != nil && *r.ReplenishTo <= r.LowThreshold {
			return pool.Invalid("replenishTo", "replenishTo (%d) must be above lowThreshold (%d)", *r.ReplenishTo, r.LowThreshold)
		}
		was, now := before[0], rows[0]
		c := changes{}
		c.field("requestCap", was.RequestCap, now.RequestCap)
		c.field("lowThreshold", was.LowThreshold, now.LowThreshold)
		c.field("replenishTo", was.ReplenishTo, now.ReplenishTo)
		return auditTx(ctx, gormTx{tx}, a, "product.limits", now.ID, 0, map[string]any{"requestCap": l.RequestCap,
			"lowThreshold": l.LowThreshold, "replenishTo": l.ReplenishTo, "changes": c})
	})
	if err != nil {
		return nil, wrap("update limits", err)
	}
	if len(rows) == 0 {
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "productCode", Message: fmt.Sprintf("no product with code %q", l.ProductCode)}
	}
	return rows[0].domain(), nil
}
