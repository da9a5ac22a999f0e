package db

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// Partnerships: a CMO's invitation, the MAH's acceptance, the end by either
// side. Beginning and end cross tenants, each in one SECURITY DEFINER function
// (accept_partner_invitation, end_partnership); everything else reads. While
// a CMO moves its MAH's serials, or an MAH assigns to its CMO, the transaction
// holds their partnership (FOR SHARE): an end waits for it, and what comes
// after an end sees it.

// invitationPrefix marks partner invitation codes, as keyPrefix marks keys.
const invitationPrefix = "spi_"

// CreatePartnerInvitation implements pool.PartnerService.
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
	err = d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`INSERT INTO partner_invitations (cmo_tenant_id, hash, expires_at) VALUES (?, ?, now() + make_interval(secs => ?))
			RETURNING id, created_at, expires_at`, a.TenantID, hashKey(code), pool.InvitationLifetime.Seconds()).
			Row().Scan(&inv.ID, &inv.CreatedAt, &inv.ExpiresAt); err != nil {
			return err
		}
		return auditTx(ctx, gormTx{tx}, a, "partnership.invite", 0, 0, map[string]any{"invitation": inv.ID})
	})
	if err != nil {
		return nil, wrap("create partner invitation", err)
	}
	return inv, nil
}

// openInvitation is the condition of an invitation whose code still works.
const openInvitation = `accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()`

// PartnerInvitations implements pool.PartnerService.
func (d *DB) PartnerInvitations(ctx context.Context) ([]*pool.PartnerInvitation, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var invs []*pool.PartnerInvitation
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT id, created_at, expires_at FROM partner_invitations
			WHERE cmo_tenant_id = ? AND `+openInvitation+` ORDER BY id DESC`, a.TenantID).Scan(&invs).Error
	})
	return invs, wrap("partner invitations", err)
}

// RevokePartnerInvitation implements pool.PartnerService.
func (d *DB) RevokePartnerInvitation(ctx context.Context, id int64) (*pool.PartnerInvitation, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var invs []*pool.PartnerInvitation
	err := d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`UPDATE partner_invitations SET revoked_at = now() WHERE id = ? AND cmo_tenant_id = ? AND `+openInvitation+`
			RETURNING id, created_at, expires_at`, id, a.TenantID).Scan(&invs).Error; err != nil || len(invs) == 0 {
			return err
		}
		return auditTx(ctx, gormTx{tx}, a, "partnership.invite_revoke", 0, 0, map[string]any{"invitation": id})
	})
	if err != nil {
		return nil, wrap("revoke partner invitation", err)
	}
	if len(invs) == 0 {
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "id", Message: "no such open invitation"}
	}
	return invs[0], nil
}

// CreatePartnership implements pool.PartnerService. The invitation is looked
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
	var rows []partnershipRow
	err = d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`SELECT accept_partner_invitation(?, ?)`, fmt.Sprintf("tenant:%d %s", a.TenantID, a.Name()), hashKey(code)).
			Row().Scan(&cmo); err != nil || cmo == nil {
			return err
		}
		if err := tx.Raw(`SELECT `+partnershipColumns+` FROM partnerships
			WHERE mah_tenant_id = ? AND cmo_tenant_id = ? AND ended_at IS NULL`, a.TenantID, *cmo).Scan(&rows).Error; err != nil {
			return err
		}
		return auditTx(ctx, gormTx{tx}, a, "partnership.create", 0, 0, map[string]any{"cmo": *cmo})
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
	a, _ := pool.ActorFrom(ctx)
	return rows[0].partner(a.TenantID), nil
}

// ownInvitation tells whether the caller issued the code (RLS shows a tenant only its own).
func (d *DB) ownInvitation(ctx context.Context, code string) bool {
	var own bool
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, _ pool.Actor) error {
		return tx.Raw(`SELECT EXISTS (SELECT FROM partner_invitations WHERE hash = ?)`, hashKey(code)).Row().Scan(&own)
	})
	return err == nil && own
}

// partnershipRow is a row of partnerships; partner turns it into the other side as seen by tenant me.
type partnershipRow struct {
	ID        int64
	Mah, Cmo  int64
	CreatedAt time.Time
	EndedAt   *time.Time
	EndedBy   *int64
	EndReason *string
}

const partnershipColumns = `id, mah_tenant_id AS mah, cmo_tenant_id AS cmo, created_at, ended_at, ended_by, end_reason`

func (r partnershipRow) partner(me int64) *pool.Partner {
	p := &pool.Partner{ID: r.ID, TenantID: r.Cmo, IsCMO: true, CreatedAt: r.CreatedAt, EndedAt: r.EndedAt, EndedBy: r.EndedBy, EndReason: r.EndReason}
	if r.Cmo == me {
		p.TenantID, p.IsCMO = r.Mah, false
	}
	return p
}

// Partners implements pool.PartnerService.
func (d *DB) Partners(ctx context.Context) ([]*pool.Partner, error) {
	var rows []partnershipRow
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT `+partnershipColumns+` FROM partnerships
			WHERE mah_tenant_id = ? OR cmo_tenant_id = ? ORDER BY id`, a.TenantID, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("partners", err)
	}
	a, _ := pool.ActorFrom(ctx)
	partners := make([]*pool.Partner, len(rows))
	for i, r := range rows {
		partners[i] = r.partner(a.TenantID)
	}
	return partners, nil
}

