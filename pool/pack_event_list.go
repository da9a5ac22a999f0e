package pool

import (
	"context"
	"strings"
	"time"

	"github.com/serialpool/serialpool/gs1"
)

// PackEventListFilter selects a page of the caller's pack events for people,
// newest event time first; every field set must hold.
type PackEventListFilter struct {
	ProductCode string          // optional: events of this product (or SSCC pool) only
	Events      []PackEventType // optional: any of these
	From, To    time.Time       // From <= event time < To; zero: open
	Before      *PackEventCursor
	Limit       int // 1..MaxPageSize
}

// PackEventCursor is where a page of PackEventListFilter ended: the event
// time and id of its last event.
type PackEventCursor struct {
	At time.Time
	ID int64
}

// PackEventListService lists pack events for people.
type PackEventListService interface {
	// RecentPackEvents returns the caller's pack events newest event time
	// first (then newest recorded): its own products' and, for a CMO, those
	// of the serials assigned to it, as the pack history shows them. A
	// product code the caller cannot see matches nothing.
	RecentPackEvents(ctx context.Context, f PackEventListFilter) (*PackEventPage, error)
}

// ParsePackIdentifier reads a pack as a person scans or types it: a GS1
// element string ((01)09501101530003(21)ABC123, or without parentheses), a
// GS1 Digital Link URI (https://id.gs1.org/01/09501101530003/21/ABC123), an
// EPC URN (urn:epc:id:sgtin:9501101.053000.ABC123), or a product code and a
// serial separated by a space. EINVALID (field identifier) for anything else,
// and for a container's SSCC, which is no pack.
func ParsePackIdentifier(s string) (PackKey, error) {
	s = strings.TrimSpace(s)
	if code, serial, ok := strings.Cut(s, " "); ok {
		if serial = strings.TrimSpace(serial); code != "" && serial != "" && !strings.ContainsAny(serial, " \t") && !strings.HasPrefix(s, "(") {
			return PackKey{ProductCode: code, Serial: serial}, nil
		}
	}
	var epc gs1.EPC
	var err error
	switch {
	case s == "":
		return PackKey{}, Invalid("identifier", "enter a product code and serial, a GS1 element string, a Digital Link URI or an EPC URN")
	case strings.HasPrefix(s, "urn:") || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		epc, err = gs1.ParseEPC(s)
	default:
		epc, err = gs1.ParseElementString(s)
	}
	if err != nil {
		return PackKey{}, Invalid("identifier", "%s is no pack identifier: %v", quoteShort(s), err)
	}
	if epc.SSCC != "" {
		return PackKey{}, Invalid("identifier", "SSCC %s names a shipping container, not a pack: look it up in the SSCC pool", epc.SSCC)
	}
	return PackKey{ProductCode: epc.GTIN, Serial: epc.Serial}, nil
}

// quoteShort quotes s for a message, cut to a readable length.
func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + s + `"`
}
