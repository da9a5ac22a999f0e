package graph

import (
	"context"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *auditEntryResolver) ID(ctx context.Context, obj *pool.AuditEntry) (string, error) {
	return auditID(obj.ID), nil
}

func (r *auditEntryResolver) Product(ctx context.Context, obj *pool.AuditEntry) (*pool.Product, error) {
	return loadOptional(ctx, loadersFrom(ctx).products, obj.ProductID)
}

func (r *auditEntryResolver) Detail(ctx context.Context, obj *pool.AuditEntry) ([]*model.AuditDetail, error) {
	return auditDetail(obj.Detail, obj.Names), nil
}

func (r *auditEntryResolver) Changes(ctx context.Context, obj *pool.AuditEntry) ([]*model.AuditChange, error) {
	return auditChanges(obj.Detail), nil
}

func (r *queryResolver) AuditLog(ctx context.Context, filter *model.AuditFilter, first *int, after *string) (*model.AuditEntryConnection, error) {
	limit, before, err := pageArgs("AuditCursor", first, after)
	if err != nil {
		return nil, err
	}
	f := pool.AuditFilter{BeforeID: before, Limit: limit}
	if filter != nil {
		f.Action, f.ProductCode = deref(filter.Action), strings.TrimSpace(deref(filter.ProductCode))
		f.Actor = strings.TrimSpace(deref(filter.Actor))
		f.From, f.To = deref(filter.From), deref(filter.To)
	}
	page, err := r.svc.AuditLog(ctx, f)
	if err != nil {
		return nil, err
	}
	products := make([]*int64, len(page.Entries))
	for i, e := range page.Entries {
		products[i] = e.ProductID
	}
	if err := primeProductsOf(ctx, r.svc, products, below(ctx, "edges", "node")); err != nil {
		return nil, err
	}
	e, info := edges(ctx, page.Entries, page.HasNext, func(_ int, a *pool.AuditEntry) string { return auditCursor(a) },
		func(c string, a *pool.AuditEntry) *model.AuditEntryEdge {
			return &model.AuditEntryEdge{Cursor: c, Node: a}
		})
	return &model.AuditEntryConnection{Edges: e, PageInfo: info}, nil
}

func (r *Resolver) AuditEntry() AuditEntryResolver { return &auditEntryResolver{r} }

type auditEntryResolver struct{ *Resolver }
