package db

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// SerialByValue implements pool.LifecycleService. SSCC pools answer too.
func (d *DB) SerialByValue(ctx context.Context, code, value string) (*pool.Serial, error) {
	var rows []serialRow
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		args := map[string]any{"tenant": a.TenantID, "code": code, "value": value}
		return tx.Raw(`SELECT `+serialColumns+` FROM serials
			WHERE tenant_id = @tenant AND value = @value AND product_id = (SELECT id FROM products WHERE code = @code)
			UNION ALL
			SELECT `+partnerColumns+` FROM serials
			WHERE partner_tenant_id = @tenant AND value = @value AND product_id = (SELECT id FROM products WHERE code = @code)`,
			args).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("serial", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no serial %q of product %q", value, code)
	}
	return rows[0].domain(), nil
}

// PackHistories implements pool.LifecycleService: one statement for any number of serials.
func (d *DB) PackHistories(ctx context.Context, serials []pool.SerialKey) ([][]*pool.PackEvent, error) {
	products, ids := make([]int64, len(serials)), make([]int64, len(serials))
	for i, s := range serials {
		products[i], ids[i] = s.ProductID, s.SerialID
	}
	rows, err := tenantRead[struct {
		SerialID int64
		pool.PackEvent
	}](ctx, d, `SELECT serial_id, event, status, reason, at, recorded_at, actor FROM pack_events
		WHERE (product_id, serial_id) IN (SELECT * FROM unnest(@products::bigint[], @serials::bigint[]))
		AND (tenant_id = @tenant OR partner_tenant_id = @tenant)
		ORDER BY serial_id, id`, pgx.NamedArgs{"products": products, "serials": ids})
	if err != nil {
		return nil, wrap("pack history", err)
	}
	bySerial := make(map[int64][]*pool.PackEvent, len(serials))
	for i := range rows {
		bySerial[rows[i].SerialID] = append(bySerial[rows[i].SerialID], &rows[i].PackEvent)
	}
	out := make([][]*pool.PackEvent, len(serials))
	for i, s := range serials {
		out[i] = bySerial[s.SerialID]
		if out[i] == nil {
			out[i] = []*pool.PackEvent{}
		}
	}
	return out, nil
}

// SerialRequestByID implements pool.LifecycleService.
func (d *DB) SerialRequestByID(ctx context.Context, id int64) (*pool.SerialRequest, error) {
	var rows []pool.SerialRequest
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT id, product_id, order_ref, partner_tenant_id AS partner_id, count, created_at
			FROM serial_requests WHERE id = ? AND tenant_id = ?`, id, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("serial request", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no such serial request")
	}
	return &rows[0], nil
}

// SerialRequests implements pool.LifecycleService. A product code the caller
// cannot see matches nothing, like a code that does not exist.
func (d *DB) SerialRequests(ctx context.Context, f pool.RequestFilter) (*pool.RequestPage, error) {
	var rows []*pool.SerialRequest
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		q := tx.Table("serial_requests").Select("id, product_id, order_ref, partner_tenant_id AS partner_id, count, created_at").
			Where("tenant_id = ?", a.TenantID)
		if f.ProductCode != "" {
			q = q.Where("product_id = (SELECT id FROM products WHERE code = ?)", f.ProductCode)
		}
		if f.OrderRef != "" {
			q = q.Where("order_ref = ?", f.OrderRef)
		}
		return newestFirst(q, "id", f.BeforeID, f.Limit).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("serial requests", err)
	}
	page := &pool.RequestPage{Requests: rows, HasNext: len(rows) > f.Limit}
	if page.HasNext {
		page.Requests = rows[:f.Limit]
	}
	return page, nil
}

// newestFirst pages q by its id column, newest first, from before beforeID
// (0: the newest); the one row past limit tells whether more follow.
func newestFirst(q *gorm.DB, id string, beforeID int64, limit int) *gorm.DB {
	if beforeID > 0 {
		q = q.Where(id+" < ?", beforeID)
	}
	return q.Order(id + " DESC").Limit(limit + 1)
}

// RequestSerialsPages implements pool.LifecycleService: one statement for any
// number of requests. A request names the serials through the requester's
// column: the owner's request_id, or a CMO's partner_request_id.
func (d *DB) RequestSerialsPages(ctx context.Context, reqs []*pool.SerialRequest, afterID int64, limit int) ([]*pool.SerialPage, error) {
	ids, products := make([]int64, len(reqs)), make([]int64, len(reqs))
	for i, r := range reqs {
		ids[i], products[i] = r.ID, r.ProductID
	}
	rows, err := tenantRead[serialRow](ctx, d, `SELECT s.* FROM unnest(@requests::bigint[], @products::bigint[]) AS r(id, product) CROSS JOIN LATERAL (
			SELECT r.id AS request_id, `+serialColumns+` FROM serials
			WHERE request_id = r.id AND product_id = r.product AND tenant_id = @tenant AND id > @after
			UNION ALL
			SELECT r.id, `+partnerColumns+` FROM serials
			WHERE partner_request_id = r.id AND product_id = r.product AND partner_tenant_id = @tenant AND id > @after
			ORDER BY id LIMIT @limit) s
		ORDER BY request_id, id`, pgx.NamedArgs{"requests": ids, "products": products, "after": afterID, "limit": limit + 1})
	if err != nil {
		return nil, wrap("request serials", err)
	}
	return pages(ids, rows, func(r *serialRow) int64 { return r.RequestID }, limit), nil
}

// invitationPrefix marks partner invitation codes, as keyPrefix marks keys.
const invitationPrefix = "spi_"

// CreatePartnerInvitation implements pool.LifecycleService.
func (d *DB) CreatePartnerInvitation(ctx context.Context) (*pool.PartnerInvitation, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	code, err := newSecret(invitationPrefix)
	if err != nil {
		return nil, err
	}
	inv := &pool.PartnerInvitation{Code: code}
	err = d.tenantTx(ctx, false, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`INSERT INTO partner_invitations (cmo_tenant_id, hash, expires_at) VALUES (?, ?, now() + make_interval(secs => ?))
			RETURNING id, created_at, expires_at`, a.TenantID, hashKey(code), pool.InvitationLifetime.Seconds()).
			Row().Scan(&inv.ID, &inv.CreatedAt, &inv.ExpiresAt); err != nil {
			return err
		}
		return audit(tx, a, "partnership.invite", nil, nil, map[string]any{"invitation": inv.ID})
	})
	if err != nil {
		return nil, wrap("create partner invitation", err)
	}
	return inv, nil
}

// openInvitation is the condition of an invitation whose code still works.
const openInvitation = `accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`

// PartnerInvitations implements pool.LifecycleService.
func (d *DB) PartnerInvitations(ctx context.Context) ([]*pool.PartnerInvitation, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var invs []*pool.PartnerInvitation
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT id, created_at, expires_at FROM partner_invitations
			WHERE cmo_tenant_id = ? AND `+openInvitation+` ORDER BY id DESC`, a.TenantID).Scan(&invs).Error
	})
	return invs, wrap("partner invitations", err)
}

