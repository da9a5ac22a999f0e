package gs1

import "strings"

// groupSeparator ends a variable-length field in a barcode's data (FNC1).
const groupSeparator = "\x1d"

// packAIs are the application identifiers a pack's or container's code
// carries, with their fixed data length (0: variable, up to 20 characters
// of set 82, ended by a group separator or the end). 710-715 are national
// reimbursement numbers.
var packAIs = map[string]int{
	"00": 18, "01": 14, "10": 0, "11": 6, "17": 6, "21": 0,
	"710": 0, "711": 0, "712": 0, "713": 0, "714": 0, "715": 0,
}

// ParseElementString reads the identifier of a pack or a container from a
// GS1 element string as a person types it or a scanner gives it: with the
// AIs in parentheses, in any order ((01)09501101530003(21)ABC123), or as a
// barcode's data without them (0109501101530003 21ABC123, written together),
// where a variable-length field (lot, serial) ends at a group separator
// (ASCII 29) or at the end, optionally behind a symbology identifier (]d2).
// It knows the AIs a pack carries (00, 01, 10, 11, 17, 21, 710-715) and
// returns the SGTIN (01 with 21) or the SSCC (00), validated like ParseEPC.
func ParseElementString(s string) (EPC, error) {
	s = strings.TrimSpace(s)
	var fields map[string]string
	var err error
	if strings.HasPrefix(s, "(") {
		fields, err = parenthesised(s)
	} else {
		fields, err = barcodeData(strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, "]d2"), "]C1"), "]Q3"))
	}
	if err != nil {
		return EPC{}, err
	}
	if sscc, ok := fields["00"]; ok {
		if err := ValidSSCC(sscc); err != nil {
			return EPC{}, err
		}
		return EPC{SSCC: sscc}, nil
	}
	gtin, ok := fields["01"]
	serial, ok2 := fields["21"]
	if !ok || !ok2 {
		return EPC{}, fail(RulePrefix, "the element string of a pack holds a GTIN (01) and a serial (21): %q", s)
	}
	if err := checkedNumber("GTIN-14", gtin, 14); err != nil {
		return EPC{}, err
	}
	if err := ValidSerial(serial); err != nil {
		return EPC{}, err
	}
	return EPC{GTIN: gtin, Serial: serial}, nil
}

// parenthesised splits "(AI)value(AI)value...". A value runs to the next
// "(AI)" of a known AI, so a serial may hold parentheses of its own.
func parenthesised(s string) (map[string]string, error) {
	fields := map[string]string{}
	for s != "" {
		ai, rest, ok := openAI(s)
		if !ok {
			return nil, fail(RulePrefix, "expected a known application identifier in parentheses, such as (01) or (21), at %q", s)
		}
		end := len(rest)
		for i := 1; i < len(rest); i++ {
			if _, _, next := openAI(rest[i:]); next {
				end = i
				break
			}
		}
		if err := field(fields, ai, rest[:end]); err != nil {
			return nil, err
		}
		s = rest[end:]
	}
	return fields, nil
}

// openAI reads "(AI)" of a known AI at the start of s.
func openAI(s string) (ai, rest string, ok bool) {
	if !strings.HasPrefix(s, "(") {
		return "", "", false
	}
	ai, rest, ok = strings.Cut(s[1:], ")")
	if _, known := packAIs[ai]; !ok || !known {
		return "", "", false
	}
	return ai, rest, true
}

// barcodeData splits a barcode's data: an AI, then its fixed number of
// digits or a variable value up to a group separator or the end.
func barcodeData(s string) (map[string]string, error) {
	fields := map[string]string{}
	for s != "" {
		ai := s[:min(2, len(s))]
		if _, ok := packAIs[ai]; !ok {
			ai = s[:min(3, len(s))]
		}
		n, ok := packAIs[ai]
		if !ok {
			return nil, fail(RulePrefix, "expected a known application identifier, such as 01 or 21, at %q", s)
		}
		s = s[len(ai):]
		var value string
		if n > 0 {
			if len(s) < n {
				return nil, fail(RuleLength, "AI %s holds %d digits, got %d", ai, n, len(s))
			}
			value, s = s[:n], strings.TrimPrefix(s[n:], groupSeparator)
		} else {
			value, s, _ = strings.Cut(s, groupSeparator)
		}
		if err := field(fields, ai, value); err != nil {
			return nil, err
		}
	}
	return fields, nil
}

// field stores one AI's value: once, and of its fixed length.
func field(fields map[string]string, ai, value string) error {
	if _, dup := fields[ai]; dup {
		return fail(RulePrefix, "AI %s is given twice", ai)
	}
	if n := packAIs[ai]; n > 0 {
		if err := numeric("AI "+ai, value, n); err != nil {
			return err
		}
	}
	fields[ai] = value
	return nil
}
