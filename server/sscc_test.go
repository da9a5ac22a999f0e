package main

import "testing"

// ssccPool(code:) answers like product(code:): the caller's own pool, or null without
// an error for an unknown code, a product's code and another tenant's pool alike, so no
// one learns which pools exist elsewhere.
func TestSsccPoolByCode(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	d.gql(t, d.keys.MAHAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012345", extensionDigit: 1}) { code } }`, nil).ok(t, &struct{}{})
	d.gql(t, d.keys.MAHOperator, `mutation { generateSerials(input: {productCode: "14012345", count: 3, mode: SEQUENTIAL}) { accepted } }`, nil).ok(t, &struct{}{})
	d.gql(t, d.keys.CMOAdmin, `mutation { createSsccPool(input: {companyPrefix: "4012346", extensionDigit: 2}) { code } }`, nil).ok(t, &struct{}{})

	const query = `query($code: String!) { ssccPool(code: $code) { code companyPrefix extensionDigit pool { available total }
		ssccs(first: 2) { edges { node { value } } } } }`
	type answer struct {
		SsccPool *struct {
			Code, CompanyPrefix string
			ExtensionDigit      int
			Pool                struct{ Available, Total int }
			Ssccs               struct {
				Edges []struct{ Node struct{ Value string } }
			}
		}
	}

	var own answer
	d.gql(t, d.keys.MAHViewer, query, map[string]any{"code": " 14012345 "}).ok(t, &own)
	p := own.SsccPool
	if p == nil || p.Code != "14012345" || p.CompanyPrefix != "4012345" || p.ExtensionDigit != 1 ||
		p.Pool.Available != 3 || p.Pool.Total != 3 || len(p.Ssccs.Edges) != 2 || p.Ssccs.Edges[0].Node.Value != "140123450000000013" {
		t.Fatalf("own pool = %+v", p)
	}

	for _, c := range []struct{ name, key, code string }{
		{"unknown code", d.keys.MAHViewer, "19999999"},
		{"a product's code", d.keys.MAHViewer, amoxicillin},
		{"another tenant's pool (the CMO's)", d.keys.MAHViewer, "24012346"},
		{"another tenant's pool (the MAH's)", d.keys.CMOAdmin, "14012345"},
	} {
		var a answer
		d.gql(t, c.key, query, map[string]any{"code": c.code}).ok(t, &a)
		if a.SsccPool != nil {
			t.Errorf("%s: ssccPool = %+v, want null", c.name, a.SsccPool)
		}
	}
}
