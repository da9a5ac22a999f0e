package pool

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/serialpool/serialpool/gs1"
)

// Alphabet is what a product's SNM-generated serials are drawn from.
type Alphabet string

const (
	Numeric      Alphabet = "NUMERIC"      // digits only
	Alphanumeric Alphabet = "ALPHANUMERIC" // GS1 character set 82
)

// Chars returns the characters of the alphabet.
func (a Alphabet) Chars() string {
	if a == Alphanumeric {
		return gs1.Charset82
	}
	return gs1.Digits
}

// GenerationMode is how SNM picks new serials.
type GenerationMode string

const (
	Random     GenerationMode = "RANDOM"
	Sequential GenerationMode = "SEQUENTIAL"
)

// Limits of one intake call.
const (
	MaxGenerate     = 1_000_000 // serials generated in one call
	MaxBatch        = 100_000   // serials in one GraphQL/JSON batch; bulk bodies are unbounded
	MaxReportedRows = 100       // offending rows named in a rejected batch's error
	// FMDGuessOdds is the EU FMD rule: the chance of guessing a valid serial
	// must stay below 1 in 10,000.
	FMDGuessOdds = 10_000
)

// SerialInput is one serial offered to a pool.
type SerialInput struct {
	Value string            `json:"value"`
	Extra map[string]string `json:"extra,omitempty"` // e.g. TraceLink's crypto key (AI 91) and code (AI 92)
}

// extraRules are the extra parameters TraceLink may carry, by AI, with their exact lengths.
var extraRules = map[string]int{"91": 4, "92": 44}

// Validate checks one serial offered from source; the error names the rule.
func (s SerialInput) Validate(source Source) *RowError {
	if err := gs1.ValidSerial(s.Value); err != nil {
		return &RowError{Value: s.Value, Code: "serial_" + err.(*gs1.Error).Rule, Reason: err.Error()}
	}
	if len(s.Extra) > 0 && source != SourceTraceLink {
		return &RowError{Value: s.Value, Code: "extra_not_allowed", Reason: "extra parameters are stored for TRACELINK serials only"}
	}
	for _, ai := range slices.Sorted(maps.Keys(s.Extra)) { // in order: the same row is refused for the same rule
		v := s.Extra[ai]
		n, ok := extraRules[ai]
		switch {
		case !ok:
			return &RowError{Value: s.Value, Code: "extra_unknown", Reason: fmt.Sprintf("extra parameter %q is not known (allowed: AI 91, AI 92)", ai)}
		case len(v) != n:
			return &RowError{Value: s.Value, Code: "extra_length", Reason: fmt.Sprintf("AI %s must be %d characters, got %d", ai, n, len(v))}
		}
		if !inCharset82(v) {
			return &RowError{Value: s.Value, Code: "extra_charset", Reason: fmt.Sprintf("AI %s must use GS1 character set 82", ai)}
		}
	}
	return nil
}

func inCharset82(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(gs1.Charset82, s[i]) < 0 {
			return false
		}
	}
	return true
}

// RowError is one offending row of a rejected batch.
type RowError struct {
	Row    int64  `json:"row"` // 1-based position in the batch
	Value  string `json:"value"`
	Code   string `json:"code"` // machine-readable rule, e.g. serial_charset, duplicate_in_pool
	Reason string `json:"reason"`
}

// BatchError rejects a whole batch: nothing of it was stored.
type BatchError struct {
	Code  string     // EINVALID for bad rows, ECONFLICT for duplicates
	Rows  []RowError // the first MaxReportedRows offending rows
	Total int64      // all offending rows
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("%d of the batch's rows were rejected, nothing was stored; first: row %d %q: %s",
		e.Total, e.Rows[0].Row, e.Rows[0].Value, e.Rows[0].Reason)
}

// AsError presents the batch error as an application error.
func (e *BatchError) AsError() *Error {
	return &Error{Code: e.Code, Field: "serials", Message: e.Error(), Batch: e}
}

