package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/pool/mock"
)

// The resolvers' fast tests: GraphQL through gqlgen's test client over faked
// services, without PostgreSQL. They show that resolvers hand their arguments
// to the services and that errors reach clients with their codes; the
// PostgreSQL suites in package server run the same operations end to end.

var _ graph.Services = (*mock.Services)(nil)

// gqlClient serves GraphQL over svc to an operator of tenant 1.
func gqlClient(svc *mock.Services) *client.Client {
	return client.New(gqlHandler(svc), func(r *client.Request) {
		r.HTTP = r.HTTP.WithContext(pool.WithActor(r.HTTP.Context(), pool.Actor{TenantID: 1, KeyID: 2, Role: pool.RoleOperator}))
	})
}

func gqlHandler(svc *mock.Services) http.Handler {
	return graph.NewHandler(svc, graph.Options{MaxComplexity: 50000, MaxDepth: 15, MaxTokens: 15000, MaxFields: 200, MaxSelections: 1000},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// gqlError is one error of a GraphQL answer.
type gqlError struct {
	Message    string
	Path       []any
	Extensions map[string]any
}

// errorsOf runs query and returns its errors.
func errorsOf(t *testing.T, c *client.Client, query string, opts ...client.Option) []gqlError {
	t.Helper()
	res, err := c.RawPost(query, opts...)
	if err != nil {
		t.Fatal(err)
	}
	var errs []gqlError
	if len(res.Errors) > 0 {
		if err := json.Unmarshal(res.Errors, &errs); err != nil {
			t.Fatal(err)
		}
	}
	return errs
}

func TestRequestSerialsResolverCallsTheService(t *testing.T) {
	svc := &mock.Services{}
	svc.RequestSerialsFn = func(_ context.Context, r pool.Request) (*pool.SerialRequest, error) {
		want := pool.Request{ProductCode: "04012340051013", Count: 5, OrderRef: "PO-1", IdempotencyKey: "retry-1"}
		if r != want {
			t.Errorf("RequestSerials(%+v), want %+v (the code trimmed)", r, want)
		}
		return &pool.SerialRequest{ID: 9, OrderRef: &r.OrderRef, Count: r.Count}, nil
	}
	var res struct {
		RequestSerials struct {
			ID       string
			OrderRef string
			Count    int
		}
	}
	gqlClient(svc).MustPost(`mutation($in: RequestSerialsInput!) { requestSerials(input: $in) { id orderRef count } }`, &res,
		client.Var("in", map[string]any{"productCode": " 04012340051013 ", "count": 5, "orderRef": "PO-1", "idempotencyKey": "retry-1"}))
	if got := res.RequestSerials; got.ID != graph.RequestID(9) || got.OrderRef != "PO-1" || got.Count != 5 {
		t.Errorf("got %+v", got)
	}
}

func TestResolverErrorsCarryTheirCodes(t *testing.T) {
	refused := &pool.BatchError{Total: 1, Rows: []pool.RowError{{Row: 1, Value: "A1", Code: pool.ECONFLICT, Reason: "has pack events"}}}
	for _, tc := range []struct {
		err         error
		code, field string
	}{
		{&pool.Error{Code: pool.EINVALID, Field: "serials", Message: "refused", Batch: refused}, pool.EINVALID, "serials"},
		{pool.Errorf(pool.EFORBIDDEN, "operators only"), pool.EFORBIDDEN, ""},
		{pool.Errorf(pool.EUNAVAILABLE, "retry"), pool.EUNAVAILABLE, ""},
		{errors.New("pq: deadlock detected on relation serials"), pool.EINTERNAL, ""},
	} {
		svc := &mock.Services{}
		svc.ReleaseSerialsFn = func(_ context.Context, code string, values []string) (int, error) {
			if code != "04012340051013" || !reflect.DeepEqual(values, []string{"A1"}) {
				t.Errorf("ReleaseSerials(%q, %v)", code, values)
			}
			return 0, tc.err
		}
		// An UNAVAILABLE answer is 503 with Retry-After, as over REST: clients retry.
		body, _ := json.Marshal(map[string]string{"query": `mutation { releaseSerials(input: {productCode: "04012340051013", serials: ["A1"]}) { released } }`})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req = req.WithContext(pool.WithActor(req.Context(), pool.Actor{TenantID: 1, KeyID: 2, Role: pool.RoleOperator}))
		rec := httptest.NewRecorder()
		gqlHandler(svc).ServeHTTP(rec, req)
		wantStatus, wantRetry := http.StatusOK, ""
		if tc.code == pool.EUNAVAILABLE {
			wantStatus, wantRetry = http.StatusServiceUnavailable, "1"
		}
		if rec.Code != wantStatus || rec.Header().Get("Retry-After") != wantRetry {
			t.Errorf("%v: HTTP %d, Retry-After %q; want %d, %q", tc.err, rec.Code, rec.Header().Get("Retry-After"), wantStatus, wantRetry)
		}
		var answer struct{ Errors []gqlError }
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("%v: %v: %s", tc.err, err, rec.Body)
		}
		errs := answer.Errors
		if len(errs) != 1 {
			t.Fatalf("%v: %d errors, want 1: %+v", tc.err, len(errs), errs)
		}
		e := errs[0]
		if e.Extensions["code"] != tc.code || (tc.field != "" && e.Extensions["field"] != tc.field) {
			t.Errorf("%v: extensions %v, want code %s field %q", tc.err, e.Extensions, tc.code, tc.field)
		}
		if strings.Contains(e.Message, "deadlock") {
			t.Errorf("an internal cause reached the client: %q", e.Message)
		}
		if rows, _ := e.Extensions["rows"].([]any); tc.code == pool.EINVALID && len(rows) != 1 {
			t.Errorf("a refused batch's rows are missing: %v", e.Extensions)
		}
	}
}

func TestProductNotFoundIsNullAndItsPoolCounted(t *testing.T) {
	svc := &mock.Services{}
	// One statement for the product and, when asked for, its counts.
	svc.ProductsFn = func(_ context.Context, f pool.ProductFilter) (*pool.ProductPage, error) {
		if f.Limit != 1 || f.WithCounts != (f.Code == "04012340051013") {
			t.Errorf("Products(%+v), want one product, with its counts only where the pool is asked for", f)
		}
		if f.Code != "04012340051013" {
			return &pool.ProductPage{}, nil
		}
		return &pool.ProductPage{Products: []*pool.Product{{ID: 42, Code: f.Code, LowThreshold: 10}},
			Keys: []string{f.Code}, Counts: []pool.Counts{{Available: 3, Assigned: 4}}}, nil
	}
	var res struct {
		Known, Unknown *struct {
			Code string
			Pool struct {
				Available, Assigned, Total int
				Low                        bool
			}
		}
	}
	gqlClient(svc).MustPost(`{ known: product(code: "04012340051013") { code pool { available assigned total low } }
		unknown: product(code: "09999999999999") { code } }`, &res)
	if res.Unknown != nil {
		t.Errorf("an unknown product is %+v, want null", res.Unknown)
	}
	if k := res.Known; k == nil || k.Code != "04012340051013" || k.Pool.Available != 3 || k.Pool.Assigned != 4 || k.Pool.Total != 7 || !k.Pool.Low {
		t.Errorf("known product %+v", k)
	}
}
