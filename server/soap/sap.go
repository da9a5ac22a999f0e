package soap

import (
	"context"
	"encoding/xml"
	"log/slog"
	"net/http"
	"strings"

	"github.com/serialpool/serialpool/pool"
)

// SAP AII / ATTP's number range request (namespace http://sap.com/xi/AIN), as
// line systems send it to their level-4 system and print what comes back: in
// the seed's words, serials "provided to SAP ATTP on its request" are Assigned.
// sap.wsdl describes what is implemented.
const sapNS = "http://sap.com/xi/AIN"

type numberRangeRequest struct {
	SendingSystem            string    `xml:"SendingSystem,omitempty"`
	IDType                   string    `xml:"IDType,omitempty"`
	EncodingType             string    `xml:"EncodingType,omitempty"`
	Size                     *int      `xml:"Size"`
	ObjectKey                objectKey `xml:"ObjectKey"`
	RequestRandomizedNumbers string    `xml:"RequestRandomizedNumbers,omitempty"`
}

type numberRangeConfirmation struct {
	ReceivingSystem      string     `xml:"ReceivingSystem,omitempty"`
	ActionCode           string     `xml:"ActionCode"` // C: confirmed, F: failed
	EncodingType         string     `xml:"EncodingType,omitempty"`
	IDType               string     `xml:"IDType,omitempty"`
	Interval             *interval  `xml:"Interval,omitempty"`
	ObjectKey            *objectKey `xml:"ObjectKey,omitempty"`
	RandomizedNumberList []string   `xml:"RandomizedNumberList>SerialNumber,omitempty"`
	// Why a request failed (ActionCode F): serialpool's code and plain words.
	ErrorCode    string `xml:"ErrorCode,omitempty"`
	ErrorMessage string `xml:"ErrorMessage,omitempty"`
}

// confirmationMessage is the answer's element, its children unqualified.
type confirmationMessage struct {
	XMLName xml.Name `xml:"ain:MT_NumberRangeConfirmationMessage"`
	NS      string   `xml:"xmlns:ain,attr"`
	numberRangeConfirmation
}

// SAP serves POST (the request) and GET ?wsdl.
func SAP(svc Services, auth Authenticate, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && serveDescription(w, r, sapFiles) {
			return
		}
		ctx, ok := caller(w, r, auth, log)
		if !ok {
			return
		}
		in, ok := readRequest[numberRangeRequest](w, r, "NumberRangeRequestMessage")
		if !ok {
			return
		}
		res := numberRangeConfirmation{ReceivingSystem: in.SendingSystem, EncodingType: in.EncodingType, IDType: in.IDType,
			ObjectKey: &in.ObjectKey}
		serials, err := in.handOut(ctx, svc)
		if err != nil {
			if code := pool.ErrorCode(err); code == pool.EINTERNAL || code == pool.EUNAVAILABLE {
				log.ErrorContext(ctx, "soap: sap", "err", err)
			}
			res.ActionCode, res.ErrorCode, res.ErrorMessage = "F", pool.ErrorCode(err), pool.ErrorMessage(err)
			writeEnvelope(w, http.StatusOK, confirmationMessage{NS: sapNS, numberRangeConfirmation: res})
			return
		}
		res.ActionCode = "C"
		// A sequential request is answered as a range where the serials form one.
		from, to, isRange := numericRange(serials)
		if isRange && strings.TrimSpace(in.RequestRandomizedNumbers) == "" {
			res.Interval = &interval{from, to}
		} else {
			for _, s := range serials {
				res.RandomizedNumberList = append(res.RandomizedNumberList, s.value)
			}
		}
		writeEnvelope(w, http.StatusOK, confirmationMessage{NS: sapNS, numberRangeConfirmation: res})
	})
}

func (in *numberRangeRequest) handOut(ctx context.Context, svc Services) ([]handed, error) {
	if in.Size == nil {
		return nil, pool.Invalid("Size", "Size (how many serials) is required")
	}
	if t := strings.TrimSpace(in.IDType); t != "" && t != "GS1_SER" {
		return nil, pool.Invalid("IDType", "IDType %q is not served; serialpool serves GS1_SER", t)
	}
	code, err := in.ObjectKey.productCode(in.EncodingType, func(prefix string) (string, error) { return ssccPoolByPrefix(ctx, svc, prefix) })
	if err != nil {
		return nil, err
	}
	return handOut(ctx, svc, pool.Request{ProductCode: code, Count: *in.Size,
		OrderRef: "SAP number range request of " + orDefault(strings.TrimSpace(in.SendingSystem), "a line")})
}
