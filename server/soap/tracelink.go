package soap

import (
	"encoding/xml"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serialpool/serialpool/pool"
)

// The TraceLink SNX serial number request (SOAP 1.1, document/literal), as
// TraceLink serves it at /soap/snx/snrequest, so that a line configured for
// TraceLink can be pointed at serialpool unchanged. Its WSDL and schemas
// (tracelink.wsdl, ?xsd=1, ?xsd=2) describe exactly what is implemented.
const (
	traceLinkNS = "urn:tracelink:soap"
	snxNS       = "http://tracelink.com/snx"
)

// referenceDocuments name the order serials are for; ReferenceId identifies
// the request itself, so that a retry gets the same serials.
type referenceDocuments struct {
	NS              string `xml:"xmlns,attr,omitempty"` // snxNS, when serialpool writes them
	PONumber        string `xml:"PONumber,omitempty"`
	POLine          string `xml:"POLine,omitempty"`
	WorkOrderNumber string `xml:"WorkOrderNumber,omitempty"`
	ReferenceID     string `xml:"ReferenceId,omitempty"`
}

func (d *referenceDocuments) orderRef() string {
	var parts []string
	if d.PONumber != "" {
		parts = append(parts, "PO "+strings.TrimSpace(d.PONumber))
	}
	if d.POLine != "" {
		parts = append(parts, "line "+strings.TrimSpace(d.POLine))
	}
	if d.WorkOrderNumber != "" {
		parts = append(parts, "WO "+strings.TrimSpace(d.WorkOrderNumber))
	}
	return strings.Join(parts, " ")
}

type snRequest struct {
	SendingSystem           string              `xml:"SendingSystem,omitempty"`
	ReceivingSystem         string              `xml:"ReceivingSystem,omitempty"`
	IDType                  string              `xml:"IdType,omitempty"`
	EncodingType            string              `xml:"EncodingType,omitempty"`
	Size                    *int                `xml:"Size"`
	ObjectKey               objectKey           `xml:"ObjectKey"`
	RequestRandomizedNumber string              `xml:"RequestRandomizedNumber,omitempty"`
	ReferenceDocuments      *referenceDocuments `xml:"ReferenceDocuments,omitempty"`
	SyncRequest             string              `xml:"SyncRequest"`
}

type serialNo struct {
	Value      string `xml:",chardata"`
	CryptoKey  string `xml:"cryptoKey,attr,omitempty"`
	CryptoCode string `xml:"cryptoCode,attr,omitempty"`
}

type interval struct {
	NumberFrom string `xml:"NumberFrom"`
	NumberTo   string `xml:"NumberTo"`
}

type rfidException struct {
	ErrorCode    string `xml:"ErrorCode"`
	ErrorMessage string `xml:"ErrorMessage"`
}

type snResponse struct {
	ReceivingSystem      string              `xml:"ReceivingSystem,omitempty"`
	SendingSystem        string              `xml:"SendingSystem,omitempty"`
	ActionCode           string              `xml:"ActionCode,omitempty"` // C: confirmed; absent with an RfidException
	EncodingType         string              `xml:"EncodingType,omitempty"`
	IDType               string              `xml:"IDType,omitempty"`
	Interval             *interval           `xml:"Interval,omitempty"`
	RandomizedNumberList []serialNo          `xml:"RandomizedNumberList>SerialNo,omitempty"`
	ObjectKey            *objectKey          `xml:"ObjectKey,omitempty"`
	ReferenceDocuments   *referenceDocuments `xml:"ReferenceDocuments,omitempty"`
	RfidException        *rfidException      `xml:"RfidException,omitempty"`
}

type snResponseMessage struct {
	XMLName    xml.Name   `xml:"tl:serialNumbersRequestResponse"`
	NS         string     `xml:"xmlns:tl,attr"`
	SNResponse snResponse `xml:"SNResponse"`
}

// TraceLink serves POST (the request), GET ?wsdl, ?xsd=1 and ?xsd=2.
func TraceLink(svc Services, auth Authenticate, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && serveDescription(w, r, traceLinkFiles) {
			return
		}
		ctx, ok := caller(w, r, auth, log)
		if !ok {
			return
		}
		in, ok := readRequest[snRequest](w, r, "serialNumbersRequest")
		if !ok {
			return
		}
		// The answer names the systems the other way round.
		res := snResponse{ReceivingSystem: in.SendingSystem, SendingSystem: in.ReceivingSystem, EncodingType: in.EncodingType,
			IDType: in.IDType, ObjectKey: &in.ObjectKey}
		if d := in.ReferenceDocuments; d != nil {
			d.NS = snxNS
			res.ReferenceDocuments = d
		}
		req, err := in.request(func(prefix string) (string, error) { return ssccPoolByPrefix(ctx, svc, prefix) })
		var serials []handed
		if err == nil {
			user, _, _ := r.BasicAuth()
			req.OrderRef = orDefault(req.OrderRef, "TraceLink SNX request of "+orDefault(strings.TrimSpace(user), "a line"))
			serials, err = handOut(ctx, svc, req)
		}
		if err != nil {
			if code := pool.ErrorCode(err); code == pool.EINTERNAL || code == pool.EUNAVAILABLE {
				log.ErrorContext(ctx, "soap: tracelink", "err", err)
			}
			res.RfidException = &rfidException{ErrorCode: pool.ErrorCode(err), ErrorMessage: pool.ErrorMessage(err)}
			writeEnvelope(w, http.StatusOK, snResponseMessage{NS: traceLinkNS, SNResponse: res})
			return
		}
		res.ActionCode = "C"
		if from, to, ok := numericRange(serials); ok {
			res.Interval = &interval{from, to}
		} else {
			list := make([]serialNo, len(serials))
			for i, s := range serials {
				list[i] = serialNo{Value: s.value, CryptoKey: s.extra["91"], CryptoCode: s.extra["92"]}
			}
			res.RandomizedNumberList = list
		}
		writeEnvelope(w, http.StatusOK, snResponseMessage{NS: traceLinkNS, SNResponse: res})
	})
}

// request turns a serial number request into the pool's request, or names
// what TraceLink asked for that serialpool does not do.
func (in *snRequest) request(ssccPool func(prefix string) (string, error)) (pool.Request, error) {
	var req pool.Request
	if in.Size == nil {
		return req, pool.Invalid("Size", "Size (how many serials) is required")
	}
	req.Count = *in.Size
	switch strings.TrimSpace(in.SyncRequest) {
	case "true", "1":
	default:
		return req, pool.Invalid("SyncRequest", "only synchronous requests are served: send SyncRequest true")
	}
	if t := strings.TrimSpace(in.IDType); t != "" && t != "GS1_SER" {
		return req, pool.Invalid("IdType", "IdType %q is not served; serialpool serves GS1_SER", t)
	}
	code, err := in.ObjectKey.productCode(in.EncodingType, ssccPool)
	if err != nil {
		return req, err
	}
	req.ProductCode = code
	if in.ReferenceDocuments != nil {
		req.OrderRef = in.ReferenceDocuments.orderRef()
		req.IdempotencyKey = strings.TrimSpace(in.ReferenceDocuments.ReferenceID)
	}
	return req, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
