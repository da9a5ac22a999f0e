package gs1

import (
	"strconv"
	"strings"
)

// GS1 company prefixes are 6 to 12 digits long.
const (
	minCompanyPrefixLen = 6
	maxCompanyPrefixLen = 12
)

// ValidSSCC validates a Serial Shipping Container Code (AI 00): 18 digits
// with a valid check digit.
func ValidSSCC(code string) error {
	return checkedNumber("SSCC", code, 18)
}

// NewSSCC builds an SSCC from an extension digit ('0'..'9'), a GS1 company
// prefix (6 to 12 digits) and a serial reference, which is zero-padded to
// fill the 16 digits left for prefix + reference.
func NewSSCC(extension byte, companyPrefix string, serialRef uint64) (string, error) {
	if extension < '0' || extension > '9' {
		return "", fail(RuleDigits, "extension digit must be 0-9, got %q", extension)
	}
	if err := allDigits("company prefix", companyPrefix); err != nil {
		return "", err
	}
	if err := validCompanyPrefixLen(len(companyPrefix)); err != nil {
		return "", err
	}
	ref := strconv.FormatUint(serialRef, 10)
	width := 16 - len(companyPrefix)
	if len(ref) > width {
		return "", fail(RuleLength, "serial reference %s has %d digits; only %d fit after a %d-digit company prefix",
			ref, len(ref), width, len(companyPrefix))
	}
	body := string(extension) + companyPrefix + strings.Repeat("0", width-len(ref)) + ref
	return body + string(checkDigit(body)), nil
}

func validCompanyPrefixLen(n int) error {
	if n < minCompanyPrefixLen || n > maxCompanyPrefixLen {
		return fail(RuleCompanyPrefix, "company prefix must be %d to %d digits, got %d",
			minCompanyPrefixLen, maxCompanyPrefixLen, n)
	}
	return nil
}
