package gs1

import "strings"

// NormalizeGTIN accepts a GTIN-8, -12, -13 or -14 and returns it as a
// GTIN-14 with leading zeros, the one form the pool stores, so the same
// product entered in different lengths is the same product code.
func NormalizeGTIN(code string) (string, error) {
	if err := allDigits("GTIN", code); err != nil {
		return "", err
	}
	switch len(code) {
	case 8, 12, 13, 14:
	default:
		return "", fail(RuleLength, "GTIN must be 8, 12, 13 or 14 digits, got %d", len(code))
	}
	if err := matchCheckDigit(code); err != nil {
		return "", err
	}
	return strings.Repeat("0", 14-len(code)) + code, nil
}

// ValidNTIN validates a National Trade Item Number: 14 digits with the GTIN
// check digit. NTINs are only ever issued in the 14-digit form.
func ValidNTIN(code string) error {
	return checkedNumber("NTIN", code, 14)
}

// NormalizeNDC accepts a GTIN that carries a US National Drug Code and
// returns its GTIN-14. NDCs live under GS1 prefix "03": a GTIN-12 (UPC-A)
// "3" + 10-digit NDC + check digit, which as a GTIN-14 is an indicator digit
// followed by "03". GTIN-12, -13 and -14 forms are all accepted.
func NormalizeNDC(code string) (string, error) {
	gtin, err := NormalizeGTIN(code)
	if err != nil {
		return "", err
	}
	if gtin[1:3] != "03" {
		return "", fail(RulePrefix, `an NDC GTIN-14 has "03" after the indicator digit (a GTIN-12 starts with "3"), got %q`, gtin[1:3])
	}
	return gtin, nil
}

// ValidNDC reports whether code is a GTIN carrying a US NDC; see NormalizeNDC.
func ValidNDC(code string) error {
	_, err := NormalizeNDC(code)
	return err
}
