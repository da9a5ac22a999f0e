package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

func (r *channelResolver) ID(ctx context.Context, obj *pool.Channel) (string, error) {
	return globalID("Channel", obj.ID), nil
}

func (r *channelResolver) UpstreamURL(ctx context.Context, obj *pool.Channel) (*string, error) {
	panic(fmt.Errorf("not implemented: UpstreamURL - upstreamUrl"))
}

func (r *intakeResultResolver) BatchID(ctx context.Context, obj *pool.IntakeResult) (*string, error) {
	if obj.BatchID == 0 {
		return nil, nil
	}
	id := globalID("IntakeBatch", obj.BatchID)
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
	c, key, err := r.svc.CreateChannel(ctx, pool.NewChannel{Name: input.Name, Source: input.Source})
	if err != nil {
		return nil, err
	}
	return &model.CreateChannelPayload{Channel: c, Key: key}, nil
}

func (r *mutationResolver) RequestSerials(ctx context.Context, input model.RequestSerialsInput) (*pool.SerialRequest, error) {
	panic(fmt.Errorf("not implemented: RequestSerials - requestSerials"))
}

func (r *mutationResolver) ReleaseSerials(ctx context.Context, input model.ReleaseSerialsInput) (*model.ReleaseResult, error) {
	panic(fmt.Errorf("not implemented: ReleaseSerials - releaseSerials"))
}

func (r *mutationResolver) CreatePartnership(ctx context.Context, input model.CreatePartnershipInput) (*pool.Partner, error) {
	panic(fmt.Errorf("not implemented: CreatePartnership - createPartnership"))
}

func (r *mutationResolver) AssignSerialsToPartner(ctx context.Context, input model.AssignSerialsToPartnerInput) (*pool.SerialRequest, error) {
	panic(fmt.Errorf("not implemented: AssignSerialsToPartner - assignSerialsToPartner"))
}

func (r *mutationResolver) RecordPackEvents(ctx context.Context, input []*model.PackEventInput) (*model.RecordPackEventsResult, error) {
	panic(fmt.Errorf("not implemented: RecordPackEvents - recordPackEvents"))
}

func (r *mutationResolver) CreateSsccPool(ctx context.Context, input model.CreateSsccPoolInput) (*pool.Product, error) {
	panic(fmt.Errorf("not implemented: CreateSsccPool - createSsccPool"))
}

func (r *mutationResolver) UpdateProductLimits(ctx context.Context, input model.UpdateProductLimitsInput) (*pool.Product, error) {
	panic(fmt.Errorf("not implemented: UpdateProductLimits - updateProductLimits"))
}

func (r *partnerResolver) Tenant(ctx context.Context, obj *pool.Partner) (*pool.Tenant, error) {
	panic(fmt.Errorf("not implemented: Tenant - tenant"))
}

func (r *partnerResolver) Role(ctx context.Context, obj *pool.Partner) (model.PartnerRole, error) {
	panic(fmt.Errorf("not implemented: Role - role"))
}

func (r *productResolver) ID(ctx context.Context, obj *pool.Product) (string, error) {
	return globalID("Product", obj.ID), nil
}

func (r *productResolver) Owner(ctx context.Context, obj *pool.Product) (*pool.Tenant, error) {
	return loadersFrom(ctx).tenants.Load(ctx, obj.TenantID)
}

func (r *productResolver) Pool(ctx context.Context, obj *pool.Product) (*model.Pool, error) {
	c, err := loadersFrom(ctx).counts.Load(ctx, obj.ID)
	if err != nil {
		return nil, err
	}
	return &model.Pool{Available: int(c.Available), Assigned: int(c.Assigned), Total: int(c.Total()), Low: c.Low(obj.LowThreshold)}, nil
}

