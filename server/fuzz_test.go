package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/serialpool/serialpool/graph"
)

// mutationDocs send each mutation with all of its input in one variable, $in,
// which the fuzzer writes.
var mutationDocs = map[string]string{
	"createProduct":           `mutation($in: CreateProductInput!) { createProduct(input: $in) { id code source } }`,
	"generateSerials":         `mutation($in: GenerateSerialsInput!) { generateSerials(input: $in) { accepted } }`,
	"receiveSerials":          `mutation($in: ReceiveSerialsInput!) { receiveSerials(input: $in) { batchId accepted replayed } }`,
	"createChannel":           `mutation($in: CreateChannelInput!) { createChannel(input: $in) { key channel { id source } } }`,
	"rotateChannelKey":        `mutation($in: ID!) { rotateChannelKey(id: $in) { key channel { id keyRotatedAt } } }`,
	"revokeChannel":           `mutation($in: ID!) { revokeChannel(id: $in) { id revokedAt } }`,
	"updateChannelUpstream":   `mutation($in: UpdateChannelUpstreamInput!) { updateChannelUpstream(input: $in) { id upstreamUrl upstreamCredentialsSet } }`,
	"revokeApiKey":            `mutation($in: ID!) { revokeApiKey(id: $in, signature: {meaning: PERFORMED, reason: "test"}) { id revokedAt } }`,
	"requestSerials":          `mutation($in: RequestSerialsInput!) { requestSerials(input: $in) { id count serials(first: 5) { edges { node { value } } } } }`,
	"releaseSerials":          `mutation($in: ReleaseSerialsInput!) { releaseSerials(input: $in, signature: {meaning: PERFORMED, reason: "test"}) { released } }`,
	"createPartnerInvitation": `mutation { createPartnerInvitation { id code expiresAt } }`, // no input: $in is ignored
	"createPartnership":       `mutation($in: CreatePartnershipInput!) { createPartnership(input: $in) { role tenant { id } } }`,
	"revokePartnerInvitation": `mutation($in: ID!) { revokePartnerInvitation(id: $in) { id expiresAt } }`,
	"endPartnership":          `mutation($in: ID!) { endPartnership(id: $in, reason: "fuzz", signature: {meaning: PERFORMED, reason: "test"}) { returned partner { id endedAt } } }`,
	"assignSerialsToPartner":  `mutation($in: AssignSerialsToPartnerInput!) { assignSerialsToPartner(input: $in) { id count } }`,
	"recordPackEvents":        `mutation($in: [PackEventInput!]!) { recordPackEvents(input: $in) { recorded storedExternal } }`,
	"createSsccPool":          `mutation($in: CreateSsccPoolInput!) { createSsccPool(input: $in) { code pool { available } } }`,
	"decommissionContainer":   `mutation($in: DecommissionContainerInput!) { decommissionContainer(input: $in, signature: {meaning: PERFORMED, reason: "test"}) { recorded storedExternal } }`,
	"updateProductLimits":     `mutation($in: UpdateProductLimitsInput!) { updateProductLimits(input: $in, signature: {meaning: PERFORMED, reason: "test"}) { requestCap lowThreshold replenishTo } }`,
	"inviteUser":              `mutation($in: InviteUserInput!) { inviteUser(input: $in) { invitation user { id email role } } }`,
	"updateSsoConfig":         `mutation($in: SsoConfigInput!) { updateSsoConfig(input: $in) { name issuerUrl clientId } }`,
	"deleteSsoConfig":         `mutation { deleteSsoConfig }`, // no input: $in is ignored
	"updateUser":              `mutation($in: UpdateUserInput!) { updateUser(input: $in, signature: {meaning: PERFORMED, reason: "test"}) { id role disabledAt } }`,
}

// mutations lists the schema's mutations in order, failing when one has no document.
func mutations(tb testing.TB) []string {
	var names []string
	for _, f := range graph.NewExecutableSchema(graph.Config{}).Schema().Mutation.Fields {
		if mutationDocs[f.Name] == "" {
			tb.Fatalf("mutation %s is not fuzzed: add it to mutationDocs", f.Name)
		}
		names = append(names, f.Name)
	}
	return names
}

