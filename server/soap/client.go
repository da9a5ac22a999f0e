package soap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/serialpool/serialpool/pool"
	"github.com/serialpool/serialpool/server/httpx"
)

// The other direction: serialpool as a client of a TraceLink- or SAP-speaking
// source, asking it for serials to refill a pool. What comes back is only
// read here; it enters the pool through the one intake path like any push.

// Ask is one request for serials to an upstream system.
type Ask struct {
	URL             string
	Credentials     pool.UpstreamCredentials
	SendingSystem   string // who asks (often a GLN), as the upstream knows it
	ReceivingSystem string // the upstream, as it knows itself
	ProductCode     string // the GTIN-14, or an SSCC pool's code (extension digit + company prefix)
	SSCC            bool
	Count           int
	RequestID       string // sent as the reference id: the upstream answers a retry with the same serials
}

// objectKey names what is asked of in both protocols: a product by its GTIN,
// an SSCC pool by its company prefix.
func (a Ask) objectKey() (objectKey, string) {
	if a.SSCC {
		return objectKey{"COMPANY_PREFIX", a.ProductCode[1:]}, "SSCC"
	}
	return objectKey{"GTIN", a.ProductCode}, "SGTIN"
}

// maxAnswerBytes bounds what an upstream may answer for count serials.
func maxAnswerBytes(count int) int64 { return int64(count)*256 + 64<<10 }

// AskTraceLink sends a TraceLink SNX serialNumbersRequest and returns the
// serials of its answer: a RandomizedNumberList (serials bare or as GS1
// element strings, crypto data in cryptoKey/cryptoCode) or an Interval.
// An RfidException, a SOAP fault or any other failure is an error.
func AskTraceLink(ctx context.Context, client *http.Client, a Ask) ([]pool.SerialInput, error) {
	key, encoding := a.objectKey()
	size := a.Count
	body := struct {
		XMLName xml.Name `xml:"tl:serialNumbersRequest"`
		NS      string   `xml:"xmlns:tl,attr"`
		snRequest
	}{NS: traceLinkNS, snRequest: snRequest{SendingSystem: a.SendingSystem, ReceivingSystem: a.ReceivingSystem, IDType: "GS1_SER",
		EncodingType: encoding, Size: &size, ObjectKey: key, RequestRandomizedNumber: "true",
		ReferenceDocuments: &referenceDocuments{NS: snxNS, ReferenceID: a.RequestID}, SyncRequest: "true"}}
	var answer struct {
		SNResponse *snResponse `xml:"SNResponse"`
	}
	if err := call(ctx, client, a, body, "serialNumbersRequestResponse", &answer); err != nil {
		return nil, err
	}
	r := answer.SNResponse
	switch {
	case r == nil:
		return nil, errors.New("upstream answered without an SNResponse")
	case r.RfidException != nil:
		return nil, fmt.Errorf("upstream refused: %s: %s", r.RfidException.ErrorCode, r.RfidException.ErrorMessage)
	case r.Interval != nil:
		return expand(*r.Interval, a.Count)
	}
	out := make([]pool.SerialInput, 0, len(r.RandomizedNumberList))
	for _, s := range r.RandomizedNumberList {
		in := pool.SerialInput{Value: bareSerial(strings.TrimSpace(s.Value), a.ProductCode, a.SSCC)}
		if s.CryptoKey != "" || s.CryptoCode != "" {
			in.Extra = map[string]string{"91": s.CryptoKey, "92": s.CryptoCode}
		}
		out = append(out, in)
	}
	return out, counted(out, a.Count)
}

