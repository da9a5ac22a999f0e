package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// req is one request to the server; a header whose field is empty is not sent.
type req struct {
	Method, Path string
	Key          string    // Authorization: Bearer <Key>
	Channel      string    // X-Channel-Key
	Idem         string    // Idempotency-Key
	Type         string    // Content-Type
	Body         string    // the body, unless Stream is set
	Stream       io.Reader // a body read as it is sent
}

// to builds r against the server at base.
func (r req) to(base string) *http.Request {
	body := r.Stream
	if body == nil {
		body = strings.NewReader(r.Body)
	}
	hr, err := http.NewRequest(r.Method, base+r.Path, body)
	if err != nil {
		panic(err) // a test's own mistake
	}
	for h, v := range map[string]string{"X-Channel-Key": r.Channel, "Idempotency-Key": r.Idem, "Content-Type": r.Type} {
		if v != "" {
			hr.Header.Set(h, v)
		}
	}
	if r.Key != "" {
		hr.Header.Set("Authorization", "Bearer "+r.Key)
	}
	return hr
}

// rest calls the Manufacturer API and decodes its JSON answer.
func (d *demo) rest(t *testing.T, r req) (int, map[string]any) {
	t.Helper()
	res := d.do(t, r)
	defer res.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatalf("%s %s: %s, body is not JSON: %v", r.Method, r.Path, res.Status, err)
	}
	return res.StatusCode, v
}

// do sends r to the server.
func (d *demo) do(t *testing.T, r req) *http.Response {
	t.Helper()
	res, err := http.DefaultClient.Do(r.to(d.url))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func errCode(v map[string]any) string {
	errs, _ := v["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	c, _ := ext["code"].(string)
	return c
}

// channel registers a channel over GraphQL and returns its key.
func (d *demo) channel(t *testing.T, name, source string) string {
	t.Helper()
	var v struct {
		CreateChannel struct {
			Key     string
			Channel struct{ ID, Source string }
		}
	}
	d.gql(t, d.keys.MAHAdmin, `mutation($in: CreateChannelInput!) { createChannel(input: $in) { key channel { id source } } }`,
		map[string]any{"in": map[string]any{"name": name, "source": source}}).ok(t, &v)
	if v.CreateChannel.Channel.Source != source || v.CreateChannel.Key == "" {
		t.Fatalf("createChannel = %+v", v)
	}
	return v.CreateChannel.Key
}

func (d *demo) poolOf(t *testing.T, code string) (available, assigned float64) {
	t.Helper()
	status, v := d.rest(t, req{Method: "GET", Path: "/api/v2/products/" + code + "/pool", Key: d.keys.MAHViewer})
	if status != 200 {
		t.Fatalf("pool of %s: %d %v", code, status, v)
	}
	return v["available"].(float64), v["assigned"].(float64)
}

const (
	attpProduct = "04012340051013" // Ibuprofen: source SAP_ATTP
	tlProduct   = "04012340051068" // Insulin glargine: source TRACELINK
)

func TestManufacturerAPIPush(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	attp := d.channel(t, "ATTP", "SAP_ATTP")
	tl := d.channel(t, "TraceLink", "TRACELINK")
	ext := d.channel(t, "Line 4", "EXTERNAL")
	avail0, assigned0 := d.poolOf(t, attpProduct)

	var csv strings.Builder
	csv.WriteString("serial\n")
	for i := 0; i < 30000; i++ {
		fmt.Fprintf(&csv, "CSV%07d\n", i)
	}
	status, v := d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: attp, Idem: "csv-1", Type: "text/csv", Body: csv.String()})
	if status != 201 || v["accepted"] != 30000.0 || v["source"] != "SAP_ATTP" || v["replayed"] != false {
		t.Fatalf("CSV push: %d %v", status, v)
	}
	// The retry after a timeout replays, storing nothing twice.
	status, v = d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: attp, Idem: "csv-1", Type: "text/csv", Body: csv.String()})
	if status != 200 || v["replayed"] != true || v["accepted"] != 30000.0 {
		t.Fatalf("CSV retry: %d %v", status, v)
	}
	if a, _ := d.poolOf(t, attpProduct); a != avail0+30000 {
		t.Errorf("available %v after 30000 pushed onto %v", a, avail0)
	}
	status, v = d.rest(t, req{Method: "GET", Path: "/api/v2/intake/csv-1", Key: d.keys.MAHViewer})
	if status != 200 || v["state"] != "STORED" || v["rowsRead"] != 30000.0 {
		t.Errorf("intake progress: %d %v", status, v)
	}

	// NDJSON with TraceLink crypto data, into the TraceLink product.
	nd := `{"value":"TL-1","extra":{"91":"K001","92":"` + strings.Repeat("x", 44) + `"}}` + "\n\n" + `{"value":"TL-2"}` + "\n"
	status, v = d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + tlProduct + "/serials", Key: d.keys.MAHOperator, Channel: tl, Type: "application/x-ndjson", Body: nd})
	if status != 201 || v["accepted"] != 2.0 {
		t.Fatalf("NDJSON push: %d %v", status, v)
	}
	// A JSON array from a line: external serials arrive Assigned.
	status, v = d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: ext, Type: "application/json", Body: `[{"value":"LINE4-1"},{"value":"LINE4-2"}]`})
	if status != 201 || v["source"] != "EXTERNAL" {
		t.Fatalf("JSON push: %d %v", status, v)
	}
	if _, a := d.poolOf(t, attpProduct); a != assigned0+2 {
		t.Errorf("assigned %v after 2 external serials onto %v", a, assigned0)
	}

	for _, tc := range []struct {
		name, key, channel, ctype, code, body, want string
		status                                      int
	}{
		{"no API key", "", attp, "text/csv", attpProduct, "A1\n", "UNAUTHENTICATED", 401},
		{"no channel key", d.keys.MAHOperator, "", "text/csv", attpProduct, "A1\n", "UNAUTHENTICATED", 401},
		{"another tenant's channel", d.keys.CMOAdmin, attp, "text/csv", attpProduct, "A1\n", "UNAUTHENTICATED", 401},
		{"viewer", d.keys.MAHViewer, attp, "text/csv", attpProduct, "A1\n", "FORBIDDEN", 403},
		{"wrong media type", d.keys.MAHOperator, attp, "application/xml", attpProduct, "<a/>", "BAD_USER_INPUT", 415},
		{"malformed JSON", d.keys.MAHOperator, attp, "application/json", attpProduct, `[{"value":`, "BAD_USER_INPUT", 400},
		{"not an array", d.keys.MAHOperator, attp, "application/json", attpProduct, `{"value":"A"}`, "BAD_USER_INPUT", 400},
		{"unknown field", d.keys.MAHOperator, attp, "application/x-ndjson", attpProduct, `{"serial":"A"}`, "BAD_USER_INPUT", 400},
		{"bad CSV", d.keys.MAHOperator, attp, "text/csv", attpProduct, "A1\n\"B2\n", "BAD_USER_INPUT", 400},
		{"bad serial", d.keys.MAHOperator, attp, "text/csv", attpProduct, "A1\nB 2\n", "BAD_USER_INPUT", 400},
		{"duplicate", d.keys.MAHOperator, attp, "text/csv", attpProduct, "NEW1\nCSV0000007\n", "CONFLICT", 409},
		{"channel source not the product's", d.keys.MAHOperator, tl, "text/csv", attpProduct, "A1\n", "BAD_USER_INPUT", 400},
		{"unknown product", d.keys.MAHOperator, attp, "text/csv", "00000000000000", "A1\n", "NOT_FOUND", 404},
	} {
		status, v := d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + tc.code + "/serials", Key: tc.key, Channel: tc.channel, Type: tc.ctype, Body: tc.body})
		if status != tc.status || errCode(v) != tc.want {
			t.Errorf("%s: %d %v, want %d %s", tc.name, status, v, tc.status, tc.want)
		}
	}
	// A rejected batch names its rows.
	_, v = d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: attp, Type: "text/csv", Body: "OK1\nB@D\nOK2\nALSO BAD\n"})
	ext2 := v["errors"].([]any)[0].(map[string]any)["extensions"].(map[string]any)
	rows := ext2["rows"].([]any)
	if ext2["total"] != 2.0 || len(rows) != 2 || rows[0].(map[string]any)["row"] != 2.0 || rows[1].(map[string]any)["value"] != "ALSO BAD" {
		t.Errorf("rejected batch extensions = %v", ext2)
	}
	if a, _ := d.poolOf(t, attpProduct); a != avail0+30000 {
		t.Errorf("rejected batches changed the pool: available %v", a)
	}
}

