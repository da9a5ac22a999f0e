package rest_test

import (
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
	"time"

	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/pool/mock"
	"github.com/serialpool/serialpool/server/rest"
)

// The handlers' fast tests: each route over faked services, without
// PostgreSQL or middleware. The PostgreSQL suites in package main run the
// same routes end to end.

var _ rest.Services = (*mock.Services)(nil)

const code = "04012340051013"

// call is one request to the API.
type call struct {
	Method, Path, Body string
	Header             map[string]string
}

// serve answers c with the API over svc.
func serve(t *testing.T, svc *mock.Services, c call) *httptest.ResponseRecorder {
	t.Helper()
	mux := http.NewServeMux()
	same := func(h http.Handler) http.Handler { return h }
	rest.New(svc, slog.New(slog.NewTextHandler(io.Discard, nil))).Register(mux, rest.Middleware{API: same, Bulk: same, Upload: same})
	r := httptest.NewRequest(c.Method, c.Path, strings.NewReader(c.Body))
	for k, v := range c.Header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	return w
}

// decode reads a JSON answer.
func decode(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("answer %d is not JSON: %v: %s", w.Code, err, w.Body)
	}
	return v
}

// errorOf is the first error's code and field of an answer.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) (code, field string) {
	t.Helper()
	errs, _ := decode(t, w)["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("want one error, got %d: %s", w.Code, w.Body)
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ = ext["code"].(string)
	field, _ = ext["field"].(string)
	return code, field
}

func TestPushReadsTheBodyAsItsMediaTypeFromTheChannel(t *testing.T) {
	svc := &mock.Services{}
	svc.ChannelByKeyFn = func(_ context.Context, key string) (*pool.Channel, error) {
		if key != "ch-key" {
			t.Errorf("ChannelByKey(%q), want the X-Channel-Key", key)
		}
		return &pool.Channel{ID: 7, Source: pool.SourceTraceLink}, nil
	}
	var got []pool.SerialInput
	idem := "order-1"
	svc.ReceiveFn = func(_ context.Context, in pool.Intake) (*pool.IntakeResult, error) {
		if in.ProductCode != code || in.Source != pool.SourceTraceLink || in.ChannelID != 7 || in.IdempotencyKey != idem {
			t.Errorf("Receive(%+v), want the path's product, the channel's source and id, the Idempotency-Key", in)
		}
		for {
			s, err := in.Rows.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, s)
		}
		return &pool.IntakeResult{BatchID: 3, ProductCode: code, Source: in.Source, Accepted: int64(len(got)), Replayed: in.IdempotencyKey == "replay"}, nil
	}
	push := call{Method: "POST", Path: "/api/v2/products/" + code + "/serials", Body: "serial,91,92\nA1,ab12,cc\nB2,,\n",
		Header: map[string]string{"X-Channel-Key": "ch-key", "Idempotency-Key": "order-1", "Content-Type": "text/csv"}}
	w := serve(t, svc, push)
	if w.Code != http.StatusCreated {
		t.Fatalf("push: %d %s", w.Code, w.Body)
	}
	want := []pool.SerialInput{{Value: "A1", Extra: map[string]string{"91": "ab12", "92": "cc"}}, {Value: "B2"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %+v, want %+v", got, want)
	}
	if v := decode(t, w); v["batchId"] != graph.BatchID(3) || v["accepted"] != 2.0 || v["replayed"] != false {
		t.Errorf("answer %v", v)
	}

	idem = "replay"
	push.Header["Idempotency-Key"] = idem
	if w := serve(t, svc, push); w.Code != http.StatusOK {
		t.Errorf("a replayed push: %d, want 200", w.Code)
	}
}

