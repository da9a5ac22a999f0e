// Package gs1 validates and builds the identifiers a pharmaceutical serial
// number pool stores: product codes (GTIN, NTIN, NDC, PZN/PPN), serial
// numbers (GS1 AI 21), SSCCs, and their EPC URI and GS1 Digital Link forms.
//
// It is pure standards code: no storage, no I/O. Every rejection is an
// *Error whose Rule names the broken rule, so API layers can report it
// without parsing messages.
package gs1

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Rule names carried by *Error. They are part of the API: callers report
// them to users and clients match on them, so they must not change.
const (
	RuleLength        = "length"
	RuleDigits        = "digits"
	RuleCheckDigit    = "check_digit"
	RuleCharset       = "charset"
	RulePrefix        = "prefix"
	RulePZNCheck      = "pzn_check"
	RulePPNCheck      = "ppn_check"
	RuleCompanyPrefix = "company_prefix"
	RuleDate          = "date" // a date that does not exist (month 13, 31 April)
)

// Error is a rejected input. Rule is for machines, Detail for people.
type Error struct {
	Rule   string // one of the Rule* constants
	Detail string // what was wrong, with position and character where relevant
}

// Error reads like "check digit: expected 3, got 5".
func (e *Error) Error() string {
	return strings.ReplaceAll(e.Rule, "_", " ") + ": " + e.Detail
}

func fail(rule, format string, args ...any) error {
	return &Error{Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// charAt describes the character starting at byte offset i, counting
// positions in characters (1-based) because that is what a user sees.
// Bytes that are not valid UTF-8 are shown in hex rather than as U+FFFD.
func charAt(s string, i int) string {
	pos := utf8.RuneCountInString(s[:i]) + 1
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02x at position %d", s[i], pos)
	}
	return fmt.Sprintf("character %q at position %d", r, pos)
}

// allDigits rejects anything but ASCII 0-9. It runs before any length
// check so that a stray letter or multi-byte character is reported as
// such, not as a confusing byte count.
func allDigits(what, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fail(RuleDigits, "%s must contain only digits; %s is not a digit", what, charAt(s, i))
		}
	}
	return nil
}

// numeric requires exactly n ASCII digits.
func numeric(what, s string, n int) error {
	if err := allDigits(what, s); err != nil {
		return err
	}
	if len(s) != n {
		return fail(RuleLength, "%s must be %d digits, got %d", what, n, len(s))
	}
	return nil
}

// checkedNumber requires exactly n digits ending in a valid GS1 check digit.
func checkedNumber(what, s string, n int) error {
	if err := numeric(what, s, n); err != nil {
		return err
	}
	return matchCheckDigit(s)
}

// byteSet builds a lookup table; serial checks run per character on
// batches of hundreds of thousands, so avoid scanning a string each time.
func byteSet(chars string) (set [256]bool) {
	for i := 0; i < len(chars); i++ {
		set[chars[i]] = true
	}
	return set
}
