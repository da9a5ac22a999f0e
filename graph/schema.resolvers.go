package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

func (r *activityRowResolver) Product(ctx context.Context, obj *pool.ActivityRow) (*pool.Product, error) {
	return loadOptional(ctx, loadersFrom(ctx).products, obj.ProductID)
}

func (r *apiKeyResolver) ID(ctx context.Context, obj *pool.APIKey) (string, error) {
	return APIKeyID(obj.ID), nil
}

func (r *apiKeyResolver) Role(ctx context.Context, obj *pool.APIKey) (model.Role, error) {
	return roleOf(obj.Role), nil
}

func (r *auditEntryResolver) ID(ctx context.Context, obj *pool.AuditEntry) (string, error) {
	return auditID(obj.ID), nil
}

func (r *auditEntryResolver) Product(ctx context.Context, obj *pool.AuditEntry) (*pool.Product, error) {
	return loadOptional(ctx, loadersFrom(ctx).products, obj.ProductID)
}

func (r *auditEntryResolver) Detail(ctx context.Context, obj *pool.AuditEntry) ([]*model.AuditDetail, error) {
	return auditDetail(obj.Detail), nil
}

func (r *channelResolver) ID(ctx context.Context, obj *pool.Channel) (string, error) {
	return channelID(obj.ID), nil
}

func (r *intakeResultResolver) BatchID(ctx context.Context, obj *pool.IntakeResult) (*string, error) {
	if obj.BatchID == 0 {
		return nil, nil
	}
	id := BatchID(obj.BatchID)
	return &id, nil
}

func (r *intakeResultResolver) Duplicates(ctx context.Context, obj *pool.IntakeResult) (int, error) {
	return 0, nil // any duplicate rejects the batch
}

func (r *mutationResolver) CreateProduct(ctx context.Context, input model.CreateProductInput) (*pool.Product, error) {
	p := pool.NewProduct{Code: input.Code, CodeSchema: input.CodeSchema, Name: input.Name, Source: input.Source,
		LowThreshold: pool.DefaultLowThreshold}
	if input.LowThreshold != nil {
		p.LowThreshold = *input.LowThreshold
	}
	if input.SerialAlphabet != nil {
		p.SerialAlphabet = *input.SerialAlphabet
	}
	if input.SerialLength != nil {
		p.SerialLength = *input.SerialLength
	}
	return r.svc.CreateProduct(ctx, p)
}

func (r *mutationResolver) GenerateSerials(ctx context.Context, input model.GenerateSerialsInput) (*pool.IntakeResult, error) {
	g := pool.Generation{ProductCode: strings.TrimSpace(input.ProductCode), Count: input.Count, Mode: pool.Random}
	if input.Mode != nil {
		g.Mode = *input.Mode
	}
	return r.svc.Generate(ctx, g)
}

func (r *mutationResolver) ReceiveSerials(ctx context.Context, input model.ReceiveSerialsInput) (*pool.IntakeResult, error) {
	if len(input.Serials) > pool.MaxBatch {
		return nil, pool.Invalid("serials", "a batch holds at most %d serials; send larger ones to POST /api/v2/products/{code}/serials", pool.MaxBatch)
	}
	rows := make(pool.SliceRows, len(input.Serials))
	for i, s := range input.Serials {
		rows[i] = pool.SerialInput{Value: s.Value, Extra: s.Extra}
	}
	in := pool.Intake{ProductCode: strings.TrimSpace(input.ProductCode), Source: input.Source, Rows: &rows}
	if input.IdempotencyKey != nil {
		in.IdempotencyKey = *input.IdempotencyKey
	}
	return r.svc.Receive(ctx, in)
}

func (r *mutationResolver) CreateChannel(ctx context.Context, input model.CreateChannelInput) (*model.CreateChannelPayload, error) {
	c, key, err := r.svc.CreateChannel(ctx, pool.NewChannel{Name: input.Name, Source: input.Source, Upstream: input.Upstream()})
	if err != nil {
		return nil, err
	}
	return &model.CreateChannelPayload{Channel: c, Key: key}, nil
}

func (r *mutationResolver) RotateChannelKey(ctx context.Context, id string) (*model.RotateChannelKeyPayload, error) {
	n, err := parseID("Channel", id)
	if err != nil {
		return nil, err
	}
	c, key, err := r.svc.RotateChannelKey(ctx, n)
	if err != nil {
		return nil, err
	}
	return &model.RotateChannelKeyPayload{Channel: c, Key: key}, nil
}

