package gs1

import (
	"fmt"
	"strings"
	"testing"
)

// The GS1 rejections listed in DOMAIN.md, plus control characters.
const rejectedSerialChars = " #$@[\\]^`{|}~\t\x00\x7f"

// wantRule fails unless err is a *Error with the given rule. rule "" means
// err must be nil.
func wantRule(t *testing.T, input string, err error, rule string) {
	t.Helper()
	if rule == "" {
		if err != nil {
			t.Errorf("%q: unexpected error %v", input, err)
		}
		return
	}
	e, ok := err.(*Error)
	if !ok {
		t.Errorf("%q: want *Error with rule %q, got %T %v", input, rule, err, err)
		return
	}
	if e.Rule != rule {
		t.Errorf("%q: want rule %q, got %q (%v)", input, rule, e.Rule, e)
	}
}

type ruleCase struct {
	in   string
	rule string // "" = valid
}

func runRules(t *testing.T, fn func(string) error, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		wantRule(t, c.in, fn(c.in), c.rule)
	}
}

// DOMAIN.md check digit vectors: GTIN-8, -12, -13, -14 and SSCC-18.
var domainVectors = []string{"02345673", "416000336108", "1234567890128", "12345678901231", "123456789012345675"}

func TestCheckDigit(t *testing.T) {
	for _, v := range domainVectors {
		got, err := CheckDigit(v[:len(v)-1])
		if err != nil || got != v[len(v)-1] {
			t.Errorf("CheckDigit(%q) = %c, %v; want %c", v[:len(v)-1], got, err, v[len(v)-1])
		}
	}
	for _, c := range []ruleCase{{"", RuleLength}, {"12a4", RuleDigits}, {"１２", RuleDigits}} {
		_, err := CheckDigit(c.in)
		wantRule(t, c.in, err, c.rule)
	}
}

func TestValidCheckDigit(t *testing.T) {
	cases := []ruleCase{
		{"", RuleLength},
		{"7", RuleLength},
		{"00", ""},
		{"02345674", RuleCheckDigit},
		{"1234567890127", RuleCheckDigit},
		{"12345678901A31", RuleDigits},
		{"-2345673", RuleDigits},
	}
	for _, v := range domainVectors {
		cases = append(cases, ruleCase{v, ""})
	}
	runRules(t, ValidCheckDigit, cases)
}

func TestErrorMessages(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{ValidCheckDigit("02345675"), "check digit: expected 3, got 5"},
		{ValidSerial("ABC#"), "charset: character '#' at position 4 is not in GS1 character set 82"},
		{ValidSerial("AéB "), "charset: character 'é' at position 2 is not in GS1 character set 82"},
		{ValidSerial("A\xffB"), "charset: byte 0xff at position 2 is not in GS1 character set 82"},
		{ValidSerial(strings.Repeat("A", 21)), "length: serial must be 1 to 20 characters, got 21"},
		{ValidNTIN("1234567890123"), "length: NTIN must be 14 digits, got 13"},
		{ValidNTIN("12345678901x31"), "digits: NTIN must contain only digits; character 'x' at position 12 is not a digit"},
		{ValidPZN("03752865"), "pzn check: expected 4, got 5"},
		{ValidPPN("110375286415"), "ppn check: expected 14, got 15"},
	}
	for _, c := range cases {
		if c.err == nil || c.err.Error() != c.want {
			t.Errorf("got %v, want %q", c.err, c.want)
		}
	}
}