// EndPartnership implements pool.PartnerService through end_partnership,
// which checks the admin key once more and does the cross-tenant part in the
// caller's transaction.
func (d *DB) EndPartnership(ctx context.Context, id int64, reason string) (*pool.PartnershipEnd, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	reason, err := pool.ValidEndReason(reason)
	if err != nil {
		return nil, err
	}
	var returned *int64
	var rows []partnershipRow
	err = d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`SELECT end_partnership(?, nullif(?, 0), nullif(?, 0), ?, ?)`, a.Name(), a.KeyID, a.UserID, id, reason).Row().Scan(&returned); err != nil {
			return err
		}
		return tx.Raw(`SELECT `+partnershipColumns+` FROM partnerships WHERE id = ? AND ? IN (mah_tenant_id, cmo_tenant_id)`,
			id, a.TenantID).Scan(&rows).Error
	})
	switch {
	case pgCode(err) == insufficientPrivilege: // the key or person lost the role (or was revoked) since authenticated
		return nil, pool.Errorf(pool.EFORBIDDEN, "ending a partnership needs an admin")
	case err != nil:
		return nil, wrap("end partnership", err)
	case len(rows) == 0:
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "id", Message: "no such partnership"}
	case returned == nil:
		return nil, &pool.Error{Code: pool.ECONFLICT, Field: "id", Message: "the partnership has ended already"}
	}
	a, _ := pool.ActorFrom(ctx)
	return &pool.PartnershipEnd{Partner: rows[0].partner(a.TenantID), Returned: *returned}, nil
}

// insufficientPrivilege is end_partnership's refusal of a key that is not an admin's.
const insufficientPrivilege = "42501"

// holdMAHs holds the caller's lasting partnerships as the CMO of the owners of
// the products coded codes, and returns those owners: the MAHs whose serials
// the caller may move in this transaction.
func holdMAHs(ctx context.Context, tx pgx.Tx, a pool.Actor, codes []string) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT mah_tenant_id FROM partnerships
		WHERE cmo_tenant_id = $1 AND ended_at IS NULL AND mah_tenant_id IN (SELECT tenant_id FROM products WHERE code = ANY($2))
		FOR SHARE`, a.TenantID, codes)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// holdCMO holds the caller's lasting partnership as the MAH of cmo, or
// answers it as a tenant that is no partner.
func holdCMO(ctx context.Context, tx pgx.Tx, a pool.Actor, cmo int64) error {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM partnerships WHERE mah_tenant_id = $1 AND cmo_tenant_id = $2 AND ended_at IS NULL
		FOR SHARE`, a.TenantID, cmo).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return &pool.Error{Code: pool.ENOTFOUND, Field: "partner", Message: "no partnership with that tenant"}
	}
	return err
}