// Add records an offending row, keeping the first MaxReportedRows.
func (e *BatchError) Add(r RowError) {
	e.Total++
	if len(e.Rows) < MaxReportedRows {
		e.Rows = append(e.Rows, r)
	}
}

// Rows streams the serials of a batch. Next returns io.EOF after the last one;
// any other error ends the batch (a malformed body).
type Rows interface {
	Next() (SerialInput, error)
}

// SliceRows streams serials already in memory (a GraphQL or JSON batch).
type SliceRows []SerialInput

// Next implements Rows.
func (s *SliceRows) Next() (SerialInput, error) {
	if len(*s) == 0 {
		return SerialInput{}, io.EOF
	}
	r := (*s)[0]
	*s = (*s)[1:]
	return r, nil
}

// Intake is a batch of serials offered to a product's pool.
type Intake struct {
	ProductCode    string
	Source         Source
	ChannelID      int64  // the channel that pushed it; 0 from the GraphQL API
	IdempotencyKey string // optional; the same key returns the first result
	Rows           Rows
	Progress       func(rows int64) // optional; called as rows stream in
}

// Validate checks what can be checked before reading any row.
func (in *Intake) Validate() error {
	switch in.Source {
	case SourceSAPATTP, SourceSAPICH, SourceTraceLink, SourceExternal:
	case SourceSNM:
		return Invalid("source", "SNM serials are generated with generateSerials, not received")
	default:
		return Invalid("source", "serials cannot be received from source %q", in.Source)
	}
	return validKey(in.IdempotencyKey)
}

// validKey checks an optional idempotency key.
func validKey(key string) error {
	if len(key) > 200 {
		return Invalid("idempotencyKey", "idempotencyKey must be at most 200 characters")
	}
	return nil
}

// AllowsSource reports whether a product whose serials come from productSource
// accepts serials from source: its own source, and EXTERNAL (serials a line
// already used) for any product.
func AllowsSource(productSource, source Source) bool {
	return source == productSource || source == SourceExternal
}

// ArrivalStatus is the pool status of a serial on arrival: external serials were
// already used and arrive assigned.
func ArrivalStatus(source Source) Status {
	if source == SourceExternal {
		return Assigned
	}
	return Available
}

// IntakeResult is what a stored batch reports, now and on every replay.
type IntakeResult struct {
	BatchID     int64
	ProductCode string
	Source      Source
	Accepted    int64
	Replayed    bool // true when an earlier delivery with the same idempotency key is returned
}

// Generation asks SNM for new serials.
type Generation struct {
	ProductCode string
	Count       int
	Mode        GenerationMode
}

// Validate checks the request's shape.
func (g *Generation) Validate() error {
	if g.Count < 1 || g.Count > MaxGenerate {
		return Invalid("count", "count must be between 1 and %d, got %d", MaxGenerate, g.Count)
	}
	if g.Mode != Random && g.Mode != Sequential {
		return Invalid("mode", "unknown generation mode %q", g.Mode)
	}
	return nil
}

// CheckFMDSpace enforces the EU FMD guessing rule for random serials: after
// adding count serials to a pool of existing ones, the serial space must still
// hold at least FMDGuessOdds times as many values as serials.
func CheckFMDSpace(a Alphabet, length int, existing, count int64) error {
	space := math.Pow(float64(len(a.Chars())), float64(length))
	if need := float64(existing+count) * FMDGuessOdds; space < need {
		return Invalid("count", "%d more serials would make random %s serials of length %d guessable better than 1 in %d "+
			"(space %.3g, needs %.3g): use a longer or alphanumeric serial format", count, strings.ToLower(string(a)), length, FMDGuessOdds, space, need)
	}
	return nil
}

