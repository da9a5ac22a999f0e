package epcis

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Context is the EPCIS 2.0 JSON-LD context every document names.
const Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

type jsonDocument struct {
	Context       any      `json:"@context"` // a string, an object or a list of them, as JSON-LD allows
	Type          string   `json:"type"`
	SchemaVersion string   `json:"schemaVersion"`
	CreationDate  string   `json:"creationDate"`
	Body          jsonBody `json:"epcisBody"`
}

type jsonBody struct {
	EventList    []json.RawMessage `json:"eventList,omitempty"`
	QueryResults *jsonResults      `json:"queryResults,omitempty"`
}

type jsonResults struct {
	QueryName   string `json:"queryName"`
	ResultsBody struct {
		EventList []json.RawMessage `json:"eventList"`
	} `json:"resultsBody"`
}

type jsonEvent struct {
	Type                string            `json:"type"`
	EventID             string            `json:"eventID,omitempty"`
	EventTime           string            `json:"eventTime"`
	RecordTime          string            `json:"recordTime,omitempty"`
	EventTimeZoneOffset string            `json:"eventTimeZoneOffset"`
	EPCList             []string          `json:"epcList,omitempty"`
	ParentID            string            `json:"parentID,omitempty"`
	ChildEPCs           []string          `json:"childEPCs,omitempty"`
	Action              string            `json:"action"`
	BizStep             string            `json:"bizStep,omitempty"`
	Disposition         string            `json:"disposition,omitempty"`
	ILMD                map[string]string `json:"ilmd,omitempty"`
}

// WriteJSON writes d as JSON-LD with identifiers in format f.
func WriteJSON(w io.Writer, d *Document, f Format) error {
	events := make([]json.RawMessage, len(d.Events))
	for i := range d.Events {
		je, err := toJSON(&d.Events[i], f)
		if err != nil {
			return err
		}
		if events[i], err = json.Marshal(je); err != nil {
			return err
		}
	}
	doc := jsonDocument{Context: []string{Context}, Type: "EPCISDocument", SchemaVersion: "2.0",
		CreationDate: d.CreationDate.UTC().Format(time.RFC3339Nano)}
	if d.Query {
		doc.Type = "EPCISQueryDocument"
		doc.Body.QueryResults = &jsonResults{QueryName: "SimpleEventQuery"}
		doc.Body.QueryResults.ResultsBody.EventList = events
		if len(events) == 0 {
			doc.Body.QueryResults.ResultsBody.EventList = []json.RawMessage{}
		}
	} else {
		doc.Body.EventList = events
	}
	return json.NewEncoder(w).Encode(doc)
}

func toJSON(e *Event, f Format) (*jsonEvent, error) {
	je := &jsonEvent{Type: e.Type, EventID: e.EventID, EventTime: timestamp(e.EventTime, e.TZOffset),
		EventTimeZoneOffset: e.TZOffset, Action: e.Action, BizStep: e.BizStep, Disposition: e.Disposition}
	if !e.RecordTime.IsZero() {
		je.RecordTime = e.RecordTime.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	epcs := make([]string, len(e.EPCs))
	for i, x := range e.EPCs {
		var err error
		if epcs[i], err = f.epc(x); err != nil {
			return nil, err
		}
	}
	if e.Type == AggregationEvent {
		je.ChildEPCs = epcs
		p, err := f.epc(*e.Parent)
		if err != nil {
			return nil, err
		}
		je.ParentID = p
	} else {
		je.EPCList = epcs
	}
	if e.Lot != "" || e.Expiry != "" {
		je.ILMD = map[string]string{}
		if e.Lot != "" {
			je.ILMD["cbvmda:lotNumber"] = e.Lot
		}
		if e.Expiry != "" {
			je.ILMD["cbvmda:itemExpirationDate"] = e.Expiry
		}
	}
	return je, nil
}

// ReadJSON reads a JSON-LD EPCISDocument (or EPCISQueryDocument). A document
// that is not one is an error; events that cannot be read are listed, each
// with its index, and the others returned in order. At most limit events are
// read (0: any number); more is an error.
func ReadJSON(r io.Reader, limit int) ([]Event, []*EventError, error) {
	var doc jsonDocument
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("not a JSON EPCIS document: %w", err)
	}
	if doc.Type != "EPCISDocument" && doc.Type != "EPCISQueryDocument" {
		return nil, nil, fmt.Errorf("type must be EPCISDocument, got %q", doc.Type)
	}
	raw := doc.Body.EventList
	if doc.Body.QueryResults != nil {
		raw = doc.Body.QueryResults.ResultsBody.EventList
	}
	if limit > 0 && len(raw) > limit {
		return nil, nil, &LimitError{Events: len(raw), Limit: limit}
	}
	var events []Event
	var bad []*EventError
	for i, m := range raw {
		e, err := fromJSON(m)
		if err != nil {
			err.Event = i
			bad = append(bad, err)
			continue
		}
		events = append(events, *e)
	}
	return events, bad, nil
}

func fromJSON(m json.RawMessage) (*Event, *EventError) {
	var je struct {
		jsonEvent
		ILMD map[string]any `json:"ilmd"`
	}
	if err := json.Unmarshal(m, &je); err != nil {
		return nil, badEvent("malformed", "not an event: %v", err)
	}
	e := &Event{Type: je.Type, EventID: je.EventID, TZOffset: strings.TrimSpace(je.EventTimeZoneOffset),
		Action: je.Action, BizStep: bareCBV(je.BizStep, bizStepWeb, bizStepURN),
		Disposition: bareCBV(je.Disposition, dispWeb, dispURN)}
	if bad := e.readCommon(je.EventTime, je.RecordTime, je.ParentID, je.EPCList, je.ChildEPCs); bad != nil {
		return nil, bad
	}
	for k, v := range je.ILMD {
		s, ok := v.(string)
		name := strings.TrimPrefix(strings.TrimPrefix(k, "cbvmda:"), cbvmdaIRI)
		switch {
		case name == "lotNumber" && ok:
			e.Lot = strings.TrimSpace(s)
		case name == "itemExpirationDate" && ok:
			e.Expiry = strings.TrimSpace(s)
		case name == "lotNumber" || name == "itemExpirationDate":
			return nil, badEvent("ilmd", "ilmd %s must be a string", k)
		}
	}
	if bad := e.check(); bad != nil {
		return nil, bad
	}
	return e, nil
}
