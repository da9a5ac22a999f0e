package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *mutationResolver) CreatePartnerInvitation(ctx context.Context) (*pool.PartnerInvitation, error) {
	return r.svc.CreatePartnerInvitation(ctx)
}

func (r *mutationResolver) CreatePartnership(ctx context.Context, input model.CreatePartnershipInput) (*pool.Partner, error) {
	return r.svc.CreatePartnership(ctx, input.InvitationCode)
}

func (r *mutationResolver) RevokePartnerInvitation(ctx context.Context, id string) (*pool.PartnerInvitation, error) {
	n, err := parseID("PartnerInvitation", id)
	if err != nil {
		return nil, err
	}
	return r.svc.RevokePartnerInvitation(ctx, n)
}

func (r *mutationResolver) EndPartnership(ctx context.Context, id string, reason string, signature *pool.SignatureInput) (*pool.PartnershipEnd, error) {
	ctx = signed(ctx, signature)
	n, err := parseID("Partnership", id)
	if err != nil {
		return nil, err
	}
	return r.svc.EndPartnership(ctx, n, reason)
}

func (r *mutationResolver) AssignSerialsToPartner(ctx context.Context, input model.AssignSerialsToPartnerInput) (*pool.SerialRequest, error) {
	id, err := parseTenantID(input.Partner, "partner")
	if err != nil {
		return nil, err
	}
	return r.svc.AssignToPartner(ctx, pool.Assignment{ProductCode: strings.TrimSpace(input.ProductCode), Partner: id,
		Count: input.Count, IdempotencyKey: deref(input.IdempotencyKey)})
}

func (r *partnerResolver) ID(ctx context.Context, obj *pool.Partner) (string, error) {
	return partnershipID(obj.ID), nil
}

func (r *partnerResolver) Tenant(ctx context.Context, obj *pool.Partner) (*pool.Tenant, error) {
	return loadersFrom(ctx).tenants.Load(ctx, obj.TenantID)
}

func (r *partnerResolver) Role(ctx context.Context, obj *pool.Partner) (model.PartnerRole, error) {
	if obj.IsCMO {
		return model.PartnerRoleCmo, nil
	}
	return model.PartnerRoleMah, nil
}

func (r *partnerResolver) EndedBy(ctx context.Context, obj *pool.Partner) (*pool.Tenant, error) {
	return loadOptional(ctx, loadersFrom(ctx).tenants, obj.EndedBy)
}

func (r *partnerInvitationResolver) ID(ctx context.Context, obj *pool.PartnerInvitation) (string, error) {
	return invitationID(obj.ID), nil
}

func (r *partnerInvitationResolver) Code(ctx context.Context, obj *pool.PartnerInvitation) (*string, error) {
	if obj.Code == "" {
		return nil, nil
	}
	return &obj.Code, nil
}

func (r *queryResolver) Partners(ctx context.Context) ([]*pool.Partner, error) {
	return r.svc.Partners(ctx)
}

func (r *queryResolver) PartnerInvitations(ctx context.Context) ([]*pool.PartnerInvitation, error) {
	return r.svc.PartnerInvitations(ctx)
}

func (r *Resolver) Partner() PartnerResolver { return &partnerResolver{r} }

func (r *Resolver) PartnerInvitation() PartnerInvitationResolver {
	return &partnerInvitationResolver{r}
}

type (
	partnerResolver           struct{ *Resolver }
	partnerInvitationResolver struct{ *Resolver }
)