func (r *mutationResolver) RevokeChannel(ctx context.Context, id string) (*pool.Channel, error) {
	n, err := parseID("Channel", id)
	if err != nil {
		return nil, err
	}
	return r.svc.RevokeChannel(ctx, n)
}

func (r *mutationResolver) UpdateChannelUpstream(ctx context.Context, input model.UpdateChannelUpstreamInput) (*pool.Channel, error) {
	n, err := parseID("Channel", input.ID)
	if err != nil {
		return nil, err
	}
	return r.svc.UpdateChannelUpstream(ctx, n, input.Upstream())
}

func (r *mutationResolver) RevokeAPIKey(ctx context.Context, id string) (*pool.APIKey, error) {
	n, err := parseID("ApiKey", id)
	if err != nil {
		return nil, err
	}
	return r.svc.RevokeAPIKey(ctx, n)
}

func (r *mutationResolver) RequestSerials(ctx context.Context, input model.RequestSerialsInput) (*pool.SerialRequest, error) {
	return r.svc.RequestSerials(ctx, pool.Request{ProductCode: strings.TrimSpace(input.ProductCode), Count: input.Count,
		OrderRef: input.OrderRef, IdempotencyKey: deref(input.IdempotencyKey)})
}

func (r *mutationResolver) ReleaseSerials(ctx context.Context, input model.ReleaseSerialsInput) (*model.ReleaseResult, error) {
	n, err := r.svc.ReleaseSerials(ctx, strings.TrimSpace(input.ProductCode), input.Serials)
	if err != nil {
		return nil, err
	}
	return &model.ReleaseResult{Released: n}, nil
}

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

