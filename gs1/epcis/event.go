// Package epcis reads and writes GS1 EPCIS 2.0 documents of the events a
// serial number pool records about packs: ObjectEvents (commissioning,
// decommissioning and its kinds) and AggregationEvents (packing into an
// SSCC), in JSON-LD and XML, and gives each event its CBV 2.0 event hash.
//
// Like gs1 it is pure standards code: no storage, no I/O beyond the reader
// or writer it is handed.
package epcis

import (
	"fmt"
	"strings"
	"time"

	"github.com/serialpool/serialpool/gs1"
)

// Event types and actions this package handles.
const (
	ObjectEvent      = "ObjectEvent"
	AggregationEvent = "AggregationEvent"

	ActionAdd     = "ADD"
	ActionObserve = "OBSERVE"
	ActionDelete  = "DELETE"
)

// Event is one EPCIS event about packs. CBV values (BizStep, Disposition)
// are the bare CBV words ("commissioning"); each encoding writes its own form.
type Event struct {
	Type        string // ObjectEvent or AggregationEvent
	EventID     string // the CBV event hash when written by this package
	EventTime   time.Time
	TZOffset    string    // eventTimeZoneOffset, "+01:00"
	RecordTime  time.Time // zero: not said
	EPCs        []gs1.EPC // an ObjectEvent's epcList, an AggregationEvent's childEPCs
	Parent      *gs1.EPC  // an AggregationEvent's parentID
	Action      string
	BizStep     string
	Disposition string
	Lot         string // ilmd cbvmda:lotNumber
	Expiry      string // ilmd cbvmda:itemExpirationDate, YYYY-MM-DD
}

// Format is how identifiers are written: the GS1-EPC-Format choice.
type Format int

const (
	// DigitalLink writes GS1 Digital Link URIs (EPCIS 2.0's No_Preference default).
	DigitalLink Format = iota
	// URN writes EPC pure identity URNs; every EPC must carry its company prefix length.
	URN
)

func (f Format) epc(e gs1.EPC) (string, error) {
	if f == URN {
		return e.URN()
	}
	return e.DigitalLink(), nil
}

// Document is an EPCISDocument (what a capture sends) or, with Query set, an
// EPCISQueryDocument answering a SimpleEventQuery.
type Document struct {
	Query        bool
	CreationDate time.Time
	Events       []Event
}

// EventError is an event of a document that cannot be read: the document is
// whole, the event is not.
type EventError struct {
	Event  int    // its index in the document, from 0
	Code   string // machine-readable
	Reason string
}

func (e *EventError) Error() string { return fmt.Sprintf("event %d: %s", e.Event+1, e.Reason) }

func badEvent(code, format string, args ...any) *EventError {
	return &EventError{Code: code, Reason: fmt.Sprintf(format, args...)}
}

// LimitError is a document of more events than a reader takes.
type LimitError struct{ Events, Limit int }

func (e *LimitError) Error() string {
	return fmt.Sprintf("the document has %d events; at most %d are captured at once", e.Events, e.Limit)
}

// CBV vocabulary prefixes: JSON-LD writes bare words and expands them to the
// Web URI form; XML writes the URN form. Readers take all three.
const (
	bizStepWeb = "https://ref.gs1.org/cbv/BizStep-"
	dispWeb    = "https://ref.gs1.org/cbv/Disp-"
	bizStepURN = "urn:epcglobal:cbv:bizstep:"
	dispURN    = "urn:epcglobal:cbv:disp:"
)

// bareCBV turns any of the three forms of a CBV value into its bare word.
func bareCBV(v, web, urn string) string {
	if w, ok := strings.CutPrefix(v, web); ok {
		return w
	}
	if w, ok := strings.CutPrefix(v, urn); ok {
		return w
	}
	return v
}

// check validates what every reader of an event needs, whatever the encoding.
func (e *Event) check() *EventError {
	switch e.Type {
	case ObjectEvent, AggregationEvent:
	default:
		return badEvent("unsupported_event_type", "only ObjectEvent and AggregationEvent are captured, got %q", e.Type)
	}
	switch e.Action {
	case ActionAdd, ActionObserve, ActionDelete:
	default:
		return badEvent("action", "action must be ADD, OBSERVE or DELETE, got %q", e.Action)
	}
	if e.EventTime.IsZero() {
		return badEvent("event_time", "eventTime is required")
	}
	if _, err := parseOffset(e.TZOffset); err != nil {
		return badEvent("event_time_zone_offset", "%v", err)
	}
	if len(e.EPCs) == 0 {
		return badEvent("epc", "the event names no EPC (epcList, or childEPCs)")
	}
	if e.Type == AggregationEvent && e.Parent == nil {
		return badEvent("parent_id", "an AggregationEvent needs a parentID (an SSCC)")
	}
	if e.Expiry != "" {
		if _, err := time.Parse(time.DateOnly, e.Expiry); err != nil {
			return badEvent("item_expiration_date", "cbvmda:itemExpirationDate must be a date YYYY-MM-DD, got %q", e.Expiry)
		}
	}
	return nil
}

// parseEPCs reads identifiers; a Digital Link and an EPC URN of the same pack
// are the same EPC.
func parseEPCs(field string, uris []string) ([]gs1.EPC, *EventError) {
	out := make([]gs1.EPC, len(uris))
	for i, u := range uris {
		e, err := gs1.ParseEPC(strings.TrimSpace(u))
		if err != nil {
			return nil, badEvent("epc_"+err.(*gs1.Error).Rule, "%s: %v", field, err)
		}
		out[i] = e
	}
	return out, nil
}

// parseOffset reads an eventTimeZoneOffset, ±hh:mm.
func parseOffset(s string) (*time.Location, error) {
	t, err := time.Parse("-07:00", s)
	if err != nil || len(s) != 6 {
		return nil, fmt.Errorf("eventTimeZoneOffset must be ±hh:mm, got %q", s)
	}
	_, off := t.Zone()
	return time.FixedZone(s, off), nil
}

// timestamp writes a time in the event's own offset, to the millisecond.
func timestamp(t time.Time, offset string) string {
	if loc, err := parseOffset(offset); err == nil {
		t = t.In(loc)
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00")
}

func parseTime(field, s string) (time.Time, *EventError) {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, badEvent(field, "%s must be an RFC 3339 date-time with an offset, got %q", field, s)
	}
	return t, nil
}
