package db_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// gtin makes a valid GTIN-14 from a number.
func gtin(n int) string {
	body := fmt.Sprintf("0400000%06d", n)
	c, err := gs1.CheckDigit(body)
	if err != nil {
		panic(err)
	}
	return body + string(c)
}

func TestCreateProduct(t *testing.T) {
	t.Parallel()
	w := newWorld(t)

	// A GTIN-13 is stored as GTIN-14.
	p, err := w.db.CreateProduct(w.mahAdmin, pool.NewProduct{Code: "1234567890128", CodeSchema: pool.GTIN,
		Name: " Aspirin ", Source: pool.SourceTraceLink, LowThreshold: 5})
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "01234567890128" || p.Name != "Aspirin" || p.TenantID != w.mah || p.Source != pool.SourceTraceLink {
		t.Fatalf("created %+v", p)
	}
	got, err := w.db.ProductByCode(w.mahViewer, "01234567890128")
	if err != nil || got.ID != p.ID {
		t.Fatalf("ProductByCode = %+v, %v", got, err)
	}

	for _, tc := range []struct {
		name  string
		ctx   context.Context
		in    pool.NewProduct
		code  string
		field string
	}{
		{"viewer may not create", w.mahViewer, pool.NewProduct{Code: gtin(1), CodeSchema: pool.GTIN, Name: "x", Source: pool.SourceSNM}, pool.EFORBIDDEN, ""},
		{"bad check digit", w.mahAdmin, pool.NewProduct{Code: "1234567890123", CodeSchema: pool.GTIN, Name: "x", Source: pool.SourceSNM}, pool.EINVALID, "code"},
		{"bad PPN", w.mahAdmin, pool.NewProduct{Code: "110375286415", CodeSchema: pool.PPN, Name: "x", Source: pool.SourceSNM}, pool.EINVALID, "code"},
		{"empty name", w.mahAdmin, pool.NewProduct{Code: gtin(2), CodeSchema: pool.GTIN, Name: "  ", Source: pool.SourceSNM}, pool.EINVALID, "name"},
		{"partner source", w.mahAdmin, pool.NewProduct{Code: gtin(3), CodeSchema: pool.GTIN, Name: "x", Source: pool.SourcePartner}, pool.EINVALID, "source"},
		{"duplicate code in own tenant", w.mahAdmin, pool.NewProduct{Code: "01234567890128", CodeSchema: pool.GTIN, Name: "x", Source: pool.SourceSNM}, pool.ECONFLICT, "code"},
		{"duplicate code across tenants", w.otherAdmin, pool.NewProduct{Code: "1234567890128", CodeSchema: pool.GTIN, Name: "x", Source: pool.SourceSNM}, pool.ECONFLICT, "code"},
	} {
		_, err := w.db.CreateProduct(tc.ctx, tc.in)
		var pe *pool.Error
		if pool.ErrorCode(err) != tc.code {
			t.Errorf("%s: error %v, want code %s", tc.name, err, tc.code)
		} else if tc.field != "" && (!errors.As(err, &pe) || pe.Field != tc.field) {
			t.Errorf("%s: error %v, want field %s", tc.name, err, tc.field)
		}
	}

	// Every code schema is accepted with a valid code.
	for _, in := range []pool.NewProduct{
		{Code: "12345678901231", CodeSchema: pool.NTIN},
		{Code: "110375286414", CodeSchema: pool.PPN},
		{Code: "00312345678906", CodeSchema: pool.NDC},
	} {
		in.Name, in.Source = "Schema "+string(in.CodeSchema), pool.SourceSAPATTP
		if _, err := w.db.CreateProduct(w.mahAdmin, in); err != nil {
			t.Errorf("%s %s: %v", in.CodeSchema, in.Code, err)
		}
	}
}

func TestProductsPagingAndSearch(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for i := 0; i < 7; i++ {
		w.product(t, w.mahAdmin, gtin(100+i), fmt.Sprintf("Product %d %s", i, []string{"Alpha", "beta_x", "Gamma"}[i%3]))
	}
	w.product(t, w.otherAdmin, gtin(200), "Alpha of another tenant")

	var codes []string
	after := ""
	for pages := 0; ; pages++ {
		page, err := w.db.Products(w.mahViewer, pool.ProductFilter{AfterCode: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Products {
			codes = append(codes, p.Code)
			after = p.Code
		}
		if !page.HasNext {
			if pages != 2 || len(page.Products) != 1 {
				t.Fatalf("last page %d has %d products", pages, len(page.Products))
			}
			break
		}
	}
	if len(codes) != 7 {
		t.Fatalf("paged through %d products, want 7: %v", len(codes), codes)
	}
	for i := 1; i < len(codes); i++ {
		if codes[i-1] >= codes[i] {
			t.Fatalf("not ordered by code: %v", codes)
		}
	}

	for _, tc := range []struct {
		search string
		want   int
	}{
		{"", 7}, {"alpha", 3}, {"GAMMA", 2}, {"beta_", 2}, {"_", 2}, {"%", 0}, {gtin(103)[3:10], 7}, {gtin(104), 1}, {"nothing", 0},
	} {
		page, err := w.db.Products(w.mahViewer, pool.ProductFilter{Search: tc.search, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.db.CountProducts(w.mahViewer, pool.ProductFilter{Search: tc.search})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Products) != tc.want || n != tc.want {
			t.Errorf("search %q: %d products, count %d, want %d", tc.search, len(page.Products), n, tc.want)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	key, err := w.db.CreateKey(ctx, w.cmo, pool.RoleOperator)
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.db.Authenticate(ctx, key)
	if err != nil || a.TenantID != w.cmo || a.Role != pool.RoleOperator {
		t.Fatalf("Authenticate = %+v, %v", a, err)
	}
	for _, bad := range []string{"", "sp_", key + "x", "Bearer " + key, key[:len(key)-1]} {
		if _, err := w.db.Authenticate(ctx, bad); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
			t.Errorf("Authenticate(%q) = %v, want UNAUTHENTICATED", bad, err)
		}
	}
	if _, err := w.db.CreateKey(ctx, 999999, pool.RoleAdmin); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("key for unknown tenant: %v", err)
	}
	if _, err := w.db.CreateKey(ctx, w.cmo, "root"); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("key with unknown role: %v", err)
	}
	// A revoked key stops working at once.
	if err := w.db.Gorm().Exec(`UPDATE api_keys SET revoked_at = now() WHERE id = ?`, a.KeyID).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.Authenticate(ctx, key); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("revoked key: %v", err)
	}
	// Without an actor, tenant methods refuse.
	if _, err := w.db.Products(ctx, pool.ProductFilter{Limit: 1}); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("no actor: %v", err)
	}
}
