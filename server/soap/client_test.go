package soap

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// The fakes below answer as PROTOCOLS.md describes TraceLink SNX and SAP AII,
// written by hand: not from serialpool's own answers.

const gtin = "04012340051068"

func traceLinkAnswer(inner string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>
<ns2:serialNumbersRequestResponse xmlns:ns2="urn:tracelink:soap" xmlns:ns3="http://tracelink.com/snx"><SNResponse>
<ReceivingSystem>0401234000006</ReceivingSystem><SendingSystem>TRACELINK</SendingSystem><ActionCode>C</ActionCode>
<EncodingType>SGTIN</EncodingType><IDType>GS1_SER</IDType>` + inner + `
<ObjectKey><Name>GTIN</Name><Value>` + gtin + `</Value></ObjectKey>
</SNResponse></ns2:serialNumbersRequestResponse></S:Body></S:Envelope>`
}

func TestAskTraceLink(t *testing.T) {
	var got string
	answer, status, delay := "", http.StatusOK, time.Duration(0)
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		user, pass, _ := r.BasicAuth()
		got = user + ":" + pass + " " + string(b)
		time.Sleep(delay)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	defer fake.Close()
	ask := Ask{URL: fake.URL, Credentials: pool.UpstreamCredentials{Username: "sp", Password: "pw"}, SendingSystem: "0401234000006",
		ReceivingSystem: "TRACELINK", ProductCode: gtin, Count: 3, RequestID: "replenish-7"}
	client := &http.Client{Timeout: time.Second}

	answer = traceLinkAnswer(`<RandomizedNumberList>
<SerialNo cryptoKey="AbCd" cryptoCode="` + strings.Repeat("x", 44) + `">1000000000001</SerialNo>
<SerialNo>01` + gtin + `21QWERTY12345</SerialNo><SerialNo> PLAIN9 </SerialNo></RandomizedNumberList>`)
	serials, err := AskTraceLink(context.Background(), client, ask)
	if err != nil || len(serials) != 3 || serials[0].Value != "1000000000001" || serials[0].Extra["91"] != "AbCd" ||
		len(serials[0].Extra["92"]) != 44 || serials[1].Value != "QWERTY12345" || serials[2].Value != "PLAIN9" || serials[2].Extra != nil {
		t.Fatalf("random list: %+v %v", serials, err)
	}
	for _, want := range []string{"sp:pw ", "<Size>3</Size>", "<Name>GTIN</Name><Value>" + gtin + "</Value>", "<SyncRequest>true</SyncRequest>",
		`<ReferenceDocuments xmlns="http://tracelink.com/snx"><ReferenceId>replenish-7</ReferenceId>`, "<SendingSystem>0401234000006</SendingSystem>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the request lacks %s: %s", want, got)
		}
	}

	answer = traceLinkAnswer(`<Interval><NumberFrom>000998</NumberFrom><NumberTo>001000</NumberTo></Interval>`)
	if serials, err := AskTraceLink(context.Background(), client, ask); err != nil || len(serials) != 3 || serials[0].Value != "000998" || serials[2].Value != "001000" {
		t.Errorf("range: %+v %v", serials, err)
	}

	for name, tc := range map[string]struct {
		answer string
		status int
		delay  time.Duration
		want   string
	}{
		"exception": {traceLinkAnswer(`<RfidException><ErrorCode>SN_POOL_EMPTY</ErrorCode><ErrorMessage>no numbers left</ErrorMessage></RfidException>`), 200, 0, "SN_POOL_EMPTY"},
		"fault": {`<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Server</faultcode>
<faultstring>Internal error</faultstring></S:Fault></S:Body></S:Envelope>`, 500, 0, "Internal error"},
		"gateway":       {"Bad gateway", 502, 0, "502"},
		"slow":          {traceLinkAnswer(""), 200, 2 * time.Second, "Timeout"},
		"short range":   {traceLinkAnswer(`<Interval><NumberFrom>1</NumberFrom><NumberTo>2</NumberTo></Interval>`), 200, 0, "asked for 3"},
		"huge range":    {traceLinkAnswer(`<Interval><NumberFrom>0000000001</NumberFrom><NumberTo>9999999999</NumberTo></Interval>`), 200, 0, "asked for 3"},
		"too few":       {traceLinkAnswer(`<RandomizedNumberList><SerialNo>A</SerialNo></RandomizedNumberList>`), 200, 0, "asked for 3"},
		"not SOAP":      {"<html>maintenance</html>", 200, 0, "SOAP"},
		"no SNResponse": {strings.Replace(traceLinkAnswer(""), "SNResponse", "Other", 2), 200, 0, "SNResponse"},
	} {
		answer, status, delay = tc.answer, tc.status, tc.delay
		if _, err := AskTraceLink(context.Background(), client, ask); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error naming %q", name, err, tc.want)
		}
	}
}

func TestAskSAP(t *testing.T) {
	var got string
	answer := ""
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Header.Get("Authorization") + " " + string(b)
		io.WriteString(w, `<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body>
<n0:MT_NumberRangeConfirmationMessage xmlns:n0="http://sap.com/xi/AIN">`+answer+`</n0:MT_NumberRangeConfirmationMessage></soap-env:Body></soap-env:Envelope>`)
	}))
	defer fake.Close()
	ask := Ask{URL: fake.URL, Credentials: pool.UpstreamCredentials{Token: "tok"}, SendingSystem: "SERIALPOOL", ProductCode: "340123450", SSCC: true, Count: 2}
	answer = `<ReceivingSystem>SERIALPOOL</ReceivingSystem><ActionCode>C</ActionCode><EncodingType>SSCC</EncodingType><IDType>GS1_SER</IDType>
<RandomizedNumberList><SerialNumber>340123450000000017</SerialNumber><SerialNumber>00340123450000000024</SerialNumber></RandomizedNumberList>`
	serials, err := AskSAP(context.Background(), http.DefaultClient, ask)
	if err != nil || len(serials) != 2 || serials[0].Value != "340123450000000017" || serials[1].Value != "340123450000000024" {
		t.Fatalf("SSCCs: %+v %v", serials, err)
	}
	for _, want := range []string{"Bearer tok ", "NumberRangeRequestMessage", "<EncodingType>SSCC</EncodingType>", "<Name>COMPANY_PREFIX</Name><Value>40123450</Value>",
		"<RequestRandomizedNumbers>X</RequestRandomizedNumbers>", "<Size>2</Size>"} {
		if !strings.Contains(got, want) {
			t.Errorf("the request lacks %s: %s", want, got)
		}
	}
	answer = `<ActionCode>F</ActionCode>`
	if _, err := AskSAP(context.Background(), http.DefaultClient, ask); err == nil || !strings.Contains(err.Error(), `"F"`) {
		t.Errorf("ActionCode F: %v", err)
	}
}
