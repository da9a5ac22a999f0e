package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// The cbvmda namespace as JSON-LD expands it; the event hash names ilmd
// fields by their expanded IRI in braces.
const cbvmdaIRI = "urn:epcglobal:cbv:mda:"

// Hash returns the event's CBV 2.0 event hash (CBV 2.0 section 8.9),
// ni:///sha-256;<hex>?ver=CBV2.0: the SHA-256 of the pre-hash string, which
// lists the event's fields in the canonical order (eventType, eventTime,
// eventTimeZoneOffset, epcList, parentID, childEPCs, action, bizStep,
// disposition, ilmd) as name=value with no separators; times in UTC with
// millisecond precision; identifiers as canonical GS1 Digital Link URIs
// whatever form they were given in; CBV values as their Web URIs; the
// elements of a list and of ilmd in case-sensitive lexical order; eventID
// and recordTime left out. Two captures of the same event therefore hash
// alike, whether they wrote EPC URNs or Digital Links.
func (e *Event) Hash() string {
	sum := sha256.Sum256([]byte(e.preHash()))
	return "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=CBV2.0"
}

func (e *Event) preHash() string {
	var b strings.Builder
	field := func(name, value string) {
		if value != "" {
			b.WriteString(name + "=" + value)
		}
	}
	list := func(name string, items []string) {
		if len(items) == 0 {
			return
		}
		sort.Strings(items)
		b.WriteString(name + strings.Join(items, ""))
	}
	epcs := make([]string, len(e.EPCs))
	for i, x := range e.EPCs {
		epcs[i] = "epc=" + x.DigitalLink()
	}
	field("eventType", e.Type)
	field("eventTime", e.EventTime.UTC().Format("2006-01-02T15:04:05.000Z"))
	field("eventTimeZoneOffset", e.TZOffset)
	if e.Type == ObjectEvent {
		list("epcList", epcs)
	}
	if e.Parent != nil {
		field("parentID", e.Parent.DigitalLink())
	}
	if e.Type == AggregationEvent {
		list("childEPCs", epcs)
	}
	field("action", e.Action)
	if e.BizStep != "" {
		field("bizStep", bizStepWeb+e.BizStep)
	}
	if e.Disposition != "" {
		field("disposition", dispWeb+e.Disposition)
	}
	var ilmd []string
	if e.Lot != "" {
		ilmd = append(ilmd, "{"+cbvmdaIRI+"}lotNumber="+e.Lot)
	}
	if e.Expiry != "" {
		ilmd = append(ilmd, "{"+cbvmdaIRI+"}itemExpirationDate="+e.Expiry)
	}
	list("ilmd", ilmd)
	return b.String()
}
