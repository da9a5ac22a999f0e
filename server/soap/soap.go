// Package soap serves the SOAP interfaces that packaging lines and level-4
// systems already speak: TraceLink SNX's serial number request and SAP AII /
// ATTP's number range request. Both are thin transports over the same
// pool.Request that GraphQL's requestSerials and the REST API use: the serials
// handed out are Assigned and audited exactly as there.
//
// XML is read with encoding/xml, which resolves no external entities and no
// DTDs and bounds nesting depth; bodies are capped at MaxBodyBytes.
package soap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// MaxBodyBytes bounds a SOAP request: a request for serials is a few hundred bytes.
const MaxBodyBytes = 64 << 10

// Services is what the SOAP endpoints need of the pool.
type Services interface {
	RequestSerials(ctx context.Context, r pool.Request) (*pool.SerialRequest, error)
	EachRequestSerial(ctx context.Context, requestID int64, fn func(value string, extra map[string]string) error) error
	SSCCPools(ctx context.Context) ([]*pool.Product, error)
}

// Authenticate resolves an API key to the context of its actor (the server's
// one admission check: rate limits, failed-authentication limits).
type Authenticate func(ctx context.Context, key string) (context.Context, error)

const envelopeNS = "http://schemas.xmlsoap.org/soap/envelope/"

// envelope is a SOAP 1.1 envelope; its body holds one request element.
type envelope struct {
	XMLName xml.Name
	Body    struct {
		Content []byte `xml:",innerxml"`
	} `xml:"Body"`
}

// readEnvelope decodes a SOAP 1.1 request whose body element is named name
// (in any namespace: lines differ in how they qualify it).
func readEnvelope[T any](r io.Reader, name string) (*T, error) {
	var v T
	if err := decodeEnvelope(r, name, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// decodeEnvelope decodes the body element named name of a SOAP 1.1 envelope into v.
func decodeEnvelope(r io.Reader, name string, v any) error {
	var env envelope
	if err := xml.NewDecoder(r).Decode(&env); err != nil {
		return fmt.Errorf("the body is not a SOAP envelope: %w", err)
	}
	if env.XMLName.Space != envelopeNS || env.XMLName.Local != "Envelope" {
		return fmt.Errorf("expected a SOAP 1.1 Envelope (%s), got %s %s", envelopeNS, env.XMLName.Space, env.XMLName.Local)
	}
	body := xml.NewDecoder(bytes.NewReader(env.Body.Content))
	for {
		tok, err := body.Token()
		if err != nil {
			return fmt.Errorf("the SOAP body holds no %s", name)
		}
		if start, ok := tok.(xml.StartElement); ok {
			if start.Name.Local != name {
				return fmt.Errorf("the SOAP body holds %s, not %s", start.Name.Local, name)
			}
			if err := body.DecodeElement(v, &start); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		}
	}
}

// writeEnvelope answers a SOAP 1.1 envelope around body.
func writeEnvelope(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", `text/xml; charset=utf-8`)
	w.WriteHeader(status)
	io.WriteString(w, xml.Header)
	enc := xml.NewEncoder(w)
	enc.Encode(struct {
		XMLName xml.Name `xml:"soapenv:Envelope"`
		NS      string   `xml:"xmlns:soapenv,attr"`
		Body    struct {
			Content any
		} `xml:"soapenv:Body"`
	}{NS: envelopeNS, Body: struct{ Content any }{body}})
	io.WriteString(w, "\n")
}

// fault is a SOAP 1.1 fault: for what is not a request at all (malformed XML,
// a wrong envelope, no credentials), where no SNResponse can be answered.
type fault struct {
	XMLName xml.Name `xml:"soapenv:Fault"`
	Code    string   `xml:"faultcode"`
	String  string   `xml:"faultstring"`
	Detail  *struct {
		Code string `xml:"code"`
	} `xml:"detail,omitempty"`
}

func writeFault(w http.ResponseWriter, status int, client bool, code, message string) {
	f := fault{Code: "soapenv:Server", String: message, Detail: &struct {
		Code string `xml:"code"`
	}{code}}
	if client {
		f.Code = "soapenv:Client"
	}
	writeEnvelope(w, status, f)
}

// caller admits a request by HTTP Basic credentials: the password is an API
// key, the user name (a line's or a system's name) is recorded in the audit.
// It answers 401 with a fault and returns false when the caller is not admitted.
func caller(w http.ResponseWriter, r *http.Request, auth Authenticate, log *slog.Logger) (context.Context, bool) {
	user, key, ok := r.BasicAuth()
	if !ok || key == "" {
		w.Header().Set("WWW-Authenticate", `Basic realm="serialpool"`)
		writeFault(w, http.StatusUnauthorized, true, pool.EUNAUTHENTICATED, "send HTTP Basic credentials: any user name, an API key as the password")
		return nil, false
	}
	ctx, err := auth(r.Context(), key)
	if err != nil {
		status := http.StatusUnauthorized
		switch pool.ErrorCode(err) {
		case pool.ERATELIMITED:
			status = http.StatusTooManyRequests
			w.Header().Set("Retry-After", "1")
		case pool.EUNAVAILABLE:
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "1")
		case pool.EUNAUTHENTICATED:
			w.Header().Set("WWW-Authenticate", `Basic realm="serialpool"`)
		default:
			status = http.StatusInternalServerError
			log.ErrorContext(r.Context(), "soap: authenticate", "err", err)
		}
		writeFault(w, status, status < 500, pool.ErrorCode(err), pool.ErrorMessage(err))
		return nil, false
	}
	return pool.WithClient(ctx, strings.TrimSpace(user)), true
}

// readRequest reads a POSTed envelope, answering a fault for anything else.
func readRequest[T any](w http.ResponseWriter, r *http.Request, name string) (*T, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		writeFault(w, http.StatusMethodNotAllowed, true, pool.EINVALID, "POST a SOAP request, or GET ?wsdl")
		return nil, false
	}
	req, err := readEnvelope[T](http.MaxBytesReader(w, r.Body, MaxBodyBytes), name)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeFault(w, http.StatusRequestEntityTooLarge, true, pool.EINVALID, fmt.Sprintf("the request is larger than %d bytes", MaxBodyBytes))
		return nil, false
	case err != nil:
		writeFault(w, http.StatusBadRequest, true, pool.EINVALID, err.Error())
		return nil, false
	}
	return req, true
}

