package main

import (
	"fmt"
	"testing"
	"time"
)

// TestPackLookupAndList: a pack is found by each form a person scans or types
// it in (element string with and without parentheses, Digital Link, EPC URN,
// code and serial), its history with lot and expiry; the list of pack events
// shows it newest first to its MAH, not to the CMO it was not assigned to.
func TestPackLookupAndList(t *testing.T) {
	t.Parallel()
	d := newDemo(t)
	serial := "LOOKUP-" + fmt.Sprint(time.Now().UnixNano()%1e6)
	at := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	d.gql(t, d.keys.MAHOperator, `mutation($s: String!, $at: Time!) { recordPackEvents(input: [{productCode: "`+amoxicillin+`", serial: $s,
		event: COMMISSION, at: $at, lot: "LOT-42", expiry: "271231", timeZoneOffset: "+01:00"}]) { recorded } }`,
		map[string]any{"s": serial, "at": at}).ok(t, &struct{}{})

	const lookup = `query($id: String!) { pack(identifier: $id) { value product { code } history { event lot expiry timeZoneOffset } } }`
	type found struct {
		Pack *struct {
			Value   string
			Product struct{ Code string }
			History []struct{ Event, Lot, Expiry, TimeZoneOffset string }
		}
	}
	for _, id := range []string{
		"(01)" + amoxicillin + "(21)" + serial,
		"(21)" + serial + "(01)" + amoxicillin,
		"01" + amoxicillin + "21" + serial,
		"https://id.gs1.org/01/" + amoxicillin + "/21/" + serial,
		"urn:epc:id:sgtin:" + amoxicillin[1:8] + "." + amoxicillin[:1] + amoxicillin[8:13] + "." + serial,
		amoxicillin + " " + serial,
	} {
		var v found
		d.gql(t, d.keys.MAHViewer, lookup, map[string]any{"id": id}).ok(t, &v)
		if v.Pack == nil || v.Pack.Value != serial || v.Pack.Product.Code != amoxicillin || len(v.Pack.History) != 1 ||
			v.Pack.History[0] != (struct{ Event, Lot, Expiry, TimeZoneOffset string }{"COMMISSION", "LOT-42", "2027-12-31", "+01:00"}) {
			t.Errorf("pack(%q) = %+v", id, v.Pack)
		}
	}
	// The CMO was not assigned this serial: not found, as an unknown one.
	var v found
	d.gql(t, d.keys.CMOAdmin, lookup, map[string]any{"id": amoxicillin + " " + serial}).ok(t, &v)
	if v.Pack != nil {
		t.Errorf("the CMO finds the MAH's own serial: %+v", v.Pack)
	}
	if r := d.gql(t, d.keys.MAHViewer, lookup, map[string]any{"id": "(01)04012340051007(21)X"}); r.code() != "BAD_USER_INPUT" {
		t.Errorf("a wrong check digit: %+v", r.Errors)
	}

	const list = `query($f: PackEventFilter) { packEvents(filter: $f, first: 5) { edges { node { productCode serial event { event lot } } } } }`
	var l struct {
		PackEvents struct {
			Edges []struct {
				Node struct {
					ProductCode, Serial string
					Event               struct{ Event, Lot string }
				}
			}
		}
	}
	d.gql(t, d.keys.MAHViewer, list, map[string]any{"f": map[string]any{"productCode": amoxicillin, "events": []string{"COMMISSION"}}}).ok(t, &l)
	if e := l.PackEvents.Edges; len(e) == 0 || e[0].Node.Serial != serial || e[0].Node.Event.Lot != "LOT-42" || e[0].Node.ProductCode != amoxicillin {
		t.Errorf("the MAH's newest commissioning of %s: %+v", amoxicillin, e)
	}
	l.PackEvents.Edges = nil
	d.gql(t, d.keys.CMOAdmin, list, nil).ok(t, &l)
	for _, e := range l.PackEvents.Edges {
		if e.Node.Serial == serial {
			t.Errorf("the CMO lists the MAH's own event: %+v", e)
		}
	}
}