// AskSAP sends an SAP AII NumberRangeRequestMessage for random serials and
// returns those of the confirmation; ActionCode F is an error.
func AskSAP(ctx context.Context, client *http.Client, a Ask) ([]pool.SerialInput, error) {
	key, encoding := a.objectKey()
	size := a.Count
	body := struct {
		XMLName xml.Name `xml:"ain:NumberRangeRequestMessage"`
		NS      string   `xml:"xmlns:ain,attr"`
		numberRangeRequest
	}{NS: sapNS, numberRangeRequest: numberRangeRequest{SendingSystem: a.SendingSystem, IDType: "GS1_SER", EncodingType: encoding,
		Size: &size, ObjectKey: key, RequestRandomizedNumbers: "X"}}
	var r numberRangeConfirmation
	if err := call(ctx, client, a, body, "MT_NumberRangeConfirmationMessage", &r); err != nil {
		return nil, err
	}
	switch {
	case r.ActionCode != "C":
		return nil, fmt.Errorf("upstream answered ActionCode %q: %s %s", r.ActionCode, r.ErrorCode, r.ErrorMessage)
	case r.Interval != nil:
		return expand(*r.Interval, a.Count)
	}
	out := make([]pool.SerialInput, len(r.RandomizedNumberList))
	for i, s := range r.RandomizedNumberList {
		out[i] = pool.SerialInput{Value: bareSerial(strings.TrimSpace(s), a.ProductCode, a.SSCC)}
	}
	return out, counted(out, a.Count)
}

// call posts body in a SOAP envelope and decodes the answer's body element
// named answer into v.
func call(ctx context.Context, client *http.Client, a Ask, body any, answer string, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	env := struct {
		XMLName xml.Name              `xml:"soapenv:Envelope"`
		NS      string                `xml:"xmlns:soapenv,attr"`
		Body    struct{ Content any } `xml:"soapenv:Body"`
	}{NS: envelopeNS, Body: struct{ Content any }{body}}
	if err := xml.NewEncoder(&buf).Encode(env); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL, &buf)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `""`)
	httpx.Authorize(req, a.Credentials)
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("upstream: %w", err)
	}
	defer res.Body.Close()
	limited := io.LimitReader(res.Body, maxAnswerBytes(a.Count))
	if res.StatusCode != http.StatusOK {
		var f struct {
			Body struct {
				Fault *struct {
					Code   string `xml:"faultcode"`
					String string `xml:"faultstring"`
				} `xml:"Fault"`
			} `xml:"Body"`
		}
		if xml.NewDecoder(limited).Decode(&f) == nil && f.Body.Fault != nil {
			return fmt.Errorf("upstream answered %s with a SOAP fault: %s: %s", res.Status, f.Body.Fault.Code, f.Body.Fault.String)
		}
		return fmt.Errorf("upstream answered %s", res.Status)
	}
	if err := decodeEnvelope(limited, answer, v); err != nil {
		return fmt.Errorf("upstream: %w", err)
	}
	return nil
}

// expand turns an Interval into its serials: numbers of one length, from to
// to inclusive, exactly count of them.
func expand(iv interval, count int) ([]pool.SerialInput, error) {
	from, to := strings.TrimSpace(iv.NumberFrom), strings.TrimSpace(iv.NumberTo)
	a, errA := parseDigits(from)
	b, errB := parseDigits(to)
	if errA != nil || errB != nil || len(from) != len(to) || b < a {
		return nil, fmt.Errorf("upstream answered an Interval that is no range of numbers: %q to %q", from, to)
	}
	if b-a+1 != uint64(count) {
		return nil, fmt.Errorf("upstream answered %d serials (%s to %s), asked for %d", b-a+1, from, to, count)
	}
	out := make([]pool.SerialInput, 0, count)
	for n := a; n <= b; n++ {
		out = append(out, pool.SerialInput{Value: fmt.Sprintf("%0*d", len(from), n)})
	}
	return out, nil
}

// bareSerial strips a GS1 element string (01 + GTIN-14 + 21 + serial, as
// TraceLink may send it) of this product down to its serial; anything else is
// taken as it is, and the intake's validation judges it.
func bareSerial(s, productCode string, sscc bool) string {
	if sscc {
		return strings.TrimPrefix(s, "00")
	}
	if rest, ok := strings.CutPrefix(s, "01"+productCode+"21"); ok && rest != "" {
		return rest
	}
	return s
}

func counted(serials []pool.SerialInput, count int) error {
	if len(serials) != count {
		return fmt.Errorf("upstream answered %d serials, asked for %d", len(serials), count)
	}
	return nil
}
