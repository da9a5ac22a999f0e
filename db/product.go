package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// productRow is a row of products, for GORM's plain CRUD.
type productRow struct {
	ID             int64 `gorm:"primaryKey;->"`
	TenantID       int64
	Code           string
	CodeSchema     string
	Name           string
	Source         string
	LowThreshold   int
	SerialAlphabet string
	SerialLength   int
	RequestCap     int  `gorm:"->"`
	ReplenishTo    *int `gorm:"->"`
}

func (productRow) TableName() string { return "products" }

// productColumns selects a product as the caller (tenant ?) sees it: a CMO sees
// its MAH's products with source PARTNER. The visibility condition repeats the
// RLS policy on purpose: the application filters, RLS is the net.
const (
	productColumns = `id, tenant_id, code, code_schema, name,
		CASE WHEN tenant_id = @tenant THEN source ELSE 'PARTNER' END AS source, low_threshold,
		serial_alphabet, serial_length, request_cap, replenish_to`
	productVisible = `(tenant_id = @tenant OR EXISTS (
		SELECT FROM pool_counters c WHERE c.product_id = products.id AND c.tenant_id = @tenant))`
)

// productSource is a product's source as the caller sees it (productColumns).
const productSource = `(CASE WHEN tenant_id = @tenant THEN source::text ELSE 'PARTNER' END)`

// productSorts is each order's sort key and the type its cursor value is read as;
// the code (unique) breaks ties. Enums sort by their names, not their order.
var productSorts = map[pool.ProductSort]struct{ key, typ string }{
	pool.SortCode:       {"code", "text"},
	pool.SortCodeSchema: {"code_schema::text", "text"},
	pool.SortName:       {"name", "text"},
	pool.SortSource:     {productSource, "text"},
	pool.SortAvailable: {`coalesce((SELECT sum(n) FROM pool_counters c
		WHERE c.product_id = products.id AND c.tenant_id = @tenant AND c.status = 'AVAILABLE'), 0)`, "bigint"},
}

// productWhere is the product list's condition for f, and its arguments:
// visible, not an SSCC pool, and each filter f sets. A filter is in the
// statement only when f sets it: a test of each filter's argument for empty
// made PostgreSQL plan the page's statement anew on every execution, where the
// statement of each set of filters keeps its one cached plan (a third of
// PostgreSQL's CPU on the products page), and one product's finds it in the
// code index.
func productWhere(f pool.ProductFilter) (string, pgx.NamedArgs) {
	where, args := productVisible+` AND code_schema <> 'SSCC'`, pgx.NamedArgs{}
	if f.Search != "" {
		where, args["pattern"] = where+` AND (code ILIKE @pattern OR name ILIKE @pattern)`, "%"+likeEscape(f.Search)+"%"
	}
	if f.Source != "" {
		where, args["source"] = where+` AND `+productSource+` = @source`, string(f.Source)
	}
	if f.CodeSchema != "" {
		where, args["schema"] = where+` AND code_schema::text = @schema`, string(f.CodeSchema)
	}
	if f.Code != "" {
		where, args["code"] = where+` AND code = @code`, f.Code
	}
	return where, args
}

// Products implements pool.ProductService: keyset paging over (sort key, code).
func (d *DB) Products(ctx context.Context, f pool.ProductFilter) (*pool.ProductPage, error) {
	query, args, err := productsQuery(f)
	if err != nil {
		return nil, err
	}
	rows, err := tenantRead[struct {
		productRow
		SortKey string
		pool.Counts
	}](ctx, d, query, args)
	if err != nil {
		return nil, wrap("products", err)
	}
	page := &pool.ProductPage{HasNext: len(rows) > f.Limit}
	if page.HasNext {
		rows = rows[:f.Limit]
	}
	byCode := f.Order.By == "" || f.Order.By == pool.SortCode
	for i := range rows {
		page.Products = append(page.Products, rows[i].domain())
		if byCode {
			page.Keys = append(page.Keys, rows[i].Code)
		} else {
			page.Keys = append(page.Keys, rows[i].SortKey)
		}
		if f.WithCounts {
			page.Counts = append(page.Counts, rows[i].Counts)
		}
	}
	return page, nil
}

// productsQuery is the statement of Products' page for f, and its arguments.
func productsQuery(f pool.ProductFilter) (string, pgx.NamedArgs, error) {
	by := f.Order.By
	if by == "" {
		by = pool.SortCode
	}
	sort, ok := productSorts[by]
	if !ok {
		return "", nil, pool.Invalid("orderBy", "unknown order %q", by)
	}
	where, args := productWhere(f)
	args["limit"] = f.Limit + 1
	dir, cmp := "ASC", ">"
	if f.Order.Desc {
		dir, cmp = "DESC", "<"
	}
	after := ""
	if f.AfterCode != "" {
		args["after"] = f.AfterCode
		if by == pool.SortCode {
			after = ` AND code ` + cmp + ` @after`
		} else {
			if sort.typ == "bigint" {
				if _, err := strconv.ParseInt(f.AfterKey, 10, 64); err != nil {
					return "", nil, pool.Invalid("after", "after is not a valid cursor")
				}
			}
			args["afterKey"] = f.AfterKey
			after = ` AND (` + sort.key + `, code) ` + cmp + ` (@afterKey::` + sort.typ + `, @after)`
		}
	}
	key := `, (` + sort.key + `)::text AS sort_key` // the code is its own, and not read twice
	if by == pool.SortCode {
		key = ""
	}
	counts, from := "", "products"
	if f.WithCounts {
		counts, from = ", pc.available, pc.assigned", "products CROSS JOIN LATERAL ("+fmt.Sprintf(countsOf, "products.id")+") pc"
	}
	return `SELECT ` + productColumns + key + counts + ` FROM ` + from + `
		WHERE ` + where + after + `
		ORDER BY ` + sort.key + ` ` + dir + `, code ` + dir + ` LIMIT @limit`, args, nil
}

