package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// A container is an SSCC of one of the caller's SSCC pools; serials.container
// names the SSCC a pack (or a case) is packed in now, set by PACK and UNPACK
// events (writePackEvents). An SSCC pool's code, the extension digit and the
// company prefix, begins each of its SSCCs.

// ownSSCC finds @sscc in the caller's SSCC pools.
const ownSSCC = `SELECT ` + serialColumns + ` FROM serials WHERE value = @sscc AND product_id IN (
	SELECT id FROM products WHERE tenant_id = @tenant AND code_schema = 'SSCC' AND code = left(@sscc, length(code)))`

// Container implements pool.SSCCService.
func (d *DB) Container(ctx context.Context, sscc string) (*pool.Serial, error) {
	rows, err := tenantRead[serialRow](ctx, d, ownSSCC, pgx.NamedArgs{"sscc": sscc})
	if err != nil {
		return nil, wrap("container", err)
	}
	if len(rows) == 0 {
		return nil, noContainer(sscc)
	}
	return rows[0].domain(), nil
}

func noContainer(sscc string) error {
	return &pool.Error{Code: pool.ENOTFOUND, Field: "sscc", Message: "no SSCC " + sscc + " in your SSCC pools"}
}

// ContainerContents implements pool.SSCCService: the packs in the container
// as the caller sees them, its own and its MAH's alike.
func (d *DB) ContainerContents(ctx context.Context, sscc string, afterID int64, limit int) (*pool.SerialPage, error) {
	var rows []serialRow
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		args := map[string]any{"tenant": a.TenantID, "sscc": sscc, "after": afterID, "limit": limit + 1}
		var box []serialRow
		if err := tx.Raw(ownSSCC, args).Scan(&box).Error; err != nil {
			return err
		}
		if len(box) == 0 {
			return noContainer(sscc)
		}
		return tx.Raw(`SELECT `+serialColumns+` FROM serials WHERE container = @sscc AND tenant_id = @tenant AND id > @after
			UNION ALL
			SELECT `+partnerColumns+` FROM serials WHERE container = @sscc AND partner_tenant_id = @tenant AND id > @after
			ORDER BY id LIMIT @limit`, args).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("container contents", err)
	}
	return pages([]int64{0}, rows, func(*serialRow) int64 { return 0 }, limit)[0], nil
}

// DecommissionContainer implements pool.SSCCService.
func (d *DB) DecommissionContainer(ctx context.Context, in pool.ContainerDecommission) (*pool.PackEventsResult, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleOperator)
	if err != nil {
		return nil, err
	}
	// Destroying a case destroys its packs: signed like destroying them one by one.
	if pool.NeedsSignature([]pool.PackEventInput{{Event: pool.Decommission, Reason: &in.Reason}}) {
		if ctx, err = d.sign(ctx); err != nil {
			return nil, err
		}
	}
	var res *pool.PackEventsResult
	err = d.inTenant(ctx, writeTx, func(tx pgx.Tx, a pool.Actor) error {
		// The container and, down its cases, everything in it.
		rows, err := tx.Query(ctx, `WITH RECURSIVE c(code, v, pack, sscc, depth) AS (
				SELECT p.code, s.value, coalesce(s.pack_status, 'ACTIVE'), true, 0 FROM products p
				JOIN serials s ON s.product_id = p.id AND s.value = $1
				WHERE p.tenant_id = $2 AND p.code_schema = 'SSCC' AND p.code = left($1, length(p.code))
				UNION ALL
				SELECT p.code, s.value, coalesce(s.pack_status, 'ACTIVE'), p.code_schema = 'SSCC', c.depth + 1 FROM c
				JOIN serials s ON s.container = c.v JOIN products p ON p.id = s.product_id
				WHERE c.sscc AND c.depth < 100)
			SELECT code, v, pack FROM c ORDER BY depth DESC`, in.SSCC, a.TenantID)
		if err != nil {
			return err
		}
		var events []pool.PackEventInput
		found := false
		for rows.Next() {
			var e pool.PackEventInput
			var pack pool.PackStatus
			if err := rows.Scan(&e.ProductCode, &e.Serial, &pack); err != nil {
				return err
			}
			found = found || e.Serial == in.SSCC
			if pack == pool.PackDecommissioned {
				continue
			}
			e.Event, e.Reason, e.At, e.TZOffset = pool.Decommission, &in.Reason, in.At, in.TZOffset
			events = append(events, e)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if !found {
			return noContainer(in.SSCC)
		}
		if len(events) == 0 {
			return pool.Invalid("sscc", "container %s and everything in it are decommissioned already", in.SSCC)
		}
		if res, err = d.recordPackEvents(ctx, tx, a, events); err != nil {
			return err
		}
		return auditTx(ctx, tx, a, "container.decommission", 0, int64(len(events)),
			map[string]any{"sscc": in.SSCC, "reason": in.Reason})
	})
	if err != nil {
		return nil, wrap("decommission container", err)
	}
	return res, nil
}