// RandomSerials returns a generator of uniformly random serials over the
// alphabet, from a cryptographic source (predictable serials break EU FMD).
// Bytes at or above the largest multiple of the alphabet size are rejected, so
// every character is equally likely.
func RandomSerials(a Alphabet, length int) func() (string, error) {
	chars := a.Chars()
	limit := 256 - 256%len(chars)
	src := bufio.NewReaderSize(rand.Reader, 4096)
	return func() (string, error) {
		b := make([]byte, length)
		for i := 0; i < length; {
			c, err := src.ReadByte()
			if err != nil {
				return "", err
			}
			if int(c) < limit {
				b[i] = chars[int(c)%len(chars)]
				i++
			}
		}
		return string(b), nil
	}
}

// SequentialSerial formats the n-th sequential serial, zero-padded to length.
func SequentialSerial(n int64, length int) (string, error) {
	s := strconv.FormatInt(n, 10)
	if len(s) > length {
		return "", Invalid("count", "sequential serials of length %d are exhausted at %d", length, n)
	}
	return strings.Repeat("0", length-len(s)) + s, nil
}

// Channel is an outside system pushing serials into a tenant's pools. Its key
// and its upstream credentials are never part of it: both are write-only.
type Channel struct {
	ID                      int64
	Name                    string
	Source                  Source
	UpstreamURL             *string // where replenishment requests go
	UpstreamProtocol        UpstreamProtocol
	UpstreamSendingSystem   *string // how serialpool names itself to the upstream (TraceLink, SAP)
	UpstreamReceivingSystem *string // how the upstream names itself
	UpstreamCredentialsSet  bool    // whether credentials for the upstream are stored
	CreatedAt               time.Time
	KeyRotatedAt            *time.Time // when its key was last replaced
	RevokedAt               *time.Time // its key stopped working then; nil while it works
}

// NewChannel is the input to CreateChannel.
type NewChannel struct {
	Name     string
	Source   Source
	Upstream Upstream
}

// IntakeService brings serials into pools.
type IntakeService interface {
	// Receive stores a batch of serials all-or-nothing. Needs RoleOperator.
	// Returns EINVALID (a *BatchError naming the rows) for bad serials, ECONFLICT
	// for duplicates within the batch or against the pool and for a reused
	// idempotency key with a different batch, ENOTFOUND for an unknown product.
	Receive(ctx context.Context, in Intake) (*IntakeResult, error)
	// Generate creates new SNM serials in the product's pool. Needs RoleOperator.
	Generate(ctx context.Context, g Generation) (*IntakeResult, error)
	// IntakeProgress reports a batch by idempotency key: rows read so far while it
	// streams in, its result once stored. Returns ENOTFOUND otherwise.
	IntakeProgress(ctx context.Context, idempotencyKey string) (running bool, rows int64, res *IntakeResult, err error)
	// CreateChannel registers a channel and returns its key, shown only once. Needs RoleAdmin.
	CreateChannel(ctx context.Context, c NewChannel) (*Channel, string, error)
	// ChannelByKey returns the caller's channel with that key, or EUNAUTHENTICATED
	// (for a revoked or replaced key too).
	ChannelByKey(ctx context.Context, key string) (*Channel, error)
	// Channels lists the caller's channels, revoked ones included.
	Channels(ctx context.Context) ([]*Channel, error)
	// RotateChannelKey gives a channel a new key and returns it, shown only once;
	// the old key stops working at once. ENOTFOUND for another tenant's channel
	// and for a revoked one. Needs RoleAdmin.
	RotateChannelKey(ctx context.Context, id int64) (*Channel, string, error)
	// RevokeChannel stops a channel's key for good; what it delivered stays.
	// ENOTFOUND for another tenant's channel and for a revoked one. Needs RoleAdmin.
	RevokeChannel(ctx context.Context, id int64) (*Channel, error)
	// UpdateChannelUpstream replaces a channel's upstream URL and credentials
	// (credentials not given are cleared). ENOTFOUND as for RevokeChannel. Needs RoleAdmin.
	UpdateChannelUpstream(ctx context.Context, id int64, u Upstream) (*Channel, error)
}