// handOut requests serials as every transport does and collects them, with
// their extra parameters (TraceLink's crypto tail), in hand-out order.
func handOut(ctx context.Context, svc Services, req pool.Request) ([]handed, error) {
	r, err := svc.RequestSerials(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]handed, 0, r.Count)
	err = svc.EachRequestSerial(ctx, r.ID, func(value string, extra map[string]string) error {
		out = append(out, handed{value, extra})
		return nil
	})
	return out, err
}

type handed struct {
	value string
	extra map[string]string
}

// numericRange reports whether serials are one run of consecutive numbers of
// one length, in order, without extra parameters: then an Interval says it all.
func numericRange(serials []handed) (from, to string, ok bool) {
	if len(serials) < 2 {
		return "", "", false
	}
	var prev uint64
	for i, s := range serials {
		n, err := parseDigits(s.value)
		if err != nil || len(s.value) != len(serials[0].value) || len(s.extra) > 0 || (i > 0 && n != prev+1) {
			return "", "", false
		}
		prev = n
	}
	return serials[0].value, serials[len(serials)-1].value, true
}

func parseDigits(s string) (uint64, error) {
	if s == "" || len(s) > 19 {
		return 0, errors.New("not a number")
	}
	var n uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errors.New("not a number")
		}
		n = n*10 + uint64(c-'0')
	}
	return n, nil
}

// objectKey names what serials are requested of, in both protocols.
type objectKey struct {
	Name  string `xml:"Name"`
	Value string `xml:"Value"`
}

// productCode is the product (GTIN or NTIN, for SGTINs) or the SSCC pool
// (COMPANY_PREFIX, for SSCCs) the key names; ssccPool finds a pool by prefix.
func (k objectKey) productCode(encoding string, ssccPool func(prefix string) (string, error)) (string, error) {
	name, value, encoding := strings.TrimSpace(k.Name), strings.TrimSpace(k.Value), strings.TrimSpace(encoding)
	switch {
	case (name == "GTIN" || name == "NTIN") && (encoding == "" || encoding == "SGTIN" || encoding == "NTIN"):
		code, err := gs1.NormalizeGTIN(value)
		if err != nil {
			return "", pool.Invalid("ObjectKey", "ObjectKey %s %q: %v", name, value, err)
		}
		return code, nil
	case name == "COMPANY_PREFIX" && encoding == "SSCC":
		return ssccPool(value)
	}
	return "", pool.Invalid("ObjectKey", "ObjectKey %q with EncodingType %q is not served: send GTIN or NTIN (SGTIN), or COMPANY_PREFIX (SSCC)", name, encoding)
}

// ssccPoolByPrefix finds the caller's one SSCC pool of a GS1 company prefix.
func ssccPoolByPrefix(ctx context.Context, svc Services, prefix string) (string, error) {
	pools, err := svc.SSCCPools(ctx)
	if err != nil {
		return "", err
	}
	var codes []string
	for _, p := range pools {
		if p.Code[1:] == prefix {
			codes = append(codes, p.Code)
		}
	}
	switch len(codes) {
	case 0:
		return "", pool.Errorf(pool.ENOTFOUND, "no SSCC pool of company prefix %q", prefix)
	case 1:
		return codes[0], nil
	}
	return "", pool.Invalid("ObjectKey", "company prefix %q has SSCC pools for several extension digits (%s): request from one by its code",
		prefix, strings.Join(codes, ", "))
}

// baseURL is this endpoint's own address, as the caller reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.Path
}
