package gs1

import "unicode/utf8"

// Alphabets a serial generator draws from. Charset82 is GS1 character set
// 82 (the AI 21 alphabet) in ASCII order; Digits is for numeric-only serials.
const (
	Charset82 = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`
	Digits    = "0123456789"
)

// MaxSerialLen is the AI 21 maximum length; AI 10 (batch or lot) and the
// national reimbursement numbers (AI 710-715) have the same.
const MaxSerialLen = 20

var inCharset82 = byteSet(Charset82)

// ValidSerial validates a GS1 serial number (AI 21): 1 to 20 characters,
// all from character set 82. Everything else, including space and any
// non-ASCII character, is rejected because it cannot be encoded in a GS1
// barcode or reported to a verification system.
func ValidSerial(s string) error { return valid82("serial", s) }

// ValidLot validates a batch or lot number (AI 10): the rules of AI 21.
func ValidLot(s string) error { return valid82("lot", s) }

// ValidNHRN validates a national healthcare reimbursement number (AI 710 to
// 715): the rules of AI 21.
func ValidNHRN(s string) error { return valid82("national reimbursement number", s) }

// valid82 requires 1 to 20 characters of set 82.
func valid82(what, s string) error {
	// Count characters, not bytes, so "é" x 10 is reported as 10 long.
	if n := utf8.RuneCountInString(s); n < 1 || n > MaxSerialLen {
		return fail(RuleLength, "%s must be 1 to %d characters, got %d", what, MaxSerialLen, n)
	}
	// Checking bytes is enough: every byte of a multi-byte character
	// is >= 0x80 and so outside the set.
	for i := 0; i < len(s); i++ {
		if !inCharset82[s[i]] {
			return fail(RuleCharset, "%s is not in GS1 character set 82", charAt(s, i))
		}
	}
	return nil
}
