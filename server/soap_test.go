package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// soapCalls runs serialNumbersRequest calls through the npm soap client, which
// knows our endpoint only from its WSDL, and returns one answer per call.
func soapCalls(t *testing.T, url, user, key string, calls ...map[string]any) []soapAnswer {
	t.Helper()
	var answers []soapAnswer
	soapClient(t, url, "serialNumbersRequest", user, key, calls, &answers)
	return answers
}

// soapClient runs calls of operation through the npm soap client into answers.
func soapClient(t *testing.T, url, operation, user, key string, calls []map[string]any, answers any) {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"url": url, "operation": operation, "user": user, "key": key, "calls": calls})
	cmd := exec.Command("node", "testdata/soap-client.mjs")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("soap client: %v: %s", err, stderr.String())
	}
	var n []json.RawMessage
	if err := json.Unmarshal(out, &n); err != nil || len(n) != len(calls) || json.Unmarshal(out, answers) != nil {
		t.Fatalf("soap client printed %s: %v", out, err)
	}
}

// soapAnswer is what the soap client makes of an SNResponse (attributes under
// "attributes", text under "$value"), or the HTTP fault it got.
type soapAnswer struct {
	Result *struct {
		SNResponse struct {
			ActionCode, IDType, EncodingType, SendingSystem, ReceivingSystem string
			Interval                                                         *struct{ NumberFrom, NumberTo string }
			RandomizedNumberList                                             *struct {
				SerialNo json.RawMessage
			}
			ReferenceDocuments *struct{ PONumber, ReferenceId string }
			RfidException      *struct{ ErrorCode, ErrorMessage string }
		}
	}
	Fault *struct {
		Status int
		Body   string
	}
}

type soapSerial struct {
	Value      string
	CryptoKey  string
	CryptoCode string
}

// serials reads the RandomizedNumberList, one SerialNo or many, bare or with attributes.
func (a soapAnswer) serials(t *testing.T) []soapSerial {
	t.Helper()
	if a.Result == nil || a.Result.SNResponse.RandomizedNumberList == nil {
		t.Fatalf("no RandomizedNumberList in %+v", a)
	}
	raw := a.Result.SNResponse.RandomizedNumberList.SerialNo
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		items = []json.RawMessage{raw}
	}
	var out []soapSerial
	for _, it := range items {
		var bare string
		if json.Unmarshal(it, &bare) == nil {
			out = append(out, soapSerial{Value: bare})
			continue
		}
		var attrs struct {
			Value      string `json:"$value"`
			Attributes struct{ CryptoKey, CryptoCode string }
		}
		if err := json.Unmarshal(it, &attrs); err != nil {
			t.Fatalf("SerialNo %s: %v", it, err)
		}
		out = append(out, soapSerial{attrs.Value, attrs.Attributes.CryptoKey, attrs.Attributes.CryptoCode})
	}
	return out
}

func (a soapAnswer) refusal() string {
	if a.Result == nil || a.Result.SNResponse.RfidException == nil {
		return ""
	}
	return a.Result.SNResponse.RfidException.ErrorCode
}

func snRequest(objectKey, value, encoding string, size int, refs map[string]any) map[string]any {
	req := map[string]any{"SendingSystem": "LINE-3", "ReceivingSystem": "SERIALPOOL", "IdType": "GS1_SER", "EncodingType": encoding,
		"Size": size, "ObjectKey": map[string]any{"Name": objectKey, "Value": value}, "SyncRequest": true}
	if refs != nil {
		req["ReferenceDocuments"] = refs
	}
	return req
}

