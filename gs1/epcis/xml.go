package epcis

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// XML namespaces of EPCIS 2.0 and of the CBV master data attributes (which,
// unlike the JSON-LD prefix, has no trailing colon).
const (
	nsEPCIS      = "urn:epcglobal:epcis:xsd:2"
	nsEPCISQuery = "urn:epcglobal:epcis-query:xsd:2"
	nsCBVMDA     = "urn:epcglobal:cbv:mda"
)

// What WriteXML writes: prefixed names, since encoding/xml cannot choose
// prefixes itself.
type xmlOutDocument struct {
	XMLName       xml.Name
	XMLNSEPCIS    string     `xml:"xmlns:epcis,attr"`
	XMLNSQuery    string     `xml:"xmlns:epcisq,attr,omitempty"`
	XMLNSCBVMDA   string     `xml:"xmlns:cbvmda,attr"`
	SchemaVersion string     `xml:"schemaVersion,attr"`
	CreationDate  string     `xml:"creationDate,attr"`
	Body          xmlOutBody `xml:"EPCISBody"`
}

type xmlOutBody struct {
	EventList    *xmlEventList `xml:"EventList,omitempty"`
	QueryResults *struct {
		QueryName   string       `xml:"queryName"`
		ResultsBody xmlEventList `xml:"resultsBody>EventList"`
	} `xml:"epcisq:QueryResults,omitempty"`
}

type xmlEventList struct {
	Events []xmlOutEvent
}

type xmlOutEvent struct {
	XMLName             xml.Name
	EventTime           string      `xml:"eventTime"`
	RecordTime          string      `xml:"recordTime,omitempty"`
	EventTimeZoneOffset string      `xml:"eventTimeZoneOffset"`
	EventID             string      `xml:"eventID,omitempty"`
	EPCList             *xmlEPCs    `xml:"epcList,omitempty"`
	ParentID            string      `xml:"parentID,omitempty"`
	ChildEPCs           *xmlEPCs    `xml:"childEPCs,omitempty"`
	Action              string      `xml:"action"`
	BizStep             string      `xml:"bizStep,omitempty"`
	Disposition         string      `xml:"disposition,omitempty"`
	ILMD                *xmlOutILMD `xml:"ilmd,omitempty"`
}

type xmlEPCs struct {
	EPC []string `xml:"epc"`
}

type xmlOutILMD struct {
	Lot    string `xml:"cbvmda:lotNumber,omitempty"`
	Expiry string `xml:"cbvmda:itemExpirationDate,omitempty"`
}

