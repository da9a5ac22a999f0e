package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/serialpool/serialpool/pool"
)

// benchSOAP hands out serials to `clients` concurrent lines asking over the
// TraceLink SNX SOAP endpoint for `each` serials at a time (the answer carries
// every serial), against requestSerials over GraphQL in the same run (its
// answer carries only the count): serials per second, each from its own pool.
func benchSOAP(ctx context.Context, e *env, clients, each int) ([]result, error) {
	const rounds = 3
	need := clients * each * rounds
	ours, err := e.product(12, pool.SourceSNM)
	if err != nil {
		return nil, err
	}
	base, err := e.product(13, pool.SourceSNM)
	if err != nil {
		return nil, err
	}
	for _, p := range []*pool.Product{ours, base} {
		if err := fillPool(ctx, e, p, need*3/2+clients); err != nil { // a third of a filled pool is Assigned
			return nil, err
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	envelope := fmt.Sprintf(`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tl="urn:tracelink:soap">
<soapenv:Body><tl:serialNumbersRequest><SendingSystem>BENCH</SendingSystem><IdType>GS1_SER</IdType><EncodingType>SGTIN</EncodingType>
<Size>%d</Size><ObjectKey><Name>GTIN</Name><Value>%s</Value></ObjectKey><SyncRequest>true</SyncRequest></tl:serialNumbersRequest></soapenv:Body></soapenv:Envelope>`,
		each, ours.Code)
	soapTime, err := concurrently(clients, rounds, func() error {
		req, _ := http.NewRequest(http.MethodPost, e.url+"/soap/snx/snrequest", strings.NewReader(envelope))
		req.SetBasicAuth("bench-line", e.key)
		req.Header.Set("Content-Type", "text/xml")
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if n := bytes.Count(b, []byte("<SerialNo>")); res.StatusCode != http.StatusOK || n != each {
			return fmt.Errorf("SOAP request: %s with %d serials: %.1000s", res.Status, n, b)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	gqlTime, err := concurrently(clients, rounds, requestOverGraphQL(e, client, base.Code, each))
	if err != nil {
		return nil, err
	}
	n := float64(need)
	oursRate, baseRate := n/soapTime.Seconds(), n/gqlTime.Seconds()
	return []result{{
		Work: fmt.Sprintf("%d concurrent TraceLink SOAP requests of %d (x%d rounds)", clients, each, rounds), Ours: oursRate, Baseline: baseRate,
		Unit: "serials/s", Ratio: oursRate / baseRate, Target: ">= 0.8x requestSerials over GraphQL", Met: oursRate >= 0.8*baseRate,
		Note: fmt.Sprintf("SOAP %.2fs (every serial in the answer), GraphQL %.2fs (the count only)", soapTime.Seconds(), gqlTime.Seconds()),
	}}, nil
}