func TestPushNamingItsSourceNeedsNoChannel(t *testing.T) {
	svc := &mock.Services{} // ChannelByKeyFn unset: calling it fails the test
	svc.ReceiveFn = func(_ context.Context, in pool.Intake) (*pool.IntakeResult, error) {
		if in.Source != pool.SourceSAPICH || in.ChannelID != 0 {
			t.Errorf("Receive(%+v), want source SAP_ICH and no channel", in)
		}
		return &pool.IntakeResult{}, nil
	}
	w := serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/serials?source=SAP_ICH", Body: `["A1"]`,
		Header: map[string]string{"Content-Type": "application/json"}})
	if w.Code != http.StatusCreated {
		t.Errorf("push: %d %s", w.Code, w.Body)
	}
}

func TestPushOfAnotherMediaTypeIsRefusedUnread(t *testing.T) {
	svc := &mock.Services{} // ReceiveFn unset
	svc.ChannelByKeyFn = func(context.Context, string) (*pool.Channel, error) {
		return &pool.Channel{Source: pool.SourceSAPATTP}, nil
	}
	w := serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/serials", Body: "<serials/>",
		Header: map[string]string{"X-Channel-Key": "k", "Content-Type": "application/xml"}})
	if c, f := errorOf(t, w); w.Code != http.StatusUnsupportedMediaType || c != pool.EINVALID || f != "Content-Type" {
		t.Errorf("got %d %s %s, want 415 BAD_USER_INPUT on Content-Type", w.Code, c, f)
	}
}

func TestErrorsAnswerTheirCodesStatus(t *testing.T) {
	for _, tc := range []struct {
		err    error
		status int
		code   string
		header string
	}{
		{pool.Errorf(pool.EUNAUTHENTICATED, "no"), http.StatusUnauthorized, pool.EUNAUTHENTICATED, "WWW-Authenticate"},
		{pool.Errorf(pool.EFORBIDDEN, "no"), http.StatusForbidden, pool.EFORBIDDEN, ""},
		{pool.Errorf(pool.ENOTFOUND, "no"), http.StatusNotFound, pool.ENOTFOUND, ""},
		{pool.Invalid("code", "no"), http.StatusBadRequest, pool.EINVALID, ""},
		{pool.Errorf(pool.ECONFLICT, "no"), http.StatusConflict, pool.ECONFLICT, ""},
		{pool.Errorf(pool.EINSUFFICIENT, "no"), http.StatusConflict, pool.EINSUFFICIENT, ""},
		{pool.Errorf(pool.ERATELIMITED, "no"), http.StatusTooManyRequests, pool.ERATELIMITED, "Retry-After"},
		{pool.Errorf(pool.EUNAVAILABLE, "no"), http.StatusServiceUnavailable, pool.EUNAVAILABLE, "Retry-After"},
		{errors.New("pq: relation serials is locked by pid 4711"), http.StatusInternalServerError, pool.EINTERNAL, ""},
	} {
		svc := &mock.Services{}
		svc.ProductByCodeFn = func(context.Context, string) (*pool.Product, error) { return nil, tc.err }
		w := serve(t, svc, call{Method: "GET", Path: "/api/v2/products/" + code + "/pool"})
		if c, _ := errorOf(t, w); w.Code != tc.status || c != tc.code {
			t.Errorf("%v: got %d %s, want %d %s", tc.err, w.Code, c, tc.status, tc.code)
		}
		if tc.header != "" && w.Header().Get(tc.header) == "" {
			t.Errorf("%v: no %s header", tc.err, tc.header)
		}
		if strings.Contains(w.Body.String(), "pid 4711") {
			t.Errorf("an internal cause reached the caller: %s", w.Body)
		}
	}
}

func TestPoolCounts(t *testing.T) {
	svc := &mock.Services{}
	svc.ProductByCodeFn = func(_ context.Context, c string) (*pool.Product, error) {
		return &pool.Product{ID: 42, Code: c, LowThreshold: 10}, nil
	}
	svc.CountsFn = func(_ context.Context, ids []int64) ([]pool.Counts, error) {
		if !reflect.DeepEqual(ids, []int64{42}) {
			t.Errorf("Counts(%v), want the product's id", ids)
		}
		return []pool.Counts{{Available: 5, Assigned: 7}}, nil
	}
	w := serve(t, svc, call{Method: "GET", Path: "/api/v2/products/" + code + "/pool"})
	want := map[string]any{"productCode": code, "available": 5.0, "assigned": 7.0, "total": 12.0, "low": true}
	if v := decode(t, w); w.Code != http.StatusOK || !reflect.DeepEqual(v, want) {
		t.Errorf("got %d %v, want %v", w.Code, v, want)
	}
}