func (r *mutationResolver) EndPartnership(ctx context.Context, id string, reason string) (*pool.PartnershipEnd, error) {
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

func (r *mutationResolver) RecordPackEvents(ctx context.Context, input []*model.PackEventInput) (*model.RecordPackEventsResult, error) {
	events := make([]pool.PackEventInput, len(input))
	for i, e := range input {
		events[i] = pool.PackEventInput{ProductCode: strings.TrimSpace(e.ProductCode), Serial: e.Serial, Event: e.Event, Reason: e.Reason}
		if e.At != nil {
			events[i].At = *e.At
		}
	}
	res, err := r.svc.RecordPackEvents(ctx, events)
	if err != nil {
		return nil, err
	}
	return &model.RecordPackEventsResult{Recorded: res.Recorded, StoredExternal: res.StoredExternal}, nil
}

func (r *mutationResolver) CreateSsccPool(ctx context.Context, input model.CreateSsccPoolInput) (*pool.Product, error) {
	return r.svc.CreateSSCCPool(ctx, strings.TrimSpace(input.CompanyPrefix), input.ExtensionDigit)
}

func (r *mutationResolver) UpdateProductLimits(ctx context.Context, input model.UpdateProductLimitsInput) (*pool.Product, error) {
	return r.svc.UpdateLimits(ctx, pool.Limits{ProductCode: strings.TrimSpace(input.ProductCode), RequestCap: input.RequestCap,
		LowThreshold: input.LowThreshold, ReplenishTo: input.ReplenishTo})
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

func (r *poolStatsRowResolver) Product(ctx context.Context, obj *pool.StatsRow) (*pool.Product, error) {
	return loadOptional(ctx, loadersFrom(ctx).products, obj.ProductID)
}

func (r *poolStatsRowResolver) Partner(ctx context.Context, obj *pool.StatsRow) (*pool.Tenant, error) {
	return loadOptional(ctx, loadersFrom(ctx).tenants, obj.PartnerID)
}

func (r *productResolver) ID(ctx context.Context, obj *pool.Product) (string, error) {
	return globalID("Product", obj.ID), nil
}

func (r *productResolver) Owner(ctx context.Context, obj *pool.Product) (*pool.Tenant, error) {
	return loadersFrom(ctx).tenants.Load(ctx, obj.TenantID)
}

func (r *productResolver) Pool(ctx context.Context, obj *pool.Product) (*model.Pool, error) {
	return poolOf(ctx, obj)
}

func (r *productResolver) Serials(ctx context.Context, obj *pool.Product, status *pool.Status, first *int, after *string) (*model.SerialConnection, error) {
	limit, afterID, err := pageArgs("SerialCursor", first, after)
	if err != nil {
		return nil, err
	}
	p := page{afterID: afterID, limit: limit}
	if status != nil {
		p.status = *status
	}
	serials, err := loadersFrom(ctx).serials.Load(ctx, productPage{obj.ID, obj.TenantID, p})
	if err != nil {
		return nil, err
	}
	return serialConnection(serials), nil
}

func (r *productConnectionResolver) TotalCount(ctx context.Context, obj *model.ProductConnection) (int, error) {
	return obj.Count()
}

func (r *queryResolver) Viewer(ctx context.Context) (*model.Viewer, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return nil, err
	}
	t, err := loadersFrom(ctx).tenants.Load(ctx, a.TenantID)
	if err != nil {
		return nil, err
	}
	return &model.Viewer{Tenant: t, Role: roleOf(a.Role)}, nil
}

func (r *queryResolver) Products(ctx context.Context, filter *model.ProductFilter, first *int, after *string) (*model.ProductConnection, error) {
	limit, err := pool.PageSize(first)
	if err != nil {
		return nil, err
	}
	afterCode, err := decodeProductCursor(after)
	if err != nil {
		return nil, err
	}
	f := pool.ProductFilter{AfterCode: afterCode, Limit: limit}
	if filter != nil && filter.Search != nil {
		f.Search = strings.TrimSpace(*filter.Search)
	}
	page, err := r.svc.Products(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := primeProducts(ctx, r.svc, page.Products, below(ctx, "edges", "node")); err != nil {
		return nil, err
	}
	e, info := edges(page.Products, page.HasNext, productCursor,
		func(c string, p *pool.Product) *model.ProductEdge { return &model.ProductEdge{Cursor: c, Node: p} })
	count := sync.OnceValues(func() (int, error) { return r.svc.CountProducts(ctx, f.Search) })
	return &model.ProductConnection{Edges: e, PageInfo: info, Count: count}, nil
}

func (r *queryResolver) Product(ctx context.Context, code string) (*pool.Product, error) {
	p, err := r.svc.ProductByCode(ctx, strings.TrimSpace(code))
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p, primeProducts(ctx, r.svc, []*pool.Product{p}, below(ctx))
}

func (r *queryResolver) Channels(ctx context.Context) ([]*pool.Channel, error) {
	return r.svc.Channels(ctx)
}

func (r *queryResolver) APIKeys(ctx context.Context) ([]*pool.APIKey, error) {
	return r.svc.APIKeys(ctx)
}

func (r *queryResolver) IntakeBatch(ctx context.Context, idempotencyKey string) (*model.IntakeBatch, error) {
	running, rows, res, err := r.svc.IntakeProgress(ctx, idempotencyKey)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b := &model.IntakeBatch{IdempotencyKey: idempotencyKey, State: model.IntakeStateStored, RowsRead: int(rows), Result: res}
	if running {
		b.State = model.IntakeStateRunning
	}
	return b, nil
}

func (r *queryResolver) Serial(ctx context.Context, productCode string, value string) (*pool.Serial, error) {
	s, err := r.svc.SerialByValue(ctx, strings.TrimSpace(productCode), value)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s, primeSerials(ctx, r.svc, []*pool.Serial{s}, below(ctx))
}

func (r *queryResolver) SerialRequest(ctx context.Context, id string) (*pool.SerialRequest, error) {
	n, err := ParseRequestID(id)
	if err != nil {
		return nil, nil // a forged id finds nothing
	}
	req, err := r.svc.SerialRequestByID(ctx, n)
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return req, primeRequests(ctx, r.svc, []*pool.SerialRequest{req}, below(ctx))
}

func (r *queryResolver) SerialRequests(ctx context.Context, filter *model.SerialRequestFilter, first *int, after *string) (*model.SerialRequestConnection, error) {
	limit, before, err := pageArgs("SerialRequestCursor", first, after)
	if err != nil {
		return nil, err
	}
	f := pool.RequestFilter{BeforeID: before, Limit: limit}
	if filter != nil {
		f.ProductCode, f.OrderRef = strings.TrimSpace(deref(filter.ProductCode)), deref(filter.OrderRef)
	}
	page, err := r.svc.SerialRequests(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := primeRequests(ctx, r.svc, page.Requests, below(ctx, "edges", "node")); err != nil {
		return nil, err
	}
	e, info := edges(page.Requests, page.HasNext, requestCursor,
		func(c string, q *pool.SerialRequest) *model.SerialRequestEdge {
			return &model.SerialRequestEdge{Cursor: c, Node: q}
		})
	return &model.SerialRequestConnection{Edges: e, PageInfo: info}, nil
}

func (r *queryResolver) Partners(ctx context.Context) ([]*pool.Partner, error) {
	return r.svc.Partners(ctx)
}

func (r *queryResolver) AuditLog(ctx context.Context, filter *model.AuditFilter, first *int, after *string) (*model.AuditEntryConnection, error) {
	limit, before, err := pageArgs("AuditCursor", first, after)
	if err != nil {
		return nil, err
	}
	f := pool.AuditFilter{BeforeID: before, Limit: limit}
	if filter != nil {
		f.Action, f.ProductCode = deref(filter.Action), strings.TrimSpace(deref(filter.ProductCode))
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
	e, info := edges(page.Entries, page.HasNext, auditCursor,
		func(c string, a *pool.AuditEntry) *model.AuditEntryEdge {
			return &model.AuditEntryEdge{Cursor: c, Node: a}
		})
	return &model.AuditEntryConnection{Edges: e, PageInfo: info}, nil
}

func (r *queryResolver) PartnerInvitations(ctx context.Context) ([]*pool.PartnerInvitation, error) {
	return r.svc.PartnerInvitations(ctx)
}

func (r *queryResolver) SsccPools(ctx context.Context) ([]*pool.Product, error) {
	pools, err := r.svc.SSCCPools(ctx)
	if err != nil {
		return nil, err
	}
	return pools, primeProducts(ctx, r.svc, pools, below(ctx))
}

func (r *queryResolver) SsccPool(ctx context.Context, code string) (*pool.Product, error) {
	p, err := r.svc.SSCCPool(ctx, strings.TrimSpace(code))
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	return p, err
}

func (r *queryResolver) PoolStats(ctx context.Context, groupBy []pool.StatsDimension, filter *model.PoolStatsFilter) ([]*pool.StatsRow, error) {
	f := pool.StatsFilter{}
	if filter != nil {
		f = pool.StatsFilter{Source: filter.Source, Status: filter.Status, CodeSchema: filter.CodeSchema}
		if filter.ProductCode != nil {
			f.ProductCode = strings.TrimSpace(*filter.ProductCode)
		}
	}
	rows, err := r.svc.PoolStats(ctx, groupBy, f)
	if err != nil {
		return nil, err
	}
	products := make([]*int64, len(rows))
	for i, row := range rows {
		products[i] = row.ProductID
	}
	return rows, primeProductsOf(ctx, r.svc, products, below(ctx))
}

func (r *queryResolver) PoolActivity(ctx context.Context, from time.Time, to time.Time, interval *pool.ActivityInterval, groupBy []pool.ActivityDimension) ([]*pool.ActivityRow, error) {
	iv := pool.Day
	if interval != nil {
		iv = *interval
	}
	rows, err := r.svc.PoolActivity(ctx, from, to, iv, groupBy)
	if err != nil {
		return nil, err
	}
	products := make([]*int64, len(rows))
	for i, row := range rows {
		products[i] = row.ProductID
	}
	return rows, primeProductsOf(ctx, r.svc, products, below(ctx))
}

func (r *serialResolver) ID(ctx context.Context, obj *pool.Serial) (string, error) {
	return globalID("Serial", obj.ID), nil
}

func (r *serialResolver) Product(ctx context.Context, obj *pool.Serial) (*pool.Product, error) {
	return loadersFrom(ctx).products.Load(ctx, obj.ProductID)
}

func (r *serialResolver) History(ctx context.Context, obj *pool.Serial) ([]*pool.PackEvent, error) {
	return loadersFrom(ctx).histories.Load(ctx, pool.SerialKey{ProductID: obj.ProductID, SerialID: obj.ID})
}

func (r *serialResolver) DigitalLink(ctx context.Context, obj *pool.Serial) (*string, error) {
	p, err := loadersFrom(ctx).products.Load(ctx, obj.ProductID)
	if err != nil || p == nil || p.CodeSchema == pool.SSCC || p.CodeSchema == pool.PPN {
		return nil, err // Digital Link carries GTINs (AI 01)
	}
	link := gs1.DigitalLink(p.Code, obj.Value)
	return &link, nil
}

func (r *serialRequestResolver) ID(ctx context.Context, obj *pool.SerialRequest) (string, error) {
	return RequestID(obj.ID), nil
}

func (r *serialRequestResolver) Partner(ctx context.Context, obj *pool.SerialRequest) (*pool.Tenant, error) {
	return loadOptional(ctx, loadersFrom(ctx).tenants, obj.PartnerID)
}

func (r *serialRequestResolver) Product(ctx context.Context, obj *pool.SerialRequest) (*pool.Product, error) {
	return loadersFrom(ctx).products.Load(ctx, obj.ProductID)
}

func (r *serialRequestResolver) Serials(ctx context.Context, obj *pool.SerialRequest, first *int, after *string) (*model.SerialConnection, error) {
	limit, afterID, err := pageArgs("SerialCursor", first, after)
	if err != nil {
		return nil, err
	}
	serials, err := loadersFrom(ctx).requestSerials.Load(ctx, requestPage{obj.ID, obj.ProductID, page{afterID: afterID, limit: limit}})
	if err != nil {
		return nil, err
	}
	return serialConnection(serials), nil
}

func (r *ssccPoolResolver) CompanyPrefix(ctx context.Context, obj *pool.Product) (string, error) {
	return obj.Code[1:], nil
}

func (r *ssccPoolResolver) ExtensionDigit(ctx context.Context, obj *pool.Product) (int, error) {
	return int(obj.Code[0] - '0'), nil
}

func (r *ssccPoolResolver) Pool(ctx context.Context, obj *pool.Product) (*model.Pool, error) {
	return poolOf(ctx, obj)
}

func (r *ssccPoolResolver) Ssccs(ctx context.Context, obj *pool.Product, status *pool.Status, first *int, after *string) (*model.SerialConnection, error) {
	return r.Product().Serials(ctx, obj, status, first, after)
}

func (r *subscriptionResolver) PoolCounts(ctx context.Context, productCode string) (<-chan *model.PoolUpdate, error) {
	return watchPool(ctx, r.svc, strings.TrimSpace(productCode))
}

func (r *tenantResolver) ID(ctx context.Context, obj *pool.Tenant) (string, error) {
	return globalID("Tenant", obj.ID), nil
}

func (r *Resolver) ActivityRow() ActivityRowResolver { return &activityRowResolver{r} }

func (r *Resolver) ApiKey() ApiKeyResolver { return &apiKeyResolver{r} }

func (r *Resolver) AuditEntry() AuditEntryResolver { return &auditEntryResolver{r} }

func (r *Resolver) Channel() ChannelResolver { return &channelResolver{r} }

func (r *Resolver) IntakeResult() IntakeResultResolver { return &intakeResultResolver{r} }

func (r *Resolver) Mutation() MutationResolver { return &mutationResolver{r} }

func (r *Resolver) Partner() PartnerResolver { return &partnerResolver{r} }

func (r *Resolver) PartnerInvitation() PartnerInvitationResolver {
	return &partnerInvitationResolver{r}
}

func (r *Resolver) PoolStatsRow() PoolStatsRowResolver { return &poolStatsRowResolver{r} }

func (r *Resolver) Product() ProductResolver { return &productResolver{r} }

func (r *Resolver) ProductConnection() ProductConnectionResolver {
	return &productConnectionResolver{r}
}

func (r *Resolver) Query() QueryResolver { return &queryResolver{r} }

func (r *Resolver) Serial() SerialResolver { return &serialResolver{r} }

func (r *Resolver) SerialRequest() SerialRequestResolver { return &serialRequestResolver{r} }

func (r *Resolver) SsccPool() SsccPoolResolver { return &ssccPoolResolver{r} }

func (r *Resolver) Subscription() SubscriptionResolver { return &subscriptionResolver{r} }

func (r *Resolver) Tenant() TenantResolver { return &tenantResolver{r} }

type (
	activityRowResolver       struct{ *Resolver }
	apiKeyResolver            struct{ *Resolver }
	auditEntryResolver        struct{ *Resolver }
	channelResolver           struct{ *Resolver }
	intakeResultResolver      struct{ *Resolver }
	mutationResolver          struct{ *Resolver }
	partnerResolver           struct{ *Resolver }
	partnerInvitationResolver struct{ *Resolver }
	poolStatsRowResolver      struct{ *Resolver }
	productResolver           struct{ *Resolver }
	productConnectionResolver struct{ *Resolver }
	queryResolver             struct{ *Resolver }
	serialResolver            struct{ *Resolver }
	serialRequestResolver     struct{ *Resolver }
	ssccPoolResolver          struct{ *Resolver }
	subscriptionResolver      struct{ *Resolver }
	tenantResolver            struct{ *Resolver }
)
