package gs1

// CheckDigit returns the GS1 mod-10 check digit (as the ASCII byte '0'..'9',
// ready to append) for digits, the code without its check digit.
// The same algorithm serves GTIN-8/12/13/14, NTIN and SSCC.
func CheckDigit(digits string) (byte, error) {
	if err := allDigits("code", digits); err != nil {
		return 0, err
	}
	if digits == "" {
		return 0, fail(RuleLength, "need at least one digit to compute a check digit")
	}
	return checkDigit(digits), nil
}

// ValidCheckDigit validates a full code whose last digit is the check digit.
func ValidCheckDigit(code string) error {
	if err := allDigits("code", code); err != nil {
		return err
	}
	if len(code) < 2 {
		return fail(RuleLength, "code must have at least 2 digits (data and check digit), got %d", len(code))
	}
	return matchCheckDigit(code)
}

// checkDigit assumes digits is non-empty and all ASCII digits. Weights
// run 3,1,3,... from the right, so leading zeros never change the result:
// that is why a GTIN-8 keeps its check digit when padded to GTIN-14.
func checkDigit(digits string) byte {
	sum, weight := 0, 3
	for i := len(digits) - 1; i >= 0; i-- {
		sum += int(digits[i]-'0') * weight
		weight = 4 - weight
	}
	return byte('0' + (10-sum%10)%10)
}

// matchCheckDigit assumes code has at least 2 ASCII digits.
func matchCheckDigit(code string) error {
	last := len(code) - 1
	if want, got := checkDigit(code[:last]), code[last]; got != want {
		return fail(RuleCheckDigit, "expected %c, got %c", want, got)
	}
	return nil
}