// requestSvc hands out request 9 of two serials with crypto data, checking
// the channel key when one is presented.
func requestSvc(t *testing.T) *mock.Services {
	svc := &mock.Services{}
	svc.ChannelByKeyFn = func(_ context.Context, key string) (*pool.Channel, error) {
		if key != "ch-key" {
			return nil, pool.Errorf(pool.EUNAUTHENTICATED, "unknown channel key")
		}
		return &pool.Channel{ID: 1}, nil
	}
	svc.EachRequestSerialFn = func(_ context.Context, id int64, fn func(string, map[string]string) error) error {
		if id != 9 {
			t.Errorf("EachRequestSerial(%d), want 9", id)
		}
		for _, v := range []string{"+1+1", "B2"} {
			if err := fn(v, map[string]string{"91": "k" + v, "92": "c" + v}); err != nil {
				return err
			}
		}
		return nil
	}
	return svc
}

func TestRequestSerialsStreamsThemBack(t *testing.T) {
	svc := requestSvc(t)
	svc.RequestSerialsFn = func(_ context.Context, r pool.Request) (*pool.SerialRequest, error) {
		want := pool.Request{ProductCode: code, Count: 2, OrderRef: "PO-1", IdempotencyKey: r.IdempotencyKey}
		if r != want || (r.IdempotencyKey != "" && r.IdempotencyKey != "idem") {
			t.Errorf("RequestSerials(%+v), want %+v", r, want)
		}
		ref := r.OrderRef
		return &pool.SerialRequest{ID: 9, OrderRef: &ref, Count: 2, Replayed: r.IdempotencyKey == "idem"}, nil
	}
	req := call{Method: "POST", Path: "/api/v2/products/" + code + "/requests", Body: `{"count": 2, "orderRef": "PO-1"}`, Header: map[string]string{}}
	w := serve(t, svc, req)
	v := decode(t, w)
	wantSerials := []any{map[string]any{"value": "+1+1"}, map[string]any{"value": "B2"}}
	if w.Code != http.StatusCreated || v["requestId"] != graph.RequestID(9) || v["count"] != 2.0 || !reflect.DeepEqual(v["serials"], wantSerials) ||
		v["serialsCsv"] != "/api/v2/requests/"+graph.RequestID(9)+"/serials.csv" {
		t.Errorf("without a channel: %d %v", w.Code, v)
	}

	req.Header = map[string]string{"X-Channel-Key": "ch-key", "Idempotency-Key": "idem"}
	w = serve(t, svc, req)
	v = decode(t, w)
	first, _ := v["serials"].([]any)[0].(map[string]any)
	if w.Code != http.StatusOK || !reflect.DeepEqual(first["extra"], map[string]any{"91": "k+1+1", "92": "c+1+1"}) {
		t.Errorf("a channel's replay: %d %v, want 200 with the crypto data", w.Code, v)
	}

	req.Header = map[string]string{"X-Channel-Key": "forged"}
	if w := serve(t, svc, req); w.Code != http.StatusUnauthorized {
		t.Errorf("a forged channel key: %d, want 401", w.Code)
	}
	req.Body = `{"count": 2, "orderRef": "PO-1", "priority": 1}`
	if c, f := errorOf(t, serve(t, svc, req)); c != pool.EINVALID || f != "body" {
		t.Errorf("an unknown member: %s %s, want BAD_USER_INPUT on body", c, f)
	}
}