// CountProducts implements pool.ProductService.
func (d *DB) CountProducts(ctx context.Context, f pool.ProductFilter) (int, error) {
	where, args := productWhere(f)
	rows, err := tenantRead[struct{ N int }](ctx, d, `SELECT count(*) AS n FROM products WHERE `+where, args)
	if err != nil {
		return 0, wrap("count products", err)
	}
	return rows[0].N, nil
}

// ProductByCode implements pool.ProductService.
func (d *DB) ProductByCode(ctx context.Context, code string) (*pool.Product, error) {
	rows, err := tenantRead[productRow](ctx, d, `SELECT `+productColumns+` FROM products
		WHERE code = @code AND code_schema <> 'SSCC' AND `+productVisible, pgx.NamedArgs{"code": code})
	if err != nil {
		return nil, wrap("product", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.ENOTFOUND, "no product with code %q", code)
	}
	return rows[0].domain(), nil
}

// ProductsByID implements pool.ProductService.
func (d *DB) ProductsByID(ctx context.Context, ids []int64) ([]*pool.Product, error) {
	rows, err := tenantRead[productRow](ctx, d, `SELECT `+productColumns+` FROM products
		WHERE id = ANY(@ids) AND `+productVisible, pgx.NamedArgs{"ids": ids})
	if err != nil {
		return nil, wrap("products by id", err)
	}
	products := make([]*pool.Product, len(rows))
	for i := range rows {
		products[i] = rows[i].domain()
	}
	return inOrder(ids, products, func(p *pool.Product) int64 { return p.ID }), nil
}

// CreateProduct implements pool.ProductService.
func (d *DB) CreateProduct(ctx context.Context, p pool.NewProduct) (*pool.Product, error) {
	a, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if err := p.Normalize(); err != nil {
		return nil, err
	}
	return d.createProduct(ctx, a, productRow{Code: p.Code, CodeSchema: string(p.CodeSchema), Name: p.Name,
		Source: string(p.Source), LowThreshold: p.LowThreshold, SerialAlphabet: string(p.SerialAlphabet), SerialLength: p.SerialLength})
}

// createProduct registers a product (or SSCC pool) owned by a, whose role the caller checked.
func (d *DB) createProduct(ctx context.Context, a pool.Actor, row productRow) (*pool.Product, error) {
	row.TenantID = a.TenantID
	err := d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if err := tx.Raw(`SELECT `+productColumns+` FROM products WHERE id = @id`, map[string]any{"id": row.ID, "tenant": a.TenantID}).
			Scan(&row).Error; err != nil {
			return err
		}
		// A new record's every field is new: old "not set", new as stored.
		c := changes{}
		for name, v := range map[string]any{"code": row.Code, "codeSchema": row.CodeSchema, "name": row.Name, "source": row.Source,
			"lowThreshold": row.LowThreshold, "serialAlphabet": row.SerialAlphabet, "serialLength": row.SerialLength,
			"requestCap": row.RequestCap, "replenishTo": row.ReplenishTo} {
			if v != "" && v != 0 && v != (*int)(nil) {
				c.field(name, nil, v)
			}
		}
		return auditTx(ctx, gormTx{tx}, a, "product.create", row.ID, 0, map[string]any{"code": row.Code, "name": row.Name, "changes": c})
	})
	if pgCode(err) == uniqueViolation {
		return nil, &pool.Error{Code: pool.ECONFLICT, Field: "code", Message: fmt.Sprintf("code %s is already registered", row.Code)}
	}
	if err != nil {
		return nil, fmt.Errorf("db: create product: %w", err)
	}
	return row.domain(), nil
}

func (r *productRow) domain() *pool.Product {
	return &pool.Product{ID: r.ID, TenantID: r.TenantID, Code: r.Code, CodeSchema: pool.CodeSchema(r.CodeSchema),
		Name: r.Name, Source: pool.Source(r.Source), LowThreshold: r.LowThreshold, RequestCap: r.RequestCap, ReplenishTo: r.ReplenishTo,
		SerialFormat: pool.SerialFormat{SerialAlphabet: pool.Alphabet(r.SerialAlphabet), SerialLength: r.SerialLength}}
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// likeEscape makes user input match literally inside a LIKE pattern.
func likeEscape(s string) string { return likeEscaper.Replace(s) }