// RevokePartnerInvitation implements pool.LifecycleService.
func (d *DB) RevokePartnerInvitation(ctx context.Context, id int64) (*pool.PartnerInvitation, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var invs []*pool.PartnerInvitation
	err := d.tenantTx(ctx, false, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`UPDATE partner_invitations SET revoked_at = now() WHERE id = ? AND cmo_tenant_id = ? AND `+openInvitation+`
			RETURNING id, created_at, expires_at`, id, a.TenantID).Scan(&invs).Error; err != nil || len(invs) == 0 {
			return err
		}
		return audit(tx, a, "partnership.invite_revoke", nil, nil, map[string]any{"invitation": id})
	})
	if err != nil {
		return nil, wrap("revoke partner invitation", err)
	}
	if len(invs) == 0 {
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "id", Message: "no such open invitation"}
	}
	return invs[0], nil
}

// CreatePartnership implements pool.LifecycleService. The invitation is looked
// up past RLS by accept_partner_invitation, the one cross-tenant step, which
// reveals nothing but the issuing CMO of a valid code.
func (d *DB) CreatePartnership(ctx context.Context, code string) (*pool.Partner, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return nil, pool.Invalid("invitationCode", "the invitation code is required")
	}
	var cmo *int64
	err = d.tenantTx(ctx, false, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`SELECT accept_partner_invitation(?, ?)`, fmt.Sprintf("tenant:%d %s", a.TenantID, a.Name()), hashKey(code)).
			Row().Scan(&cmo); err != nil || cmo == nil {
			return err
		}
		return audit(tx, a, "partnership.create", nil, nil, map[string]any{"cmo": *cmo})
	})
	if err != nil {
		return nil, wrap("create partnership", err)
	}
	if cmo == nil {
		if d.ownInvitation(ctx, code) {
			return nil, pool.Invalid("invitationCode", "this invitation is your own: give it to the MAH's admin; a tenant cannot partner with itself")
		}
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "invitationCode", Message: "no such invitation, or it has expired or been used"}
	}
	return &pool.Partner{TenantID: *cmo, IsCMO: true}, nil
}

// ownInvitation tells whether the caller issued the code (RLS shows a tenant only its own).
func (d *DB) ownInvitation(ctx context.Context, code string) bool {
	var own bool
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, _ pool.Actor) error {
		return tx.Raw(`SELECT EXISTS (SELECT FROM partner_invitations WHERE hash = ?)`, hashKey(code)).Row().Scan(&own)
	})
	return err == nil && own
}

// Partners implements pool.LifecycleService.
func (d *DB) Partners(ctx context.Context) ([]*pool.Partner, error) {
	var rows []struct {
		Mah, Cmo int64
	}
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT mah_tenant_id AS mah, cmo_tenant_id AS cmo FROM partnerships
			WHERE mah_tenant_id = ? OR cmo_tenant_id = ? ORDER BY id`, a.TenantID, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("partners", err)
	}
	a, _ := pool.ActorFrom(ctx)
	partners := make([]*pool.Partner, len(rows))
	for i, r := range rows {
		partners[i] = &pool.Partner{TenantID: r.Cmo, IsCMO: true}
		if r.Cmo == a.TenantID {
			partners[i] = &pool.Partner{TenantID: r.Mah}
		}
	}
	return partners, nil
}
