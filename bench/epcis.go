package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/gs1/epcis"
	"github.com/serialpool/serialpool/pool"
)

// benchEPCIS captures `rounds` EPCISDocuments of `each` commissionings (one
// ObjectEvent per pack, lot and expiry in ilmd) over POST /api/v2/epcis/capture,
// each polled until its job has finished, against recordPackEvents over
// GraphQL of the same commissionings in the same run: pack events per second.
// The serials are new to the pool (adopted as EXTERNAL) on both sides, named
// per run, so the kept bench cluster never sees one twice.
func benchEPCIS(ctx context.Context, e *env, each, rounds int) ([]result, error) {
	ours, err := e.product(14, pool.SourceSNM)
	if err != nil {
		return nil, err
	}
	base, err := e.product(15, pool.SourceSNM)
	if err != nil {
		return nil, err
	}
	run := strconv.FormatInt(time.Now().Unix(), 36)
	at := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	client := &http.Client{}
	var captureTime, gqlTime time.Duration
	for r := range rounds {
		serial := func(i int) string { return fmt.Sprintf("B%s-%d-%d", run, r, i) }
		doc := &epcis.Document{CreationDate: time.Now(), Events: make([]epcis.Event, each)}
		for i := range doc.Events {
			doc.Events[i] = epcis.Event{Type: epcis.ObjectEvent, EventTime: at, TZOffset: "+01:00", Action: epcis.ActionAdd,
				BizStep: "commissioning", Disposition: "active", Lot: "BENCH-" + run, Expiry: "2030-12-31",
				EPCs: []gs1.EPC{{GTIN: ours.Code, Serial: serial(i)}}}
		}
		var body bytes.Buffer
		if err := epcis.WriteJSON(&body, doc, epcis.DigitalLink); err != nil {
			return nil, err
		}
		t0 := time.Now()
		if err := captureOnce(e, client, body.Bytes(), each); err != nil {
			return nil, err
		}
		captureTime += time.Since(t0)

		inputs := make([]map[string]any, each)
		for i := range inputs {
			inputs[i] = map[string]any{"productCode": base.Code, "serial": serial(i), "event": "COMMISSION", "at": at,
				"timeZoneOffset": "+01:00", "lot": "BENCH-" + run, "expiry": "2030-12-31"}
		}
		gql, _ := json.Marshal(map[string]any{"query": `mutation($in: [PackEventInput!]!) { recordPackEvents(input: $in) { recorded } }`,
			"variables": map[string]any{"in": inputs}})
		t0 = time.Now()
		if err := post(e, client, "/graphql", "application/json", gql, fmt.Sprintf(`"recorded":%d`, each)); err != nil {
			return nil, err
		}
		gqlTime += time.Since(t0)
	}
	n := float64(each * rounds)
	oursRate, baseRate := n/captureTime.Seconds(), n/gqlTime.Seconds()
	return []result{{
		Work: fmt.Sprintf("EPCIS capture of %d commissionings (x%d documents)", each, rounds), Ours: oursRate, Baseline: baseRate,
		Unit: "events/s", Ratio: oursRate / baseRate, Target: ">= 0.5x recordPackEvents over GraphQL", Met: oursRate >= 0.5*baseRate,
		Note: fmt.Sprintf("capture until its job succeeded %.2fs, recordPackEvents %.2fs", captureTime.Seconds(), gqlTime.Seconds()),
	}}, nil
}

// captureOnce posts an EPCISDocument and polls its job until it succeeded
// with want pack events recorded.
func captureOnce(e *env, client *http.Client, doc []byte, want int) error {
	req, _ := http.NewRequest(http.MethodPost, e.url+"/api/v2/epcis/capture", bytes.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("Content-Type", "application/ld+json")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		return fmt.Errorf("capture: %s %.1000s", res.Status, b)
	}
	job := res.Header.Get("Location")
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		req, _ := http.NewRequest(http.MethodGet, e.url+job, nil)
		req.Header.Set("Authorization", "Bearer "+e.key)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		switch {
		case strings.Contains(string(b), `"state":"succeeded"`) && strings.Contains(string(b), fmt.Sprintf(`"recorded":%d`, want)):
			return nil
		case !strings.Contains(string(b), `"state":"running"`):
			return fmt.Errorf("capture job: %s %.1000s", res.Status, b)
		}
	}
	return fmt.Errorf("capture job %s did not finish in 5 minutes", job)
}

// post sends body to path and expects 200 with want in the answer.
func post(e *env, client *http.Client, path, contentType string, body []byte, want string) error {
	req, _ := http.NewRequest(http.MethodPost, e.url+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.key)
	req.Header.Set("Content-Type", contentType)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), want) {
		return fmt.Errorf("%s: %s %.1000s", path, res.Status, b)
	}
	return nil
}