// TestTraceLinkSOAP points a TraceLink-configured client (the npm soap client,
// from our WSDL) at serialpool: it gets Assigned serials of a product, with
// the crypto tail where a TraceLink product has it, of an SSCC pool, and as an
// Interval from a sequential pool; a retry under the same ReferenceId gets the
// same serials; refusals come as RfidException with our codes, nothing
// assigned; another tenant's GTIN answers as an unknown one.
func TestTraceLinkSOAP(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	url := d.url + "/soap/snx/snrequest"
	assigned := func() (n int) {
		d.sql(t, `SELECT count(*) FROM serials WHERE status = 'ASSIGNED'`).Scan(&n)
		return n
	}

	before := assigned()
	po := map[string]any{"PONumber": "4711", "POLine": "10", "ReferenceId": "LINE-3-REQ-1"}
	answers := soapCalls(t, url, "LINE-3", d.keys.MAHOperator,
		snRequest("GTIN", amoxicillin[1:], "SGTIN", 5, po), // a GTIN-13 is normalised
		snRequest("GTIN", amoxicillin, "SGTIN", 5, po),     // the retry
		snRequest("GTIN", tlProduct, "SGTIN", 3, nil))
	first, retry := answers[0].serials(t), answers[1].serials(t)
	if answers[0].Result.SNResponse.ActionCode != "C" || len(first) != 5 {
		t.Fatalf("first request: %+v", answers[0])
	}
	r := answers[0].Result.SNResponse
	if r.ReceivingSystem != "LINE-3" || r.SendingSystem != "SERIALPOOL" || r.ReferenceDocuments == nil || r.ReferenceDocuments.PONumber != "4711" {
		t.Errorf("the answer does not mirror the request: %+v", r)
	}
	for i := range first {
		if first[i] != retry[i] {
			t.Fatalf("a retry under the same ReferenceId got other serials: %v then %v", first, retry)
		}
		var status, orderRef, actor string
		d.sql(t, `SELECT s.status, r.order_ref, r.actor FROM serials s JOIN serial_requests r ON r.id = s.request_id
			WHERE s.value = $1 AND s.product_id = (SELECT id FROM products WHERE code = $2)`, first[i].Value, amoxicillin).Scan(&status, &orderRef, &actor)
		if status != "ASSIGNED" || orderRef != "PO 4711 line 10" || !strings.Contains(actor, "(LINE-3)") {
			t.Errorf("serial %s: %s, order %q, by %q", first[i].Value, status, orderRef, actor)
		}
	}
	crypto := answers[2].serials(t)
	for _, s := range crypto {
		if len(s.CryptoKey) != 4 || len(s.CryptoCode) != 44 {
			t.Errorf("TraceLink serial without its crypto tail: %+v", s)
		}
	}
	if n := assigned() - before; n != 8 {
		t.Errorf("%d serials were assigned, want 8 (5 once, and 3)", n)
	}

	// An SSCC pool by its company prefix, and a sequential pool as an Interval.
	var sscc struct{ CreateSsccPool struct{ Code string } }
	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012399", extensionDigit: 1}) { code } }`, nil).ok(t, &sscc)
	seq := withCheckDigit("0401234599901")
	d.gql(t, d.keys.MAHAdmin, `mutation($c: String!) { createProduct(input: {code: $c, codeSchema: GTIN, name: "Sequential", source: SNM}) { code } }`,
		map[string]any{"c": seq}).ok(t, new(any))
	for _, code := range []string{sscc.CreateSsccPool.Code, seq} {
		d.gql(t, d.keys.MAHOperator, `mutation($c: String!) { generateSerials(input: {productCode: $c, count: 20, mode: SEQUENTIAL}) { accepted } }`,
			map[string]any{"c": code}).ok(t, new(any))
	}
	answers = soapCalls(t, url, "LINE-3", d.keys.MAHOperator,
		snRequest("COMPANY_PREFIX", "4012399", "SSCC", 3, map[string]any{"WorkOrderNumber": "WO-9"}),
		snRequest("GTIN", seq, "SGTIN", 5, nil))
	ssccs := answers[0].serials(t)
	if len(ssccs) != 3 || len(ssccs[0].Value) != 18 || ssccs[0].Value[:8] != "14012399" {
		t.Errorf("SSCCs: %+v", ssccs)
	}
	if iv := answers[1].Result.SNResponse.Interval; iv == nil || iv.NumberFrom == "" || iv.NumberFrom == iv.NumberTo {
		t.Errorf("a sequential pool's run of serials: %+v, want an Interval", answers[1].Result.SNResponse)
	}

	// Refusals assign nothing; another tenant's product is an unknown one.
	before = assigned()
	answers = soapCalls(t, url, "LINE-3", d.keys.MAHOperator,
		snRequest("GTIN", withCheckDigit("0409999999999"), "SGTIN", 1, nil),
		snRequest("GTIN", amoxicillin, "SGTIN", 10_000_000, nil),
		snRequest("GTIN", "12345", "SGTIN", 1, nil),
		snRequest("COMPANY_PREFIX", "4012399", "SGTIN", 1, nil))
	for i, want := range []string{"NOT_FOUND", "BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT"} {
		if got := answers[i].refusal(); got != want {
			t.Errorf("refusal %d: %q (%+v), want %s", i, got, answers[i], want)
		}
	}
	var mahOnly string
	d.sql(t, `SELECT code FROM products p WHERE code_schema = 'GTIN' AND NOT EXISTS (
		SELECT FROM serials s WHERE s.product_id = p.id AND s.partner_tenant_id IS NOT NULL) ORDER BY code LIMIT 1`).Scan(&mahOnly)
	stranger := soapCalls(t, url, "CMO-LINE", d.keys.CMOAdmin,
		snRequest("GTIN", mahOnly, "SGTIN", 1, nil), snRequest("GTIN", withCheckDigit("0409999999999"), "SGTIN", 1, nil))
	if a, b := stranger[0].Result.SNResponse.RfidException, stranger[1].Result.SNResponse.RfidException; a == nil || b == nil ||
		a.ErrorCode != "NOT_FOUND" || strings.ReplaceAll(a.ErrorMessage, mahOnly, "X") != strings.ReplaceAll(b.ErrorMessage, withCheckDigit("0409999999999"), "X") {
		t.Errorf("another tenant's GTIN: %+v; an unknown one: %+v", a, b)
	}
	if viewer := soapCalls(t, url, "LINE-3", d.keys.MAHViewer, snRequest("GTIN", amoxicillin, "SGTIN", 1, nil)); viewer[0].refusal() != "FORBIDDEN" {
		t.Errorf("a viewer key: %+v", viewer[0])
	}
	if wrong := soapCalls(t, url, "LINE-3", "sp_wrong", snRequest("GTIN", amoxicillin, "SGTIN", 1, nil)); wrong[0].Fault == nil || wrong[0].Fault.Status != 401 {
		t.Errorf("a wrong key: %+v, want HTTP 401 with a fault", wrong[0])
	}
	if n := assigned() - before; n != 0 {
		t.Errorf("refused requests assigned %d serials", n)
	}
}

