package gs1

import (
	"fmt"
	"strings"
)

// ppnPrefix is the IFA product registration agency code that marks a PPN
// built from a German PZN.
const ppnPrefix = "11"

// ValidPZN validates a German Pharmazentralnummer (PZN8): digits 1..7
// weighted 1..7, sum mod 11 is the 8th digit.
func ValidPZN(pzn string) error {
	if err := numeric("PZN", pzn, 8); err != nil {
		return err
	}
	sum := 0
	for i := 0; i < 7; i++ {
		sum += int(pzn[i]-'0') * (i + 1)
	}
	check := sum % 11
	if check == 10 {
		// IFA never issues these: no single digit can carry the check.
		return fail(RulePZNCheck, "the first 7 digits give check value 10, which no valid PZN has")
	}
	if got := int(pzn[7] - '0'); got != check {
		return fail(RulePZNCheck, "expected %d, got %d", check, got)
	}
	return nil
}

// ValidPPN validates an IFA Pharmacy Product Number: "11" + PZN8 + two check
// digits. Only PZN-based PPNs exist for the German market, so all 12
// characters must be digits and the embedded PZN must be valid too.
func ValidPPN(ppn string) error {
	if err := numeric("PPN", ppn, 12); err != nil {
		return err
	}
	if !strings.HasPrefix(ppn, ppnPrefix) {
		return fail(RulePrefix, "PPN must start with %q, got %q", ppnPrefix, ppn[:2])
	}
	if want, got := ppnCheck(ppn[:10]), ppn[10:]; got != want {
		return fail(RulePPNCheck, "expected %s, got %s", want, got)
	}
	return ValidPZN(ppn[2:10])
}

// PZNFromPPN returns the PZN8 inside a valid PPN.
func PZNFromPPN(ppn string) (string, error) {
	if err := ValidPPN(ppn); err != nil {
		return "", err
	}
	return ppn[2:10], nil
}

// PPNFromPZN builds the PPN for a valid PZN8.
func PPNFromPZN(pzn string) (string, error) {
	if err := ValidPZN(pzn); err != nil {
		return "", err
	}
	body := ppnPrefix + pzn
	return body + ppnCheck(body), nil
}

// ppnCheck is the IFA PPN check: sum of ASCII code x weight (2, 3, 4, ...
// from the left) mod 97, as two digits. ASCII codes, not digit values,
// because PPNs are alphanumeric in general.
func ppnCheck(body string) string {
	sum := 0
	for i := 0; i < len(body); i++ {
		sum += int(body[i]) * (i + 2)
	}
	return fmt.Sprintf("%02d", sum%97)
}
