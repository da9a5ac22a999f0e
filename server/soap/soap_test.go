package soap

import (
	"context"
	"errors"
	"testing"

	"github.com/serialpool/serialpool/pool"
)

func TestNumericRange(t *testing.T) {
	h := func(values ...string) []handed {
		out := make([]handed, len(values))
		for i, v := range values {
			out[i] = handed{value: v}
		}
		return out
	}
	for _, tc := range []struct {
		serials  []handed
		from, to string
		ok       bool
	}{
		{h("0009", "0010", "0011"), "0009", "0011", true},
		{h("0009"), "", "", false},                                                    // one serial is a list of one
		{h("0009", "0011"), "", "", false},                                            // a gap
		{h("0011", "0010"), "", "", false},                                            // out of order
		{h("009", "0010"), "", "", false},                                             // lengths differ
		{h("A1", "A2"), "", "", false},                                                // not numeric
		{[]handed{{"1", nil}, {"2", map[string]string{"91": "K001"}}}, "", "", false}, // crypto data needs the list
	} {
		from, to, ok := numericRange(tc.serials)
		if from != tc.from || to != tc.to || ok != tc.ok {
			t.Errorf("%v: %q %q %v, want %q %q %v", tc.serials, from, to, ok, tc.from, tc.to, tc.ok)
		}
	}
}

func TestObjectKey(t *testing.T) {
	pools := func(prefix string) (string, error) {
		if prefix == "4012345" {
			return "34012345", nil
		}
		return "", pool.Errorf(pool.ENOTFOUND, "no pool")
	}
	for _, tc := range []struct {
		key      objectKey
		encoding string
		code     string
		err      string
	}{
		{objectKey{"GTIN", "4012340051006"}, "SGTIN", "04012340051006", ""},
		{objectKey{"NTIN", " 04150123456782 "}, "", "04150123456782", ""},
		{objectKey{"COMPANY_PREFIX", "4012345"}, "SSCC", "34012345", ""},
		{objectKey{"COMPANY_PREFIX", "4099999"}, "SSCC", "", pool.ENOTFOUND},
		{objectKey{"GTIN", "4012340051007"}, "SGTIN", "", pool.EINVALID}, // check digit
		{objectKey{"GTIN", "4012340051006"}, "SSCC", "", pool.EINVALID},
		{objectKey{"CN_RESCODE", "x"}, "CN_EDMC", "", pool.EINVALID},
	} {
		code, err := tc.key.productCode(tc.encoding, pools)
		if code != tc.code || (tc.err == "" && err != nil) || (tc.err != "" && pool.ErrorCode(err) != tc.err) {
			t.Errorf("%+v %s: %q %v, want %q %s", tc.key, tc.encoding, code, err, tc.code, tc.err)
		}
	}
}

// fake is the pool as far as the SOAP endpoints use it.
type fake struct {
	requests []pool.Request
	serials  []string
	err      error
}

func (f *fake) RequestSerials(_ context.Context, r pool.Request) (*pool.SerialRequest, error) {
	f.requests = append(f.requests, r)
	return &pool.SerialRequest{ID: 7, Count: len(f.serials)}, f.err
}

func (f *fake) EachRequestSerial(_ context.Context, id int64, fn func(string, map[string]string) error) error {
	if id != 7 {
		return errors.New("wrong request")
	}
	for _, s := range f.serials {
		if err := fn(s, nil); err != nil {
			return err
		}
	}
	return nil
}

func (f *fake) SSCCPools(context.Context) ([]*pool.Product, error) { return nil, nil }

// TestRequestsAsEveryTransport: the TraceLink request becomes the pool's one
// Request (product, count, order reference from the documents, ReferenceId as
// the idempotency key) and what it names unsupported is refused before it.
func TestRequestsAsEveryTransport(t *testing.T) {
	size := 3
	in := snRequest{Size: &size, SyncRequest: "true", IDType: "GS1_SER", EncodingType: "SGTIN",
		ObjectKey:          objectKey{"GTIN", "4012340051006"},
		ReferenceDocuments: &referenceDocuments{PONumber: "4711", POLine: "10", WorkOrderNumber: "W1", ReferenceID: "R-1"}}
	req, err := in.request(nil)
	want := pool.Request{ProductCode: "04012340051006", Count: 3, OrderRef: "PO 4711 line 10 WO W1", IdempotencyKey: "R-1"}
	if err != nil || req != want {
		t.Errorf("request: %+v %v, want %+v", req, err, want)
	}
	for field, edit := range map[string]func(r *snRequest){
		"Size":        func(r *snRequest) { r.Size = nil },
		"SyncRequest": func(r *snRequest) { r.SyncRequest = "false" },
		"IdType":      func(r *snRequest) { r.IDType = "CN_SER" },
	} {
		r := in
		edit(&r)
		if _, err := r.request(nil); pool.ErrorCode(err) != pool.EINVALID || !errorNames(err, field) {
			t.Errorf("without %s: %v", field, err)
		}
	}
	f := &fake{serials: []string{"S1", "S2", "S3"}}
	got, err := handOut(context.Background(), f, want)
	if err != nil || len(got) != 3 || got[2].value != "S3" || len(f.requests) != 1 || f.requests[0] != want {
		t.Errorf("handOut: %+v %v; requests %+v", got, err, f.requests)
	}
}

func errorNames(err error, field string) bool {
	var pe *pool.Error
	return errors.As(err, &pe) && pe.Field == field
}