// FuzzMutationVariables posts every mutation, as each demo role, with fuzzed
// variables to a server over one demo database (made once per fuzzing
// process). Whatever the input: no 5xx, no panic, and every error carries a
// code, never INTERNAL, for bad input is the caller's fault.
func FuzzMutationVariables(f *testing.F) {
	names := mutations(f)
	d := newDemo(f)
	d = d.with(f, func(c *config) { c.RateLimit = 0 })
	keys := []string{d.keys.MAHAdmin, d.keys.MAHOperator, d.keys.MAHViewer, d.keys.CMOAdmin}
	index := map[string]uint8{}
	for i, n := range names {
		index[n] = uint8(i)
	}
	for _, s := range []struct {
		mutation, vars string
	}{
		{"createProduct", `{"code":"4012345000016","codeSchema":"GTIN","name":"Fuzz","source":"SNM","serialLength":20,"serialAlphabet":"ALPHANUMERIC"}`},
		{"createProduct", `{"code":"110375286414","codeSchema":"PPN","name":" ","source":"PARTNER"}`},
		{"generateSerials", `{"productCode":"` + amoxicillin + `","count":25,"mode":"SEQUENTIAL"}`},
		{"receiveSerials", `{"productCode":"` + tlProduct + `","source":"TRACELINK","serials":[{"value":"F1","extra":{"91":"K001"}}],"idempotencyKey":"k"}`},
		{"receiveSerials", `{"productCode":"` + attpProduct + `","source":"EXTERNAL","serials":[{"value":"F2","extra":[1]}]}`},
		{"createChannel", `{"name":"Fuzz","source":"SAP_ICH","upstreamUrl":"http://127.0.0.1:1/"}`},
		{"createChannel", `{"name":"Fuzz2","source":"SAP_ICH","upstreamUrl":"https://u:p@erp.example.com/?token=t","upstreamToken":"t"}`},
		{"rotateChannelKey", `"Q2hhbm5lbDo5OTk5OTk"`},
		{"revokeChannel", `"Q2hhbm5lbDox"`},
		{"updateChannelUpstream", `{"id":"Q2hhbm5lbDox","upstreamUrl":"https://erp.example.com/","upstreamUsername":"u","upstreamPassword":"\u0000"}`},
		{"revokeApiKey", `"QXBpS2V5Ojk5OTk5OQ"`},
		{"inviteUser", `{"email":"fuzz@example.com","name":"\u0000","role":"ADMIN"}`},
		{"updateUser", `{"id":"VXNlcjo5OTk5OTk","role":"VIEWER","disabled":true}`},
		{"requestSerials", `{"productCode":"` + amoxicillin + `","count":3,"orderRef":"PO-F"}`},
		{"releaseSerials", `{"productCode":"` + amoxicillin + `","serials":["000000000001","\u0000"]}`},
		{"createPartnerInvitation", `{}`},
		{"createPartnership", `{"invitationCode":"spi_` + strings.Repeat("A", 43) + `"}`},
		{"revokePartnerInvitation", `"UGFydG5lckludml0YXRpb246MQ"`},
		{"revokePartnerInvitation", `"UGFydG5lckludml0YXRpb246MQ"`},
		{"endPartnership", `"UGFydG5lcnNoaXA6OTk5"`}, // Partnership:999
		{"assignSerialsToPartner", `{"productCode":"` + amoxicillin + `","partner":"2","count":1}`},
		{"recordPackEvents", `[{"productCode":"` + amoxicillin + `","serial":"NEW-1","event":"COMMISSION","lot":"L1","expiry":"291231","at":"2026-01-01T00:00:00Z"}]`},
		{"createSsccPool", `{"companyPrefix":"4012345","extensionDigit":3}`},
		{"updateProductLimits", `{"productCode":"` + amoxicillin + `","requestCap":10,"lowThreshold":5,"replenishTo":0}`},
	} {
		for key := range keys {
			f.Add(index[s.mutation], uint8(key), s.vars)
		}
	}
	f.Fuzz(func(t *testing.T, mutation, key uint8, vars string) {
		name := names[int(mutation)%len(names)]
		postFuzzed(t, d.url, name, mutationDocs[name], keys[int(key)%len(keys)], vars)
	})
}