// WriteXML writes d as EPCIS 2.0 XML with identifiers in format f.
func WriteXML(w io.Writer, d *Document, f Format) error {
	list := xmlEventList{Events: make([]xmlOutEvent, len(d.Events))}
	for i := range d.Events {
		e := &d.Events[i]
		je, err := toJSON(e, f) // the same identifiers and times, one conversion
		if err != nil {
			return err
		}
		xe := xmlOutEvent{XMLName: xml.Name{Local: e.Type}, EventTime: je.EventTime, RecordTime: je.RecordTime,
			EventTimeZoneOffset: je.EventTimeZoneOffset, EventID: je.EventID, ParentID: je.ParentID, Action: je.Action}
		if e.BizStep != "" {
			xe.BizStep = bizStepURN + e.BizStep
		}
		if e.Disposition != "" {
			xe.Disposition = dispURN + e.Disposition
		}
		if e.Type == AggregationEvent {
			xe.ChildEPCs = &xmlEPCs{EPC: je.ChildEPCs}
		} else {
			xe.EPCList = &xmlEPCs{EPC: je.EPCList}
		}
		if e.Lot != "" || e.Expiry != "" {
			xe.ILMD = &xmlOutILMD{Lot: e.Lot, Expiry: e.Expiry}
		}
		list.Events[i] = xe
	}
	doc := xmlOutDocument{XMLName: xml.Name{Local: "epcis:EPCISDocument"}, XMLNSEPCIS: nsEPCIS, XMLNSCBVMDA: nsCBVMDA,
		SchemaVersion: "2.0", CreationDate: d.CreationDate.UTC().Format(time.RFC3339Nano)}
	if d.Query {
		doc.XMLName.Local, doc.XMLNSQuery = "epcisq:EPCISQueryDocument", nsEPCISQuery
		doc.Body.QueryResults = &struct {
			QueryName   string       `xml:"queryName"`
			ResultsBody xmlEventList `xml:"resultsBody>EventList"`
		}{QueryName: "SimpleEventQuery", ResultsBody: list}
	} else {
		doc.Body.EventList = &list
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	return xml.NewEncoder(w).Encode(doc)
}

// What ReadXML reads: local names, in whatever namespace prefix the sender chose.
type xmlInEvent struct {
	XMLName             xml.Name
	EventTime           string   `xml:"eventTime"`
	RecordTime          string   `xml:"recordTime"`
	EventTimeZoneOffset string   `xml:"eventTimeZoneOffset"`
	EventID             string   `xml:"eventID"`
	EPCList             []string `xml:"epcList>epc"`
	ParentID            string   `xml:"parentID"`
	ChildEPCs           []string `xml:"childEPCs>epc"`
	Action              string   `xml:"action"`
	BizStep             string   `xml:"bizStep"`
	Disposition         string   `xml:"disposition"`
	ILMD                struct {
		Fields []struct {
			XMLName xml.Name
			Value   string `xml:",chardata"`
		} `xml:",any"`
	} `xml:"ilmd"`
}

type xmlInEventList struct {
	Events []xmlInEvent `xml:",any"`
}

// ReadXML reads an EPCIS 2.0 (or 1.2) XML EPCISDocument or
// EPCISQueryDocument, as ReadJSON does. The decoder reads no DTD and no
// external entity: encoding/xml never fetches or expands them.
func ReadXML(r io.Reader, limit int) ([]Event, []*EventError, error) {
	var doc struct {
		XMLName xml.Name
		Body    struct {
			EventList    xmlInEventList `xml:"EventList"`
			QueryResults struct {
				EventList xmlInEventList `xml:"resultsBody>EventList"`
			} `xml:"QueryResults"`
		} `xml:"EPCISBody"`
	}
	if err := xml.NewDecoder(r).Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("not an XML EPCIS document: %w", err)
	}
	if doc.XMLName.Local != "EPCISDocument" && doc.XMLName.Local != "EPCISQueryDocument" {
		return nil, nil, fmt.Errorf("the root element must be EPCISDocument, got %q", doc.XMLName.Local)
	}
	raw := append(doc.Body.EventList.Events, doc.Body.QueryResults.EventList.Events...)
	if limit > 0 && len(raw) > limit {
		return nil, nil, &LimitError{Events: len(raw), Limit: limit}
	}
	var events []Event
	var bad []*EventError
	for i := range raw {
		e, err := fromXML(&raw[i])
		if err != nil {
			err.Event = i
			bad = append(bad, err)
			continue
		}
		events = append(events, *e)
	}
	return events, bad, nil
}

func fromXML(x *xmlInEvent) (*Event, *EventError) {
	e := &Event{Type: x.XMLName.Local, EventID: strings.TrimSpace(x.EventID), TZOffset: strings.TrimSpace(x.EventTimeZoneOffset),
		Action: strings.TrimSpace(x.Action), BizStep: bareCBV(strings.TrimSpace(x.BizStep), bizStepWeb, bizStepURN),
		Disposition: bareCBV(strings.TrimSpace(x.Disposition), dispWeb, dispURN)}
	if bad := e.readCommon(x.EventTime, x.RecordTime, strings.TrimSpace(x.ParentID), x.EPCList, x.ChildEPCs); bad != nil {
		return nil, bad
	}
	for _, f := range x.ILMD.Fields {
		switch f.XMLName {
		case xml.Name{Space: nsCBVMDA, Local: "lotNumber"}:
			e.Lot = strings.TrimSpace(f.Value)
		case xml.Name{Space: nsCBVMDA, Local: "itemExpirationDate"}:
			e.Expiry = strings.TrimSpace(f.Value)
		}
	}
	if bad := e.check(); bad != nil {
		return nil, bad
	}
	return e, nil
}

// readCommon reads what the JSON-LD and XML forms of an event share: its
// times, its EPCs and an aggregation's parent.
func (e *Event) readCommon(eventTime, recordTime, parentID string, epcList, childEPCs []string) *EventError {
	var bad *EventError
	if eventTime != "" {
		if e.EventTime, bad = parseTime("eventTime", eventTime); bad != nil {
			return bad
		}
	}
	if recordTime != "" {
		if e.RecordTime, bad = parseTime("recordTime", recordTime); bad != nil {
			return bad
		}
	}
	uris, field := epcList, "epcList"
	if e.Type == AggregationEvent {
		uris, field = childEPCs, "childEPCs"
		if parentID != "" {
			p, bad := parseEPCs("parentID", []string{parentID})
			if bad != nil {
				return bad
			}
			e.Parent = &p[0]
		}
	}
	e.EPCs, bad = parseEPCs(field, uris)
	return bad
}
