package pool

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// SignatureMeaning is what a signer declares by signing (21 CFR 11.50): that
// they performed, reviewed or approved the action.
type SignatureMeaning string

const (
	Performed SignatureMeaning = "PERFORMED"
	Reviewed  SignatureMeaning = "REVIEWED"
	Approved  SignatureMeaning = "APPROVED"
)

// MaxSignatureReason bounds a signature's reason, in characters.
const MaxSignatureReason = 500

// SignatureInput is what the caller of a significant action gives to sign it:
// a person re-enters their password; an API key's caller (a machine, recorded
// as its service account) gives the meaning and reason only.
type SignatureInput struct {
	Password string
	Meaning  SignatureMeaning
	Reason   string
}

// Validate checks the meaning and the reason (1 to MaxSignatureReason
// characters); it trims the reason.
func (s *SignatureInput) Validate() error {
	switch s.Meaning {
	case Performed, Reviewed, Approved:
	default:
		return Invalid("signature.meaning", "a signature's meaning is PERFORMED, REVIEWED or APPROVED")
	}
	s.Reason = strings.TrimSpace(s.Reason)
	if s.Reason == "" || utf8.RuneCountInString(s.Reason) > MaxSignatureReason || !utf8.ValidString(s.Reason) {
		return Invalid("signature.reason", "a signature needs a reason of 1 to %d characters", MaxSignatureReason)
	}
	return nil
}

// Signature is an electronic signature as recorded with its audit entry, inside
// the entry's hashed content, so it cannot be moved to another record.
type Signature struct {
	Name           string `json:"name"`            // the person's full name, or the service account's (with its key)
	Email          string `json:"email,omitempty"` // the person's; "" for a service account
	ServiceAccount bool   `json:"serviceAccount,omitempty"`
	// Reauthenticated: the person signed by signing in again at the tenant's
	// OpenID provider (they have no password here).
	Reauthenticated bool             `json:"reauthenticated,omitempty"`
	At              time.Time        `json:"at"`
	Meaning         SignatureMeaning `json:"meaning"`
	Reason          string           `json:"reason"`
}

type signatureInputKey struct{}

// WithSignature returns a context carrying the caller's signature for the
// significant action it asks for (the transports set it from their input).
func WithSignature(ctx context.Context, s SignatureInput) context.Context {
	return context.WithValue(ctx, signatureInputKey{}, s)
}

// SignatureFrom returns the caller's signature input, if it gave one.
func SignatureFrom(ctx context.Context) (SignatureInput, bool) {
	s, ok := ctx.Value(signatureInputKey{}).(SignatureInput)
	return s, ok
}

// NeedsSignature reports whether recording events is significant enough to be
// signed: a decommissioning that can never be undone (DESTROYED, STOLEN, EXPORTED).
func NeedsSignature(events []PackEventInput) bool {
	for _, e := range events {
		if e.Event == Decommission && e.Reason != nil && final[*e.Reason] {
			return true
		}
	}
	return false
}