func TestGraphQLIntake(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	const receive = `mutation($in: ReceiveSerialsInput!) { receiveSerials(input: $in) { batchId productCode source accepted duplicates replayed } }`
	serials := []map[string]any{{"value": "G-1"}, {"value": "G-2", "extra": nil}}
	var v struct {
		ReceiveSerials struct {
			BatchID              *string
			ProductCode, Source  string
			Accepted, Duplicates int
			Replayed             bool
		}
	}
	in := map[string]any{"productCode": attpProduct, "source": "SAP_ATTP", "serials": serials, "idempotencyKey": "g-1"}
	d.gql(t, d.keys.MAHOperator, receive, map[string]any{"in": in}).ok(t, &v)
	if v.ReceiveSerials.Accepted != 2 || v.ReceiveSerials.BatchID == nil || v.ReceiveSerials.Replayed || v.ReceiveSerials.Duplicates != 0 {
		t.Fatalf("receiveSerials = %+v", v)
	}
	d.gql(t, d.keys.MAHOperator, receive, map[string]any{"in": in}).ok(t, &v)
	if !v.ReceiveSerials.Replayed {
		t.Errorf("retry not replayed: %+v", v)
	}
	var b struct {
		IntakeBatch struct {
			State    string
			RowsRead int
			Result   struct{ Accepted int }
		}
	}
	d.gql(t, d.keys.MAHViewer, `{ intakeBatch(idempotencyKey: "g-1") { state rowsRead result { accepted } } }`, nil).ok(t, &b)
	if b.IntakeBatch.State != "STORED" || b.IntakeBatch.RowsRead != 2 || b.IntakeBatch.Result.Accepted != 2 {
		t.Errorf("intakeBatch = %+v", b)
	}

	bad := map[string]any{"productCode": attpProduct, "source": "SAP_ATTP",
		"serials": []map[string]any{{"value": "OK"}, {"value": "NO GOOD"}, {"value": "G-1"}}}
	r := d.gql(t, d.keys.MAHOperator, receive, map[string]any{"in": bad})
	if r.code() != "BAD_USER_INPUT" || r.Errors[0].Extensions["total"] != 1.0 || r.Errors[0].Extensions["field"] != "serials" {
		t.Errorf("bad batch: %+v", r.Errors)
	}
	big := make([]map[string]any, 100001)
	for i := range big {
		big[i] = map[string]any{"value": fmt.Sprint(i)}
	}
	body, _ := json.Marshal(map[string]any{"query": receive, "variables": map[string]any{"in": map[string]any{"productCode": attpProduct, "source": "SAP_ATTP", "serials": big}}})
	if len(body) > 16<<20 {
		t.Fatalf("test batch of %d bytes exceeds the body limit", len(body))
	}
	r = d.gql(t, d.keys.MAHOperator, receive, map[string]any{"in": map[string]any{"productCode": attpProduct, "source": "SAP_ATTP", "serials": big}})
	if r.code() != "BAD_USER_INPUT" {
		t.Errorf("a batch over 100,000: %+v", r.Errors)
	}

	var g struct{ GenerateSerials struct{ Accepted int } }
	d.gql(t, d.keys.MAHOperator, `mutation { generateSerials(input: {productCode: "04012340051006", count: 5000}) { accepted } }`, nil).ok(t, &g)
	if g.GenerateSerials.Accepted != 5000 {
		t.Errorf("generateSerials = %+v", g)
	}
	if r := d.gql(t, d.keys.MAHViewer, `mutation { generateSerials(input: {productCode: "04012340051006", count: 5}) { accepted } }`, nil); r.code() != "FORBIDDEN" {
		t.Errorf("viewer generated: %+v", r.Errors)
	}
	var chans struct{ Channels []struct{ Name string } }
	d.channel(t, "ICH", "SAP_ICH")
	d.gql(t, d.keys.MAHViewer, `{ channels { name } }`, nil).ok(t, &chans)
	if len(chans.Channels) != 1 || chans.Channels[0].Name != "ICH" {
		t.Errorf("channels = %+v", chans)
	}
	d.gql(t, d.keys.CMOAdmin, `{ channels { name } }`, nil).ok(t, &chans)
	if len(chans.Channels) != 0 {
		t.Errorf("CMO sees the MAH's channels: %+v", chans)
	}
}