func TestRequestExportNegotiatesCSVAndNDJSON(t *testing.T) {
	svc := requestSvc(t)
	svc.SerialRequestByIDFn = func(_ context.Context, id int64) (*pool.SerialRequest, error) {
		ref := "PO-4711"
		return &pool.SerialRequest{ID: id, OrderRef: &ref, CreatedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}, nil
	}
	path := "/api/v2/requests/" + graph.RequestID(9) + "/serials.csv"
	w := serve(t, svc, call{Method: "GET", Path: path})
	if ct := w.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" || w.Header().Get("Vary") != "Accept" ||
		!strings.Contains(w.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV headers: %v", w.Header())
	}
	// Named by the order and its day, not by the request's internal id.
	if got, want := w.Header().Get("Content-Disposition"), `attachment; filename="PO-4711-2026-12-01.csv"`; got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	if got, want := w.Body.String(), "serial\n'+1+1\nB2\n"; got != want {
		t.Errorf("CSV without a channel %q, want %q (a formula-like cell quoted, no crypto data)", got, want)
	}
	w = serve(t, svc, call{Method: "GET", Path: path, Header: map[string]string{"X-Channel-Key": "ch-key"}})
	if got, want := w.Body.String(), "serial,91,92\n'+1+1,k+1+1,c+1+1\nB2,kB2,cB2\n"; got != want {
		t.Errorf("CSV for a channel %q, want %q", got, want)
	}
	w = serve(t, svc, call{Method: "GET", Path: path, Header: map[string]string{"Accept": "text/csv;q=0.5, application/x-ndjson"}})
	if got, want := w.Body.String(), "{\"value\":\"+1+1\"}\n{\"value\":\"B2\"}\n"; got != want || w.Header().Get("Content-Type") != "application/x-ndjson" {
		t.Errorf("NDJSON %q (%s), want %q: the exact values", got, w.Header().Get("Content-Type"), want)
	}
	w = serve(t, svc, call{Method: "GET", Path: path, Header: map[string]string{"Accept": "application/x-ndjson;q=0"}})
	if w.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Errorf("NDJSON at quality 0 was served")
	}
	if w := serve(t, svc, call{Method: "GET", Path: "/api/v2/requests/not-an-id/serials.csv"}); w.Code != http.StatusNotFound {
		t.Errorf("a malformed request id: %d, want 404", w.Code)
	}
}

func TestPackEventsOnePerSerial(t *testing.T) {
	at := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		route  string
		body   string
		event  pool.PackEventType
		reason *pool.Reason
	}{
		{"commission", `{"serials": ["A1", "B2"], "at": "2026-03-01T08:00:00Z"}`, pool.Commission, nil},
		{"decommission", `{"serials": ["A1", "B2"], "reason": "DESTROYED", "at": "2026-03-01T08:00:00Z"}`, pool.Decommission, new(pool.Reason)},
	} {
		svc := &mock.Services{}
		svc.RecordPackEventsFn = func(_ context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
			if len(events) != 2 {
				t.Fatalf("%s: %d events, want 2", tc.route, len(events))
			}
			for i, e := range events {
				if e.ProductCode != code || e.Serial != []string{"A1", "B2"}[i] || e.Event != tc.event || !e.At.Equal(at) ||
					(tc.reason == nil) != (e.Reason == nil) || (e.Reason != nil && *e.Reason != pool.Destroyed) {
					t.Errorf("%s: event %+v", tc.route, e)
				}
			}
			return &pool.PackEventsResult{Recorded: 2, StoredExternal: 1}, nil
		}
		w := serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/" + tc.route, Body: tc.body})
		if v := decode(t, w); w.Code != http.StatusOK || v["recorded"] != 2.0 || v["storedExternal"] != 1.0 {
			t.Errorf("%s: %d %v", tc.route, w.Code, v)
		}
	}
}

