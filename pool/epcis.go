package pool

import (
	"context"
	"time"
)

// PackEventRecord is a pack event with the serial it happened to, as a
// listing of events (EPCIS queries) returns it.
type PackEventRecord struct {
	ID          int64 // its place in the listing: events are listed in the order recorded
	ProductCode string
	CodeSchema  CodeSchema // SSCC for a container's event
	Serial      string
	PackEvent
	// Parent is the container of a PACK (where the pack went) or an UNPACK
	// (where it came from); "" for other events.
	Parent string
	// PrefixLen and ParentPrefixLen are the GS1 company prefix lengths of the
	// serial's code and of Parent where an SSCC pool of the caller's tells
	// them (its code is the extension digit and the prefix); 0 where unknown.
	PrefixLen, ParentPrefixLen int
}

// PackEventKind is an event type with, for a decommissioning, its reason.
type PackEventKind struct {
	Event  PackEventType
	Reason *Reason
}

// MaxPackEventPage bounds a page of listed pack events.
const MaxPackEventPage = 1000

// PackEventFilter selects pack events; every field set must hold.
type PackEventFilter struct {
	Kinds      []PackEventKind // any of these; none: every kind
	Packs      []PackKey       // events of any of these packs, or
	Containers []string        // events packing into or out of any of these SSCCs
	Product    string          // only events of this product (or SSCC pool) code; "": any
	From, To   time.Time       // From <= event time < To; zero: open
	AfterID    int64           // the last ID of the page before
	Limit      int             // 1..MaxPackEventPage
}

// PackEventPage is a page of pack events, oldest recorded first.
type PackEventPage struct {
	Events  []*PackEventRecord
	HasNext bool
}

// CaptureState is how far a capture job has come.
type CaptureState string

const (
	CaptureRunning   CaptureState = "RUNNING"
	CaptureSucceeded CaptureState = "SUCCEEDED"
	CaptureFailed    CaptureState = "FAILED"
)

// CaptureRefusal is why one event of a failed capture was refused.
type CaptureRefusal struct {
	Event   int    `json:"event"`             // its place in the captured document, from 1
	EventID string `json:"eventID,omitempty"` // as the document named it, if it did
	EPC     string `json:"epc,omitempty"`     // the identifier the rule refused, when one was
	Code    string `json:"code"`
	Reason  string `json:"reason"`
}

// CodeCaptureInterrupted refuses a capture job whose server stopped before it
// finished: it stored nothing, and may be sent again.
const CodeCaptureInterrupted = "capture_interrupted"

// CaptureGrace is how long past its deadline a job still running is given
// before it reads as interrupted: its transaction may be committing.
const CaptureGrace = time.Minute

// Capture is a capture job: a document of events applied all or nothing.
type Capture struct {
	ID         int64
	State      CaptureState
	Events     int // events in the document
	Recorded   int // pack events recorded
	Duplicates int // pack events captured before (same event hash), not stored again
	Refusals   []CaptureRefusal
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// CapturedPackEvent is a pack event of a capture with the event hash that
// makes it idempotent.
type CapturedPackEvent struct {
	Hash string
	PackEventInput
}

// EPCISService serves the EPCIS interface over pack events.
type EPCISService interface {
	// PackEvents lists the pack events the caller sees, as PackHistories
	// scopes them: its own serials' and, for a CMO, those of the serials its
	// MAH assigned it. Returns EINVALID for a limit out of range.
	PackEvents(ctx context.Context, f PackEventFilter) (*PackEventPage, error)
	// StartCapture opens a RUNNING capture job of a document of n events,
	// which must finish within timeout: a job still running after that (its
	// server stopped; nothing of it was stored) reads as FAILED, refused with
	// CodeCaptureInterrupted. Needs RoleOperator.
	StartCapture(ctx context.Context, n int, timeout time.Duration) (*Capture, error)
	// CapturePackEvents applies a capture's pack events as RecordPackEvents
	// does, in the same transaction skipping those whose hash the caller
	// captured before, and marks the job SUCCEEDED; or, all or nothing,
	// stores nothing and returns RecordPackEvents's errors (the BatchError
	// names events by their index in events, from 1).
	CapturePackEvents(ctx context.Context, id int64, events []CapturedPackEvent) (*Capture, error)
	// FailCapture marks a running job FAILED with its refusals.
	FailCapture(ctx context.Context, id int64, refusals []CaptureRefusal) error
	// CaptureByID returns one of the caller's capture jobs; ENOTFOUND for
	// another tenant's.
	CaptureByID(ctx context.Context, id int64) (*Capture, error)
}
