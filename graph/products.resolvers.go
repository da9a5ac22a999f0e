package graph

import (
	"context"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

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

func (r *mutationResolver) UpdateProductLimits(ctx context.Context, input model.UpdateProductLimitsInput, signature *pool.SignatureInput) (*pool.Product, error) {
	ctx = signed(ctx, signature)
	return r.svc.UpdateLimits(ctx, pool.Limits{ProductCode: strings.TrimSpace(input.ProductCode), RequestCap: input.RequestCap,
		LowThreshold: input.LowThreshold, ReplenishTo: input.ReplenishTo})
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

func (r *productResolver) Serials(ctx context.Context, obj *pool.Product, status *pool.Status, search *string, first *int, after *string) (*model.SerialConnection, error) {
	limit, afterID, err := pageArgs("SerialCursor", first, after)
	if err != nil {
		return nil, err
	}
	p := page{afterID: afterID, limit: limit}
	if status != nil {
		p.status = *status
	}
	if search != nil {
		if p.prefix, err = serialPrefix(*search); err != nil {
			return nil, err
		}
	}
	serials, err := loadersFrom(ctx).serials.Load(ctx, productPage{obj.ID, obj.TenantID, p})
	if err != nil {
		return nil, err
	}
	return serialConnection(ctx, serials), nil
}

func (r *productConnectionResolver) TotalCount(ctx context.Context, obj *model.ProductConnection) (int, error) {
	return obj.Count()
}

func (r *queryResolver) Products(ctx context.Context, filter *model.ProductFilter, orderBy *model.ProductOrder, first *int, after *string) (*model.ProductConnection, error) {
	limit, err := pool.PageSize(first)
	if err != nil {
		return nil, err
	}
	order := pool.ProductOrder{By: pool.SortCode}
	if orderBy != nil {
		order = pool.ProductOrder{By: orderBy.Field, Desc: orderBy.Direction != nil && *orderBy.Direction == model.OrderDirectionDesc}
	}
	afterCode, afterKey, err := decodeProductCursor(after, order.By)
	if err != nil {
		return nil, err
	}
	f := pool.ProductFilter{Order: order, AfterCode: afterCode, AfterKey: afterKey, Limit: limit}
	if filter != nil {
		if filter.Search != nil {
			f.Search = strings.TrimSpace(*filter.Search)
		}
		if filter.Source != nil {
			f.Source = *filter.Source
		}
		if filter.CodeSchema != nil {
			f.CodeSchema = *filter.CodeSchema
		}
	}
	nodes := below(ctx, "edges", "node")
	f.WithCounts = selectsAny(graphql.GetOperationContext(ctx), nodes, "pool") // one statement for the list and its donuts
	page, err := r.svc.Products(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := primeProducts(ctx, r.svc, page.Products, nodes, page.Counts); err != nil {
		return nil, err
	}
	e, info := edges(ctx, page.Products, page.HasNext, func(i int, p *pool.Product) string { return productCursor(order.By, page.Keys[i], p) },
		func(c string, p *pool.Product) *model.ProductEdge { return &model.ProductEdge{Cursor: c, Node: p} })
	count := sync.OnceValues(func() (int, error) { return r.svc.CountProducts(ctx, f) })
	return &model.ProductConnection{Edges: e, PageInfo: info, Count: count}, nil
}

func (r *queryResolver) Product(ctx context.Context, code string) (*pool.Product, error) {
	// The product list's statement, narrowed to the code: the donut's product
	// and its counts in one statement.
	if code = strings.TrimSpace(code); code == "" {
		return nil, nil
	}
	set := below(ctx)
	page, err := r.svc.Products(ctx, pool.ProductFilter{Code: code, Limit: 1,
		WithCounts: selectsAny(graphql.GetOperationContext(ctx), set, "pool")})
	if err != nil || len(page.Products) == 0 {
		return nil, err
	}
	return page.Products[0], primeProducts(ctx, r.svc, page.Products, set, page.Counts)
}

func (r *Resolver) Product() ProductResolver { return &productResolver{r} }

func (r *Resolver) ProductConnection() ProductConnectionResolver {
	return &productConnectionResolver{r}
}

type (
	productResolver           struct{ *Resolver }
	productConnectionResolver struct{ *Resolver }
)