// TestBulkProgress watches a bulk upload while it streams: the intake endpoint
// reports RUNNING with the rows read so far, then the stored result.
func TestBulkProgress(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	attp := d.channel(t, "ATTP", "SAP_ATTP")
	pr, pw := io.Pipe()
	done := make(chan map[string]any)
	go func() {
		status, v := d.rest(t, req{Method: "POST", Path: "/api/v2/products/" + attpProduct + "/serials", Key: d.keys.MAHOperator, Channel: attp, Idem: "slow-1", Type: "text/csv", Stream: pr})
		v["status"] = float64(status)
		done <- v
	}()
	for i := 0; i < 25000; i++ {
		fmt.Fprintf(pw, "SLOW%06d\n", i)
	}
	// The server has read at least 20,000 rows (the pipe blocks until it does);
	// progress is reported every 10,000.
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, v := d.rest(t, req{Method: "GET", Path: "/api/v2/intake/slow-1", Key: d.keys.MAHViewer})
		if status == 200 && v["state"] == "RUNNING" && v["rowsRead"].(float64) >= 10000 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no progress reported while streaming: %d %v", status, v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	var g struct {
		IntakeBatch struct {
			State    string
			RowsRead int
		}
	}
	d.gql(t, d.keys.MAHViewer, `{ intakeBatch(idempotencyKey: "slow-1") { state rowsRead } }`, nil).ok(t, &g)
	if g.IntakeBatch.State != "RUNNING" || g.IntakeBatch.RowsRead < 10000 {
		t.Errorf("GraphQL progress = %+v", g)
	}
	// Another tenant sees nothing of it.
	if status, _ := d.rest(t, req{Method: "GET", Path: "/api/v2/intake/slow-1", Key: d.keys.CMOAdmin}); status != 404 {
		t.Errorf("CMO sees the MAH's batch progress: %d", status)
	}
	pw.Close()
	v := <-done
	if v["status"] != 201.0 || v["accepted"] != 25000.0 {
		t.Fatalf("upload: %v", v)
	}
	status, v := d.rest(t, req{Method: "GET", Path: "/api/v2/intake/slow-1", Key: d.keys.MAHViewer})
	if status != 200 || v["state"] != "STORED" || v["rowsRead"] != 25000.0 {
		t.Errorf("after the upload: %d %v", status, v)
	}
}