func (r *productResolver) Serials(ctx context.Context, obj *pool.Product, status *pool.Status, first *int, after *string) (*model.SerialConnection, error) {
	limit, err := pool.PageSize(first)
	if err != nil {
		return nil, err
	}
	afterID, err := decodeSerialCursor(after)
	if err != nil {
		return nil, err
	}
	page, err := r.svc.Serials(ctx, pool.SerialFilter{Product: obj, Status: status, AfterID: afterID, Limit: limit})
	if err != nil {
		return nil, err
	}
	conn := &model.SerialConnection{Edges: []*model.SerialEdge{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNext}}
	for _, s := range page.Serials {
		conn.Edges = append(conn.Edges, &model.SerialEdge{Cursor: serialCursor(s), Node: s})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

func (r *productConnectionResolver) TotalCount(ctx context.Context, obj *model.ProductConnection) (int, error) {
	return r.svc.CountProducts(ctx, obj.Search)
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
	return &model.Viewer{Tenant: t, Role: model.Role(strings.ToUpper(string(a.Role)))}, nil
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
	conn := &model.ProductConnection{Edges: []*model.ProductEdge{}, PageInfo: &model.PageInfo{HasNextPage: page.HasNext}, Search: f.Search}
	for _, p := range page.Products {
		conn.Edges = append(conn.Edges, &model.ProductEdge{Cursor: productCursor(p), Node: p})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

func (r *queryResolver) Product(ctx context.Context, code string) (*pool.Product, error) {
	p, err := r.svc.ProductByCode(ctx, strings.TrimSpace(code))
	if pool.ErrorCode(err) == pool.ENOTFOUND {
		return nil, nil
	}
	return p, err
}

func (r *queryResolver) Channels(ctx context.Context) ([]*pool.Channel, error) {
	return r.svc.Channels(ctx)
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
	panic(fmt.Errorf("not implemented: Serial - serial"))
}

func (r *queryResolver) SerialRequest(ctx context.Context, id string) (*pool.SerialRequest, error) {
	panic(fmt.Errorf("not implemented: SerialRequest - serialRequest"))
}

func (r *queryResolver) Partners(ctx context.Context) ([]*pool.Partner, error) {
	panic(fmt.Errorf("not implemented: Partners - partners"))
}

func (r *queryResolver) SsccPools(ctx context.Context) ([]*pool.Product, error) {
	panic(fmt.Errorf("not implemented: SsccPools - ssccPools"))
}

func (r *serialResolver) ID(ctx context.Context, obj *pool.Serial) (string, error) {
	return globalID("Serial", obj.ID), nil
}

func (r *serialResolver) Product(ctx context.Context, obj *pool.Serial) (*pool.Product, error) {
	return loadersFrom(ctx).products.Load(ctx, obj.ProductID)
}

func (r *serialResolver) History(ctx context.Context, obj *pool.Serial) ([]*pool.PackEvent, error) {
	panic(fmt.Errorf("not implemented: History - history"))
}

func (r *serialResolver) DigitalLink(ctx context.Context, obj *pool.Serial) (*string, error) {
	panic(fmt.Errorf("not implemented: DigitalLink - digitalLink"))
}

func (r *serialRequestResolver) ID(ctx context.Context, obj *pool.SerialRequest) (string, error) {
	panic(fmt.Errorf("not implemented: ID - id"))
}

func (r *serialRequestResolver) Partner(ctx context.Context, obj *pool.SerialRequest) (*pool.Tenant, error) {
	panic(fmt.Errorf("not implemented: Partner - partner"))
}

func (r *serialRequestResolver) Product(ctx context.Context, obj *pool.SerialRequest) (*pool.Product, error) {
	panic(fmt.Errorf("not implemented: Product - product"))
}

func (r *serialRequestResolver) Serials(ctx context.Context, obj *pool.SerialRequest, first *int, after *string) (*model.SerialConnection, error) {
	panic(fmt.Errorf("not implemented: Serials - serials"))
}

func (r *ssccPoolResolver) CompanyPrefix(ctx context.Context, obj *pool.Product) (string, error) {
	panic(fmt.Errorf("not implemented: CompanyPrefix - companyPrefix"))
}

func (r *ssccPoolResolver) ExtensionDigit(ctx context.Context, obj *pool.Product) (int, error) {
	panic(fmt.Errorf("not implemented: ExtensionDigit - extensionDigit"))
}

func (r *ssccPoolResolver) Pool(ctx context.Context, obj *pool.Product) (*model.Pool, error) {
	panic(fmt.Errorf("not implemented: Pool - pool"))
}

func (r *ssccPoolResolver) Ssccs(ctx context.Context, obj *pool.Product, status *pool.Status, first *int, after *string) (*model.SerialConnection, error) {
	panic(fmt.Errorf("not implemented: Ssccs - ssccs"))
}

func (r *tenantResolver) ID(ctx context.Context, obj *pool.Tenant) (string, error) {
	return globalID("Tenant", obj.ID), nil
}

func (r *Resolver) Channel() ChannelResolver { return &channelResolver{r} }

func (r *Resolver) IntakeResult() IntakeResultResolver { return &intakeResultResolver{r} }

func (r *Resolver) Mutation() MutationResolver { return &mutationResolver{r} }

func (r *Resolver) Partner() PartnerResolver { return &partnerResolver{r} }

func (r *Resolver) Product() ProductResolver { return &productResolver{r} }

func (r *Resolver) ProductConnection() ProductConnectionResolver {
	return &productConnectionResolver{r}
}

func (r *Resolver) Query() QueryResolver { return &queryResolver{r} }

func (r *Resolver) Serial() SerialResolver { return &serialResolver{r} }

func (r *Resolver) SerialRequest() SerialRequestResolver { return &serialRequestResolver{r} }

func (r *Resolver) SsccPool() SsccPoolResolver { return &ssccPoolResolver{r} }

func (r *Resolver) Tenant() TenantResolver { return &tenantResolver{r} }

type (
	channelResolver           struct{ *Resolver }
	intakeResultResolver      struct{ *Resolver }
	mutationResolver          struct{ *Resolver }
	partnerResolver           struct{ *Resolver }
	productResolver           struct{ *Resolver }
	productConnectionResolver struct{ *Resolver }
	queryResolver             struct{ *Resolver }
	serialResolver            struct{ *Resolver }
	serialRequestResolver     struct{ *Resolver }
	ssccPoolResolver          struct{ *Resolver }
	tenantResolver            struct{ *Resolver }
)