// postFuzzed posts doc with vars as its variable $in (a string where they are
// no JSON) and fails on a 5xx, an answer that is no JSON, or an error without
// a code or coded INTERNAL.
func postFuzzed(t *testing.T, url, name, doc, key, vars string) {
	var in any = json.RawMessage(vars)
	if !json.Valid([]byte(vars)) {
		in = vars // a string where an input object belongs
	} else if costly(json.RawMessage(vars)) {
		t.Skip("asks for more serials than a fuzz run should wait for")
	}
	body, err := json.Marshal(map[string]any{"query": doc, "variables": map[string]any{"in": in}})
	if err != nil {
		t.Skip("variables that Go cannot send as JSON")
	}
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer res.Body.Close()
	var r gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || res.StatusCode >= 500 {
		t.Fatalf("%s %s: %d, %v", name, vars, res.StatusCode, err)
	}
	for _, e := range r.Errors {
		if code, _ := e.Extensions["code"].(string); code == "" || code == "INTERNAL" {
			t.Fatalf("%s %s: %d, error %q with code %q", name, vars, res.StatusCode, e.Message, code)
		}
	}
}

// queryDocs send the queries that take what a person types or scans, their
// input in $in as mutationDocs do.
var queryDocs = map[string]string{
	"packEvents": `query($in: PackEventFilter) { packEvents(filter: $in, first: 10) { edges { cursor node { productCode serial event { event lot expiry } } } } }`,
	"pack":       `query($in: String!) { pack(identifier: $in) { value packStatus history { event } } }`,
	"packAfter":  `query($in: String) { packEvents(after: $in) { edges { cursor } } }`,
}

// FuzzQueryVariables posts the queries of queryDocs, as each demo role, with
// fuzzed variables, with the same expectations as FuzzMutationVariables.
func FuzzQueryVariables(f *testing.F) {
	d := newDemo(f)
	d = d.with(f, func(c *config) { c.RateLimit = 0 })
	keys := []string{d.keys.MAHAdmin, d.keys.MAHViewer, d.keys.CMOAdmin}
	names := []string{"packEvents", "pack", "packAfter"}
	for _, s := range []struct {
		query, vars string
	}{
		{"packEvents", `{"productCode":"` + amoxicillin + `","events":["COMMISSION","PACK"],"from":"2026-01-01T00:00:00Z","to":"2027-01-01T00:00:00Z"}`},
		{"packEvents", `{"events":["NOPE"],"from":"yesterday"}`},
		{"pack", `"(01)` + amoxicillin + `(21)ABC123"`},
		{"pack", `"https://id.gs1.org/01/` + amoxicillin + `/21/%00"`},
		{"pack", `"urn:epc:id:sgtin:9501101.053000.ABC123"`},
		{"pack", `"` + amoxicillin + ` 000000000001"`},
		{"pack", `"\u001d21A"`},
		{"packAfter", `"UGFja0V2ZW50Q3Vyc29yOjA6MA"`}, // PackEventCursor:0:0
		{"packAfter", `"UGFja0V2ZW50Q3Vyc29yOng6eQ"`}, // PackEventCursor:x:y
	} {
		for key := range keys {
			f.Add(uint8(slices.Index(names, s.query)), uint8(key), s.vars)
		}
	}
	f.Fuzz(func(t *testing.T, query, key uint8, vars string) {
		name := names[int(query)%len(names)]
		postFuzzed(t, d.url, name, queryDocs[name], keys[int(key)%len(keys)], vars)
	})
}

// costly reports whether the variables ask for more than 10,000 serials at once:
// valid, but slow enough to stall fuzzing.
func costly(vars json.RawMessage) bool {
	var in struct{ Count json.Number }
	if json.Unmarshal(vars, &in) != nil {
		return false
	}
	n, err := in.Count.Float64()
	return err == nil && n > 10_000
}
