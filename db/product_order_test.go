package db_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/serialpool/serialpool/pool"
)

// TestProductOrders pages through the product list in every order, both ways,
// two at a time, with ties on the sort key, and filters it by source and schema.
func TestProductOrders(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	type want struct {
		code, schema, name, source string
		available                  int
	}
	var all []want
	for i, p := range []struct {
		schema    pool.CodeSchema
		code      string
		name      string
		source    pool.Source
		available int
	}{
		{pool.GTIN, gtin(301), "beta", pool.SourceSNM, 5},
		{pool.NTIN, gtin(302), "Alpha", pool.SourceSAPATTP, 0},
		{pool.PPN, "110375286414", "alpha", pool.SourceTraceLink, 12},
		{pool.GTIN, gtin(304), "beta", pool.SourceTraceLink, 0},
		{pool.NTIN, gtin(305), "Gamma", pool.SourceSNM, 5},
	} {
		pr, err := w.db.CreateProduct(w.mahAdmin, pool.NewProduct{Code: p.code, CodeSchema: p.schema, Name: p.name, Source: p.source})
		if err != nil {
			t.Fatalf("product %d: %v", i, err)
		}
		if p.available > 0 {
			w.addSerials(t, pr, "S", p.available)
		}
		all = append(all, want{pr.Code, string(p.schema), p.name, string(p.source), p.available})
	}
	w.product(t, w.otherAdmin, gtin(399), "Alpha of another tenant")

	keyOf := map[pool.ProductSort]func(want) string{
		pool.SortCode:       func(p want) string { return p.code },
		pool.SortCodeSchema: func(p want) string { return p.schema },
		pool.SortName:       func(p want) string { return p.name },
		pool.SortSource:     func(p want) string { return p.source },
		pool.SortAvailable:  func(p want) string { return strconv.Itoa(p.available) },
	}
	for by, key := range keyOf {
		for _, desc := range []bool{false, true} {
			expect := slices.Clone(all)
			slices.SortFunc(expect, func(a, b want) int {
				c := compareKeys(by, key(a), key(b))
				if c == 0 {
					c = compareKeys(pool.SortCode, a.code, b.code)
				}
				if desc {
					c = -c
				}
				return c
			})
			var codes, wantCodes []string
			for _, p := range expect {
				wantCodes = append(wantCodes, p.code)
			}
			f := pool.ProductFilter{Order: pool.ProductOrder{By: by, Desc: desc}, Limit: 2}
			for pages := 0; pages < 5; pages++ {
				page, err := w.db.Products(w.mahViewer, f)
				if err != nil {
					t.Fatalf("%s desc=%v: %v", by, desc, err)
				}
				for i, p := range page.Products {
					codes = append(codes, p.Code)
					f.AfterCode, f.AfterKey = p.Code, page.Keys[i]
				}
				if !page.HasNext {
					break
				}
			}
			if !slices.Equal(codes, wantCodes) {
				t.Errorf("%s desc=%v: paged %v, want %v", by, desc, codes, wantCodes)
			}
		}
	}

	if _, err := w.db.Products(w.mahViewer, pool.ProductFilter{Order: pool.ProductOrder{By: "PRICE"}, Limit: 2}); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("unknown order: %v, want EINVALID", err)
	}
	bad := pool.ProductFilter{Order: pool.ProductOrder{By: pool.SortAvailable}, AfterCode: gtin(301), AfterKey: "many", Limit: 2}
	if _, err := w.db.Products(w.mahViewer, bad); pool.ErrorCode(err) != pool.EINVALID {
		t.Errorf("non-numeric Available cursor: %v, want EINVALID", err)
	}

	for _, tc := range []struct {
		ctx    context.Context
		filter pool.ProductFilter
		want   []string
	}{
		{w.mahViewer, pool.ProductFilter{Source: pool.SourceTraceLink}, []string{gtin(304), "110375286414"}},
		{w.mahViewer, pool.ProductFilter{CodeSchema: pool.NTIN}, []string{gtin(302), gtin(305)}},
		{w.mahViewer, pool.ProductFilter{CodeSchema: pool.GTIN, Source: pool.SourceSNM}, []string{gtin(301)}},
		{w.mahViewer, pool.ProductFilter{Search: "alpha", Source: pool.SourceSAPATTP}, []string{gtin(302)}},
		{w.mahViewer, pool.ProductFilter{Source: pool.SourcePartner}, nil},
		{w.mahViewer, pool.ProductFilter{CodeSchema: pool.SSCC}, nil},
	} {
		tc.filter.Limit = 50
		page, err := w.db.Products(tc.ctx, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.db.CountProducts(tc.ctx, tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, p := range page.Products {
			codes = append(codes, p.Code)
		}
		if !slices.Equal(codes, tc.want) || n != len(tc.want) {
			t.Errorf("filter %+v: %v (count %d), want %v", tc.filter, codes, n, tc.want)
		}
	}
}

// TestProductSourceFilterCMO: a CMO filters by PARTNER for what its MAH gave it,
// and by its own products' sources for the rest.
func TestProductSourceFilterCMO(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	mahs := w.product(t, w.mahAdmin, gtin(311), "Given")
	w.addSerials(t, mahs, "G", 4)
	w.assignToCMO(t, mahs, 4)
	own := w.product(t, w.cmoAdmin, gtin(312), "Own")
	w.product(t, w.mahAdmin, gtin(313), "Not given")
	for source, want := range map[pool.Source]string{pool.SourcePartner: mahs.Code, pool.SourceSNM: own.Code} {
		f := pool.ProductFilter{Source: source, Limit: 50}
		page, err := w.db.Products(w.cmoAdmin, f)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := w.db.CountProducts(w.cmoAdmin, f)
		if len(page.Products) != 1 || page.Products[0].Code != want || n != 1 {
			t.Errorf("CMO, source %s: %d products (count %d), want only %s", source, len(page.Products), n, want)
		}
	}
	// Ordered by Available, the CMO's own counts decide: 2 Available of the given product.
	page, err := w.db.Products(w.cmoAdmin, pool.ProductFilter{Order: pool.ProductOrder{By: pool.SortAvailable, Desc: true}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Products) != 2 || page.Products[0].Code != mahs.Code || page.Keys[0] != "2" || page.Keys[1] != "0" {
		t.Errorf("CMO by Available: %v keys %v", page.Products, page.Keys)
	}
}

// compareKeys compares two sort keys as the database does: numbers as numbers,
// text byte by byte (the test cluster has no locale).
func compareKeys(by pool.ProductSort, a, b string) int {
	if by == pool.SortAvailable {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

// TestSerialPrefix: the serials table's search matches the start of a serial,
// literally (% and _ are serial characters of GS1 set 82), for owner and CMO.
func TestSerialPrefix(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.product(t, w.mahAdmin, gtin(321), "Searched")
	for _, prefix := range []string{"A%", "A_", "AB", "B", "XA"} {
		w.addSerials(t, p, prefix, 3)
	}
	w.assignToCMO(t, p, 15)
	for _, tc := range []struct {
		ctx    context.Context
		prefix string
		want   int
	}{
		{w.mahViewer, "A", 9}, {w.mahViewer, "A%", 3}, {w.mahViewer, "A_1", 1}, {w.mahViewer, "a", 0},
		{w.mahViewer, "", 15}, {w.mahViewer, "B2", 1}, {w.cmoAdmin, "A", 9}, {w.cmoAdmin, "X", 3},
	} {
		page, err := serialPage(tc.ctx, w, pool.SerialFilter{Products: []*pool.Product{p}, Prefix: tc.prefix, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Serials {
			if len(s.Value) < len(tc.prefix) || s.Value[:len(tc.prefix)] != tc.prefix {
				t.Errorf("prefix %q: got %s", tc.prefix, s.Value)
			}
		}
		if len(page.Serials) != tc.want {
			t.Errorf("prefix %q: %d serials, want %d", tc.prefix, len(page.Serials), tc.want)
		}
	}
}