func TestCommissionCarriesLotAndExpiry(t *testing.T) {
	svc := &mock.Services{}
	var got []pool.PackEventInput
	svc.RecordPackEventsFn = func(_ context.Context, events []pool.PackEventInput) (*pool.PackEventsResult, error) {
		got = events
		return &pool.PackEventsResult{Recorded: len(events)}, nil
	}
	w := serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/commission",
		Body: `{"serials": ["A1"], "lot": "L1", "expiry": "280200", "nhrn": "4150123", "timeZoneOffset": "+01:00"}`})
	if w.Code != http.StatusOK || len(got) != 1 || got[0].Lot != "L1" || got[0].NHRN != "4150123" || got[0].TZOffset != "+01:00" ||
		!got[0].Expiry.Equal(time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%d, events %+v", w.Code, got)
	}
	got = nil
	w = serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/commission", Body: `{"serials": ["A1"], "expiry": "281301"}`})
	if c, f := errorOf(t, w); w.Code != http.StatusBadRequest || c != pool.EINVALID || f != "expiry" || got != nil {
		t.Errorf("month 13: %d %s %s, events %+v", w.Code, c, f, got)
	}
}

func TestReleaseSerials(t *testing.T) {
	svc := &mock.Services{}
	svc.ReleaseSerialsFn = func(_ context.Context, product string, values []string) (int, error) {
		if product != code || !reflect.DeepEqual(values, []string{"A1"}) {
			t.Errorf("ReleaseSerials(%s, %v)", product, values)
		}
		return 1, nil
	}
	w := serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/release", Body: `{"serials": ["A1"]}`})
	if v := decode(t, w); w.Code != http.StatusOK || v["released"] != 1.0 {
		t.Errorf("got %d %v", w.Code, v)
	}
	if c, f := errorOf(t, serve(t, svc, call{Method: "POST", Path: "/api/v2/products/" + code + "/release", Body: `["A1"]`})); c != pool.EINVALID || f != "body" {
		t.Errorf("an array body: %s %s, want BAD_USER_INPUT on body", c, f)
	}
}

func TestIntakeProgress(t *testing.T) {
	svc := &mock.Services{}
	svc.IntakeProgressFn = func(_ context.Context, key string) (bool, int64, *pool.IntakeResult, error) {
		if key == "running" {
			return true, 500, nil, nil
		}
		return false, 1000, &pool.IntakeResult{BatchID: 4, Accepted: 1000}, nil
	}
	v := decode(t, serve(t, svc, call{Method: "GET", Path: "/api/v2/intake/running"}))
	if v["state"] != "RUNNING" || v["rowsRead"] != 500.0 || v["result"] != nil {
		t.Errorf("running: %v", v)
	}
	v = decode(t, serve(t, svc, call{Method: "GET", Path: "/api/v2/intake/done"}))
	if res, _ := v["result"].(map[string]any); v["state"] != "STORED" || res["batchId"] != graph.BatchID(4) || res["accepted"] != 1000.0 {
		t.Errorf("stored: %v", v)
	}
}

func TestPartnerExport(t *testing.T) {
	assigned := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	svc := &mock.Services{}
	svc.EachPartnerSerialFn = func(_ context.Context, partner int64, product string, fn func(pool.PartnerSerial) error) error {
		if partner != 5 || product != code {
			t.Errorf("EachPartnerSerial(%d, %q)", partner, product)
		}
		return fn(pool.PartnerSerial{ProductCode: code, Value: "=1", AssignedAt: &assigned, PartnerStatus: pool.Available, PackStatus: pool.PackUnknown})
	}
	path := "/api/v2/partners/" + graph.TenantID(5) + "/serials.csv?productCode=" + code
	w := serve(t, svc, call{Method: "GET", Path: path})
	want := "product_code,serial,assigned_at,partner_status,pack_status\n" + code + ",'=1,2026-02-01T00:00:00Z,AVAILABLE,UNKNOWN\n"
	if w.Body.String() != want {
		t.Errorf("CSV %q, want %q", w.Body, want)
	}
	w = serve(t, svc, call{Method: "GET", Path: path, Header: map[string]string{"Accept": "application/x-ndjson"}})
	if v := decode(t, w); v["serial"] != "=1" || v["assignedAt"] != "2026-02-01T00:00:00Z" || v["partnerStatus"] != "AVAILABLE" {
		t.Errorf("NDJSON %v", v)
	}
	if w := serve(t, svc, call{Method: "GET", Path: "/api/v2/partners/not-a-tenant/serials.csv"}); w.Code != http.StatusNotFound {
		t.Errorf("a malformed partner id: %d, want 404", w.Code)
	}
}