// TestTraceLinkSOAPBadInput: what is not a SOAP request gets a SOAP fault with
// a code, XML is read safely, and the service describes itself with its own
// address.
func TestTraceLinkSOAPBadInput(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	url := d.url + "/soap/snx/snrequest"
	post := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.SetBasicAuth("LINE-3", d.keys.MAHOperator)
		req.Header.Set("Content-Type", "text/xml")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	const env = `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tl="urn:tracelink:soap"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>`
	for name, body := range map[string]string{
		"not XML":         "serials please",
		"cut off":         `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><tl:serialNumbersRequest>`,
		"SOAP 1.2":        `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><serialNumbersRequest/></e:Body></e:Envelope>`,
		"empty body":      strings.Replace(env, "%s", "", 1),
		"external entity": `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + strings.Replace(env, "%s", `<tl:serialNumbersRequest><Size>&e;</Size></tl:serialNumbersRequest>`, 1),
		"too large":       strings.Replace(env, "%s", `<tl:serialNumbersRequest><SendingSystem>`+strings.Repeat("x", 70<<10)+`</SendingSystem></tl:serialNumbersRequest>`, 1),
		"another element": strings.Replace(env, "%s", `<tl:other><Size>1</Size></tl:other>`, 1),
		"deeply nested":   strings.Replace(env, "%s", strings.Repeat("<a>", 12000)+strings.Repeat("</a>", 12000), 1),
	} {
		status, body := post(body)
		if status < 400 || status >= 500 || !strings.Contains(body, "<faultcode>soapenv:Client</faultcode>") || !strings.Contains(body, "<code>BAD_USER_INPUT</code>") {
			t.Errorf("%s: %d %.300s; want a 4xx client fault with code BAD_USER_INPUT", name, status, body)
		}
	}
	res, err := http.Get(url + "?wsdl")
	if err != nil {
		t.Fatal(err)
	}
	wsdl, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(wsdl), `location="`+url+`"`) || !strings.Contains(string(wsdl), url+"?xsd=1") {
		t.Errorf("the WSDL does not name this endpoint: %.500s", wsdl)
	}
	for _, q := range []string{"?xsd=1", "?xsd=2"} {
		res, err := http.Get(url + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(b), "<xs:schema") {
			t.Errorf("%s: %d %.200s", q, res.StatusCode, b)
		}
	}
}

// TestSAPNumberRangeSOAP: a line system sends SAP's NumberRangeRequestMessage
// (through the npm soap client, from our WSDL) and gets Assigned serials: a
// random list, a sequential range as an Interval, SSCCs by company prefix;
// refusals answer ActionCode F with our code, nothing assigned.
func TestSAPNumberRangeSOAP(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	url := d.url + "/soap/sap/numberrange"
	type confirmation struct {
		Result *struct {
			ActionCode, ErrorCode, ErrorMessage, ReceivingSystem string
			Interval                                             *struct{ NumberFrom, NumberTo string }
			RandomizedNumberList                                 *struct{ SerialNumber json.RawMessage }
		}
		Fault *struct{ Status int }
	}
	request := func(name, value, encoding string, size int, random bool) map[string]any {
		r := map[string]any{"SendingSystem": "SYSTECH-L4", "IDType": "GS1_SER", "EncodingType": encoding, "Size": size,
			"ObjectKey": map[string]any{"Name": name, "Value": value}}
		if random {
			r["RequestRandomizedNumbers"] = "X"
		}
		return r
	}
	seq := withCheckDigit("0401234599902")
	d.gql(t, d.keys.MAHAdmin, `mutation($c: String!) { createProduct(input: {code: $c, codeSchema: GTIN, name: "Sequential", source: SNM}) { code } }`,
		map[string]any{"c": seq}).ok(t, new(any))
	var sscc struct{ CreateSsccPool struct{ Code string } }
	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012398", extensionDigit: 2}) { code } }`, nil).ok(t, &sscc)
	for _, code := range []string{seq, sscc.CreateSsccPool.Code} {
		d.gql(t, d.keys.MAHOperator, `mutation($c: String!) { generateSerials(input: {productCode: $c, count: 20, mode: SEQUENTIAL}) { accepted } }`,
			map[string]any{"c": code}).ok(t, new(any))
	}
	var assigned0 int
	d.sql(t, `SELECT count(*) FROM serials WHERE status = 'ASSIGNED'`).Scan(&assigned0)
	var got []confirmation
	soapClient(t, url, "NumberRangeRequest", "SYSTECH-L4", d.keys.MAHOperator, []map[string]any{
		request("GTIN", amoxicillin, "SGTIN", 4, true),
		request("GTIN", seq, "SGTIN", 5, false),
		request("COMPANY_PREFIX", "4012398", "SSCC", 2, true),
		request("GTIN", withCheckDigit("0409999999999"), "SGTIN", 1, true),
		request("GTIN", amoxicillin, "SGTIN", 10_000_000, true),
	}, &got)
	var list []string
	if r := got[0].Result; r == nil || r.ActionCode != "C" || r.RandomizedNumberList == nil || json.Unmarshal(r.RandomizedNumberList.SerialNumber, &list) != nil || len(list) != 4 {
		t.Fatalf("random request: %+v", got[0])
	}
	var orderRef string
	d.sql(t, `SELECT r.order_ref FROM serials s JOIN serial_requests r ON r.id = s.request_id
		WHERE s.value = $1 AND s.status = 'ASSIGNED' AND s.product_id = (SELECT id FROM products WHERE code = $2)`, list[0], amoxicillin).Scan(&orderRef)
	if orderRef != "SAP number range request of SYSTECH-L4" {
		t.Errorf("serial %s: order %q", list[0], orderRef)
	}
	if r := got[1].Result; r == nil || r.ActionCode != "C" || r.Interval == nil || r.Interval.NumberFrom == r.Interval.NumberTo {
		t.Errorf("sequential request: %+v, want an Interval", got[1].Result)
	}
	if r := got[2].Result; r == nil || r.ActionCode != "C" || r.RandomizedNumberList == nil || !strings.Contains(string(r.RandomizedNumberList.SerialNumber), `"24012398`) {
		t.Errorf("SSCC request: %+v", got[2].Result)
	}
	for i, want := range map[int]string{3: "NOT_FOUND", 4: "BAD_USER_INPUT"} {
		if r := got[i].Result; r == nil || r.ActionCode != "F" || r.ErrorCode != want || r.ErrorMessage == "" {
			t.Errorf("request %d: %+v, want ActionCode F with %s", i, got[i].Result, want)
		}
	}
	var assigned int
	d.sql(t, `SELECT count(*) FROM serials WHERE status = 'ASSIGNED'`).Scan(&assigned)
	if assigned-assigned0 != 11 {
		t.Errorf("%d serials assigned, want 11 (4 + 5 + 2; the refused none)", assigned-assigned0)
	}
	var viewer []confirmation
	soapClient(t, url, "NumberRangeRequest", "SYSTECH-L4", d.keys.MAHViewer, []map[string]any{request("GTIN", amoxicillin, "SGTIN", 1, true)}, &viewer)
	if r := viewer[0].Result; r == nil || r.ActionCode != "F" || r.ErrorCode != "FORBIDDEN" {
		t.Errorf("a viewer key: %+v", viewer[0])
	}
	// Another tenant's GTIN answers as an unknown one.
	var mahOnly string
	d.sql(t, `SELECT code FROM products p WHERE code_schema = 'GTIN' AND NOT EXISTS (
		SELECT FROM serials s WHERE s.product_id = p.id AND s.partner_tenant_id IS NOT NULL) ORDER BY code LIMIT 1`).Scan(&mahOnly)
	unknown := withCheckDigit("0409999999999")
	var stranger []confirmation
	soapClient(t, url, "NumberRangeRequest", "CMO-L4", d.keys.CMOAdmin, []map[string]any{request("GTIN", mahOnly, "SGTIN", 1, true),
		request("GTIN", unknown, "SGTIN", 1, true)}, &stranger)
	if a, b := stranger[0].Result, stranger[1].Result; a == nil || b == nil || a.ErrorCode != "NOT_FOUND" ||
		strings.ReplaceAll(a.ErrorMessage, mahOnly, "X") != strings.ReplaceAll(b.ErrorMessage, unknown, "X") {
		t.Errorf("another tenant's GTIN: %+v; an unknown one: %+v", a, b)
	}
}