func TestNormalizeGTIN(t *testing.T) {
	valid := map[string]string{
		"02345673":       "00000002345673",
		"416000336108":   "00416000336108",
		"1234567890128":  "01234567890128",
		"12345678901231": "12345678901231",
	}
	for in, want := range valid {
		got, err := NormalizeGTIN(in)
		if err != nil || got != want {
			t.Errorf("NormalizeGTIN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, c := range []ruleCase{
		{"", RuleLength},
		{"2345673", RuleLength},              // 7 digits
		{"0416000336108000", RuleLength},     // 16 digits
		{"123456789012345675", RuleLength},   // an SSCC is not a GTIN
		{"02345674", RuleCheckDigit},         // GTIN-8
		{"416000336109", RuleCheckDigit},     // GTIN-12
		{"1234567890120", RuleCheckDigit},    // GTIN-13
		{"12345678901232", RuleCheckDigit},   // GTIN-14
		{"1234567890I28", RuleDigits},        // letter I for 1
		{" 1234567890128", RuleDigits},       // surrounding space is not trimmed
		{"123456789012８", RuleDigits},        // full-width digit
		{"0234567\x00", RuleDigits},          // NUL
		{"1234567890128\n", RuleDigits},      // trailing newline
		{"12345678901231" + "é", RuleDigits}, // non-ASCII tail
		{"+2345673", RuleDigits},             // sign
		{"12345678901231\xff", RuleDigits},   // invalid UTF-8
		{"12345678.01231", RuleDigits},       // punctuation
		{strings.Repeat("0", 13) + "0", ""},  // all zeros is well-formed
		{"00000000000000000", RuleLength},    // too long even though valid digits
		{"９５０６０００１３４３５２", RuleDigits},        // full-width GTIN
	} {
		_, err := NormalizeGTIN(c.in)
		wantRule(t, c.in, err, c.rule)
	}
}

func TestValidNTIN(t *testing.T) {
	runRules(t, ValidNTIN, []ruleCase{
		{"12345678901231", ""},
		{"04150000000015", ""},
		{"12345678901232", RuleCheckDigit},
		{"1234567890128", RuleLength}, // GTIN-13 is not an NTIN
		{"", RuleLength},
		{"1234567890123A", RuleDigits},
	})
}

func TestNDC(t *testing.T) {
	valid := map[string]string{
		"300021433802":   "00300021433802", // GTIN-12 / UPC-A "3" + NDC
		"0300021433802":  "00300021433802", // GTIN-13 form
		"00300021433802": "00300021433802",
		"10300021433809": "10300021433809", // indicator 1 (case)
	}
	for in, want := range valid {
		got, err := NormalizeNDC(in)
		if err != nil || got != want {
			t.Errorf("NormalizeNDC(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	runRules(t, ValidNDC, []ruleCase{
		{"300021433802", ""},
		{"10300021433809", ""},
		{"416000336108", RulePrefix},   // valid GTIN-12, not an NDC
		{"12345678901231", RulePrefix}, // valid GTIN-14, not an NDC
		{"02345673", RulePrefix},       // GTIN-8 can never carry an NDC
		{"300021433803", RuleCheckDigit},
		{"10300021433808", RuleCheckDigit},
		{"30002143380", RuleLength},
		{"3000214338O2", RuleDigits},
	})
}

func TestPZN(t *testing.T) {
	runRules(t, ValidPZN, []ruleCase{
		{"03752864", ""},
		{"04100017", ""},
		{"03752865", RulePZNCheck},
		{"05000000", RulePZNCheck}, // first 7 digits give 10: never valid
		{"05000001", RulePZNCheck},
		{"3752864", RuleLength}, // PZN7 is not accepted
		{"003752864", RuleLength},
		{"", RuleLength},
		{"0375286X", RuleDigits},
		{"PZN03752864", RuleDigits},
	})
}

func TestPPN(t *testing.T) {
	runRules(t, ValidPPN, []ruleCase{
		{"110375286414", ""},
		{"110375286415", RulePPNCheck},
		{"110375286441", RulePPNCheck}, // swapped check digits
		{"120375286414", RulePrefix},
		{"11037528641", RuleLength},
		{"1103752864140", RuleLength},
		{"", RuleLength},
		{"11037528641A", RuleDigits},
		{"11-037528-64", RuleDigits},
		// A correct PPN check over an invalid embedded PZN.
		{"1103752865" + ppnCheck("1103752865"), RulePZNCheck},
	})

	pzn, err := PZNFromPPN("110375286414")
	if err != nil || pzn != "03752864" {
		t.Errorf("PZNFromPPN = %q, %v; want 03752864", pzn, err)
	}
	ppn, err := PPNFromPZN("03752864")
	if err != nil || ppn != "110375286414" {
		t.Errorf("PPNFromPZN = %q, %v; want 110375286414", ppn, err)
	}
	_, err = PZNFromPPN("110375286415")
	wantRule(t, "110375286415", err, RulePPNCheck)
	_, err = PPNFromPZN("03752865")
	wantRule(t, "03752865", err, RulePZNCheck)
}

// Round trip over every PZN of one block: each valid PZN yields a valid PPN
// holding that PZN; each invalid one is refused.
func TestPPNRoundTrip(t *testing.T) {
	for n := 0; n < 20000; n++ {
		body := fmt.Sprintf("%07d", n)
		for d := byte('0'); d <= '9'; d++ {
			pzn := body + string(d)
			ppn, err := PPNFromPZN(pzn)
			if ValidPZN(pzn) != nil {
				if err == nil {
					t.Fatalf("PPNFromPZN(%q) accepted an invalid PZN", pzn)
				}
				continue
			}
			if err != nil {
				t.Fatalf("PPNFromPZN(%q): %v", pzn, err)
			}
			if err := ValidPPN(ppn); err != nil {
				t.Fatalf("ValidPPN(PPNFromPZN(%q) = %q): %v", pzn, ppn, err)
			}
			if back, _ := PZNFromPPN(ppn); back != pzn {
				t.Fatalf("PZNFromPPN(%q) = %q, want %q", ppn, back, pzn)
			}
		}
	}
}

func TestCharset82(t *testing.T) {
	// Exactly as listed in DOMAIN.md.
	const domain = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`
	if Charset82 != domain || len(Charset82) != 82 {
		t.Fatalf("Charset82 = %q (%d chars)", Charset82, len(Charset82))
	}
	if Digits != "0123456789" {
		t.Fatalf("Digits = %q", Digits)
	}
	for i := 1; i < len(Charset82); i++ {
		if Charset82[i-1] >= Charset82[i] {
			t.Fatalf("Charset82 not strictly ascending at %d", i)
		}
	}
}

func TestValidSerial(t *testing.T) {
	cases := []ruleCase{
		{"A", ""},
		{"1", ""},
		{"ABCdef123", ""},
		{Charset82[:20], ""},
		{Charset82[62:], ""},
		{strings.Repeat("z", 20), ""},
		{`!"%&'()*+,-./:;<=>?_`, ""}, // every symbol of set 82
		{"", RuleLength},
		{strings.Repeat("z", 21), RuleLength},
		{strings.Repeat("é", 21), RuleLength},
		{"é", RuleCharset},
		{"ABCé", RuleCharset},
		{"Ä123", RuleCharset},
		{"12€", RuleCharset},
		{"😀", RuleCharset},
		{"\xff", RuleCharset},                  // invalid UTF-8
		{"A\xc3", RuleCharset},                 // truncated UTF-8
		{"ＡＢＣ", RuleCharset},                   // full-width letters
		{"A\u00a0B", RuleCharset},              // no-break space
		{"A\u200bB", RuleCharset},              // zero-width space
		{"ABC\n", RuleCharset},                 // newline
		{"\x1dABC", RuleCharset},               // GS (FNC1 separator) must never leak into a serial
		{strings.Repeat("é", 10), RuleCharset}, // 20 bytes, 10 characters
	}
	for i := 0; i < len(Charset82); i++ {
		cases = append(cases, ruleCase{Charset82[i : i+1], ""})
	}
	for i := 0; i < len(rejectedSerialChars); i++ {
		c := rejectedSerialChars[i : i+1]
		cases = append(cases, ruleCase{c, RuleCharset}, ruleCase{"AB" + c + "CD", RuleCharset})
	}
	runRules(t, ValidSerial, cases)

	// Exhaustive over single bytes: accepted iff listed in Charset82.
	for b := 0; b < 256; b++ {
		s := string([]byte{byte(b)})
		want := ""
		if !strings.Contains(Charset82, s) {
			want = RuleCharset
		}
		wantRule(t, s, ValidSerial(s), want)
	}
}

func TestSSCC(t *testing.T) {
	runRules(t, ValidSSCC, []ruleCase{
		{"123456789012345675", ""},
		{"106141411234567897", ""},
		{"123456789012345676", RuleCheckDigit},
		{"12345678901234567", RuleLength},
		{"1234567890123456750", RuleLength},
		{"", RuleLength},
		{"12345678901234567X", RuleDigits},
		{"(00)123456789012345675", RuleDigits},
	})

	valid := []struct {
		ext    byte
		prefix string
		ref    uint64
		want   string
	}{
		{'1', "0614141", 123456789, "106141411234567897"},
		{'1', "23456789", 1234567, "123456789012345675"},
		{'0', "123456", 0, "012345600000000005"},
		{'9', "123456789012", 9999, "912345678901299999"},
		{'0', "000000", 9999999999, "000000099999999990"},
		{'1', "0614141", 999999999, "106141419999999991"}, // largest reference that fits
	}
	for _, v := range valid {
		got, err := NewSSCC(v.ext, v.prefix, v.ref)
		if err != nil || got != v.want {
			t.Errorf("NewSSCC(%c, %q, %d) = %q, %v; want %q", v.ext, v.prefix, v.ref, got, err, v.want)
		}
	}

	invalid := []struct {
		ext    byte
		prefix string
		ref    uint64
		rule   string
	}{
		{'A', "0614141", 1, RuleDigits},
		{0, "0614141", 1, RuleDigits},
		{'1', "06141A1", 1, RuleDigits},
		{'1', "12345", 1, RuleCompanyPrefix},
		{'1', "1234567890123", 1, RuleCompanyPrefix},
		{'1', "", 1, RuleCompanyPrefix},
		{'1', "123456789012", 10000, RuleLength}, // 5 digits, 4 fit
		{'1', "123456", 10000000000, RuleLength}, // 11 digits, 10 fit
		{'1', "0614141", 1 << 63, RuleLength},    // huge reference
		{'1', "0614141", ^uint64(0), RuleLength}, // max uint64
		{'1', "0614141", 1000000000, RuleLength}, // 10 digits, 9 fit
	}
	for _, v := range invalid {
		_, err := NewSSCC(v.ext, v.prefix, v.ref)
		wantRule(t, v.prefix, err, v.rule)
	}

	// Round trip: every generated SSCC validates, for every prefix length.
	for plen := 6; plen <= 12; plen++ {
		prefix := "98765432109876"[:plen]
		maxRef := uint64(1)
		for i := 0; i < 16-plen; i++ {
			maxRef *= 10
		}
		for _, ref := range []uint64{0, 1, 42, maxRef / 3, maxRef - 1} {
			for ext := byte('0'); ext <= '9'; ext++ {
				s, err := NewSSCC(ext, prefix, ref)
				if err != nil {
					t.Fatalf("NewSSCC(%c, %q, %d): %v", ext, prefix, ref, err)
				}
				if err := ValidSSCC(s); err != nil {
					t.Fatalf("ValidSSCC(%q): %v", s, err)
				}
				if s[0] != ext || s[1:1+plen] != prefix {
					t.Fatalf("NewSSCC(%c, %q, %d) = %q: wrong layout", ext, prefix, ref, s)
				}
			}
		}
		if _, err := NewSSCC('0', prefix, maxRef); err == nil {
			t.Errorf("NewSSCC accepted reference %d after a %d-digit prefix", maxRef, plen)
		}
	}
}

func TestSGTINURI(t *testing.T) {
	valid := []struct {
		gtin   string
		plen   int
		serial string
		want   string
	}{
		// EPC Tag Data Standard example.
		{"80614141123458", 7, "6789", "urn:epc:id:sgtin:0614141.812345.6789"},
		{"12345678901231", 6, "A1", "urn:epc:id:sgtin:234567.1890123.A1"},
		{"12345678901231", 12, "A1", "urn:epc:id:sgtin:234567890123.1.A1"},
		{"00416000336108", 9, "X", "urn:epc:id:sgtin:041600033.0610.X"},
		// Characters escaped by the TDS, and those left raw.
		{"80614141123458", 7, `A"%&/<>?B`, "urn:epc:id:sgtin:0614141.812345.A%22%25%26%2F%3C%3E%3FB"},
		{"80614141123458", 7, `!'()*+,-.:;=_`, "urn:epc:id:sgtin:0614141.812345.!'()*+,-.:;=_"},
	}
	for _, v := range valid {
		got, err := SGTINURI(v.gtin, v.plen, v.serial)
		if err != nil || got != v.want {
			t.Errorf("SGTINURI(%q, %d, %q) = %q, %v; want %q", v.gtin, v.plen, v.serial, got, err, v.want)
		}
	}

	invalid := []struct {
		gtin   string
		plen   int
		serial string
		rule   string
	}{
		{"80614141123459", 7, "1", RuleCheckDigit},
		{"0614141123452", 7, "1", RuleLength}, // GTIN-13 must be normalised first
		{"8061414112345X", 7, "1", RuleDigits},
		{"80614141123458", 5, "1", RuleCompanyPrefix},
		{"80614141123458", 13, "1", RuleCompanyPrefix},
		{"80614141123458", -1, "1", RuleCompanyPrefix},
		{"80614141123458", 7, "", RuleLength},
		{"80614141123458", 7, "A#B", RuleCharset},
		{"80614141123458", 7, strings.Repeat("1", 21), RuleLength},
	}
	for _, v := range invalid {
		_, err := SGTINURI(v.gtin, v.plen, v.serial)
		wantRule(t, v.gtin+"/"+v.serial, err, v.rule)
	}
}

func TestSSCCURI(t *testing.T) {
	// EPC Tag Data Standard example.
	got, err := SSCCURI("106141412345678908", 7)
	if want := "urn:epc:id:sscc:0614141.1234567890"; err != nil || got != want {
		t.Errorf("SSCCURI = %q, %v; want %q", got, err, want)
	}
	got, err = SSCCURI("106141411234567897", 7)
	if want := "urn:epc:id:sscc:0614141.1123456789"; err != nil || got != want {
		t.Errorf("SSCCURI = %q, %v; want %q", got, err, want)
	}
	got, err = SSCCURI("123456789012345675", 12)
	if want := "urn:epc:id:sscc:234567890123.14567"; err != nil || got != want {
		t.Errorf("SSCCURI = %q, %v; want %q", got, err, want)
	}
	_, err = SSCCURI("106141411234567898", 7)
	wantRule(t, "106141411234567898", err, RuleCheckDigit)
	_, err = SSCCURI("106141411234567897", 13)
	wantRule(t, "106141411234567897", err, RuleCompanyPrefix)
}

func TestDigitalLink(t *testing.T) {
	cases := []struct{ gtin, serial, want string }{
		{"09521234543213", "12345", "https://id.gs1.org/01/09521234543213/21/12345"},
		{"09521234543213", "AB-c_1.2", "https://id.gs1.org/01/09521234543213/21/AB-c_1.2"},
		{"09521234543213", "ABC/1+2", "https://id.gs1.org/01/09521234543213/21/ABC%2F1%2B2"},
		{"09521234543213", `!"%&'()*+,/:;<=>?`, "https://id.gs1.org/01/09521234543213/21/%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F"},
		// Not validated, but unable to break out of its path segment.
		{"0952/../x", "a b#c?", "https://id.gs1.org/01/0952%2F..%2Fx/21/a%20b%23c%3F"},
	}
	for _, c := range cases {
		if got := DigitalLink(c.gtin, c.serial); got != c.want {
			t.Errorf("DigitalLink(%q, %q) = %q, want %q", c.gtin, c.serial, got, c.want)
		}
	}
}