func TestAuditExportPagesAndFilters(t *testing.T) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	one := int64(1)
	svc := &mock.Services{}
	var filters []pool.AuditFilter
	svc.AuditLogFn = func(_ context.Context, f pool.AuditFilter) (*pool.AuditPage, error) {
		filters = append(filters, f)
		if f.BeforeID == 0 {
			return &pool.AuditPage{Entries: []*pool.AuditEntry{{ID: 20, At: from, Actor: "key:1", Action: "serials.request", Count: &one}}, HasNext: true}, nil
		}
		return &pool.AuditPage{Entries: []*pool.AuditEntry{{ID: 10, At: from, Actor: "cli", Action: "key.revoke", Detail: map[string]any{"key": 3.0},
			Signature: &pool.Signature{Name: "Ada Admin", Email: "ada@example.com", At: from, Meaning: pool.Approved, Reason: "left"}}}}, nil
	}
	w := serve(t, svc, call{Method: "GET", Path: "/api/v2/audit.csv?action=serials.request&productCode=" + code + "&from=2026-01-01T00:00:00Z"})
	want := "at,actor,action,product_code,count,detail,signed_by,signature_meaning,signature_reason,signed_at\n" +
		"2026-01-01T00:00:00Z,key:1,serials.request,,1,,,,,\n" +
		"2026-01-01T00:00:00Z,cli,key.revoke,,,\"{\"\"key\"\":3}\",Ada Admin <ada@example.com>,APPROVED,left,2026-01-01T00:00:00Z\n"
	if w.Body.String() != want {
		t.Errorf("CSV %q, want %q", w.Body, want)
	}
	if len(filters) != 2 || filters[0].Action != "serials.request" || filters[0].ProductCode != code || !filters[0].From.Equal(from) ||
		!filters[0].To.IsZero() || filters[0].Limit != pool.MaxPageSize || filters[1].BeforeID != 20 {
		t.Errorf("filters %+v: want the query's, then the next page before id 20", filters)
	}
	svc.AuditLogFn = nil // a bad time is refused before any read
	if c, f := errorOf(t, serve(t, svc, call{Method: "GET", Path: "/api/v2/audit.csv?to=yesterday"})); c != pool.EINVALID || f != "to" {
		t.Errorf("a bad time: %s %s, want BAD_USER_INPUT on to", c, f)
	}
}

func TestBrokenExportIsCutOff(t *testing.T) {
	svc := &mock.Services{}
	svc.EachPartnerSerialFn = func(_ context.Context, _ int64, _ string, fn func(pool.PartnerSerial) error) error {
		if err := fn(pool.PartnerSerial{Value: "A1"}); err != nil {
			return err
		}
		return errors.New("connection reset")
	}
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("a broken export ended with %v, want the connection cut (http.ErrAbortHandler)", r)
		}
	}()
	serve(t, svc, call{Method: "GET", Path: "/api/v2/partners/" + graph.TenantID(5) + "/serials.csv"})
}

func TestUnknownRoutesAnswerJSON(t *testing.T) {
	svc := &mock.Services{}
	w := serve(t, svc, call{Method: "GET", Path: "/api/v2/products/" + code + "/release"})
	if c, _ := errorOf(t, w); w.Code != http.StatusMethodNotAllowed || c != pool.EINVALID || w.Header().Get("Allow") != "POST" {
		t.Errorf("a wrong method: %d %s Allow=%q, want 405 with Allow: POST", w.Code, c, w.Header().Get("Allow"))
	}
	w = serve(t, svc, call{Method: "GET", Path: "/api/v1/products"})
	if c, _ := errorOf(t, w); w.Code != http.StatusNotFound || c != pool.ENOTFOUND {
		t.Errorf("an unknown route: %d %s, want 404 NOT_FOUND", w.Code, c)
	}
}
