package gs1

import (
	"errors"
	"testing"
)

func TestParseElementString(t *testing.T) {
	pack := EPC{GTIN: "09501101530003", Serial: "ABC123"}
	for _, c := range []struct {
		in   string
		want EPC
	}{
		{"(01)09501101530003(21)ABC123", pack},
		{"(21)ABC123(01)09501101530003", pack}, // any order in parentheses
		{" (01)09501101530003(17)271231(10)LOT-7(21)ABC123 ", pack},
		{"(01)09501101530003(21)A(1)B", EPC{GTIN: "09501101530003", Serial: "A(1)B"}}, // parentheses inside a serial
		{"010950110153000321ABC123", pack},                                            // barcode data: the serial last needs no separator
		{"01095011015300031727123110LOT-7\x1d21ABC123", pack},                         // a lot ended by FNC1
		{"]d221ABC123\x1d0109501101530003", pack},                                     // symbology identifier, serial first
		{"(00)123456789012345675", EPC{SSCC: "123456789012345675"}},
		{"00123456789012345675", EPC{SSCC: "123456789012345675"}},
	} {
		got, err := ParseElementString(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseElementString(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, rule string }{
		{"(01)09501101530004(21)ABC123", RuleCheckDigit},
		{"(01)09501101530003", RulePrefix},             // no serial
		{"(01)09501101530003(21)ABC 123", RuleCharset}, // space is not in set 82
		{"(99)X(21)A", RulePrefix},
		{"01095011015300", RuleLength},
		{"(01)0950110153000X(21)A", RuleDigits},
		{"(21)A(21)B(01)09501101530003", RulePrefix},
		{"21ABC123\x1d0109501101530003\x1d99X", RulePrefix},
		{"", RulePrefix},
	} {
		_, err := ParseElementString(c.in)
		var e *Error
		if !errors.As(err, &e) || e.Rule != c.rule {
			t.Errorf("ParseElementString(%q): %v; want rule %s", c.in, err, c.rule)
		}
	}
}

// FuzzParseElementString: any input is parsed or refused with an *Error,
// never a panic, and what is parsed is a valid identifier.
func FuzzParseElementString(f *testing.F) {
	for _, s := range []string{"(01)09501101530003(21)ABC123", "010950110153000321ABC123", "(00)123456789012345675", "(21)(01)", "7101"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseElementString(s)
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("%q: %v is no *Error", s, err)
			}
			return
		}
		if e.SSCC != "" {
			if ValidSSCC(e.SSCC) != nil {
				t.Fatalf("%q: invalid SSCC %q", s, e.SSCC)
			}
		} else if ValidCheckDigit(e.GTIN) != nil || ValidSerial(e.Serial) != nil {
			t.Fatalf("%q: invalid %+v", s, e)
		}
	})
}
