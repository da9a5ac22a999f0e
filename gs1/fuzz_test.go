package gs1

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// mustRuleError: every rejection is a bare *Error with a rule and a message.
func mustRuleError(t *testing.T, err error) {
	t.Helper()
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %v is %T, want *gs1.Error", err, err)
	}
	if e.Rule == "" || e.Detail == "" {
		t.Fatalf("error %#v lacks a rule or detail", e)
	}
	if !strings.HasPrefix(e.Error(), strings.ReplaceAll(e.Rule, "_", " ")+": ") {
		t.Fatalf("message %q does not name rule %q", e.Error(), e.Rule)
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// unescapeOnly decodes %XX escapes, failing if any byte outside raw
// appears unescaped or an escape uses lower-case hex.
func unescapeOnly(t *testing.T, s string, raw *[256]bool) string {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			if i+2 >= len(s) || !strings.ContainsRune("0123456789ABCDEF", rune(s[i+1])) ||
				!strings.ContainsRune("0123456789ABCDEF", rune(s[i+2])) {
				t.Fatalf("bad escape in %q at %d", s, i)
			}
			i += 2
			continue
		}
		if !raw[s[i]] {
			t.Fatalf("byte %q left unescaped in %q", s[i], s)
		}
	}
	out, err := url.PathUnescape(s)
	if err != nil {
		t.Fatalf("PathUnescape(%q): %v", s, err)
	}
	return out
}

func FuzzNormalizeGTIN(f *testing.F) {
	for _, s := range append(domainVectors, "", "0", "02345674", "1234567890I28", "300021433802", "１２３４５６７８", "\xff") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		got, err := NormalizeGTIN(code)
		if err != nil {
			mustRuleError(t, err)
			return
		}
		switch len(code) {
		case 8, 12, 13, 14:
		default:
			t.Fatalf("accepted %d-digit input %q", len(code), code)
		}
		if len(got) != 14 || !isDigits(got) || !strings.HasSuffix(got, code) {
			t.Fatalf("NormalizeGTIN(%q) = %q, not a zero-padded GTIN-14", code, got)
		}
		if strings.TrimLeft(got[:14-len(code)], "0") != "" {
			t.Fatalf("NormalizeGTIN(%q) = %q: padding is not zeros", code, got)
		}
		if err := ValidCheckDigit(got); err != nil {
			t.Fatalf("NormalizeGTIN(%q) = %q with bad check digit: %v", code, got, err)
		}
		if again, err := NormalizeGTIN(got); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q, %v", got, again, err)
		}
		if err := ValidNTIN(got); err != nil {
			t.Fatalf("GTIN-14 %q is not NTIN-shaped: %v", got, err)
		}
		if ndc, err := NormalizeNDC(code); (err == nil) != (got[1:3] == "03") || (err == nil && ndc != got) {
			t.Fatalf("NormalizeNDC(%q) = %q, %v; GTIN-14 %q", code, ndc, err, got)
		}
	})
}

func FuzzValidSerial(f *testing.F) {
	for _, s := range []string{"", "A", "ABC#", "é", strings.Repeat("9", 20), strings.Repeat("9", 21), Charset82[:20], `A"%&/<>?`, "a b", "\x00", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidSerial(s)
		want := len(s) >= 1 && len(s) <= 20
		for i := 0; i < len(s); i++ {
			if strings.IndexByte(Charset82, s[i]) < 0 {
				want = false
			}
		}
		if (err == nil) != want {
			t.Fatalf("ValidSerial(%q) = %v, want accepted=%v", s, err, want)
		}
		if err != nil {
			mustRuleError(t, err)
		}

		// Digital Link escaping holds for any string, valid or not. Long
		// strings add no coverage here but make input minimisation crawl.
		if len(s) > 64 {
			return
		}
		const stem = "https://id.gs1.org/01/00000000000000/21/"
		link := DigitalLink("00000000000000", s)
		if !strings.HasPrefix(link, stem) {
			t.Fatalf("DigitalLink changed its stem: %q", link)
		}
		if got := unescapeOnly(t, link[len(stem):], &linkRaw); got != s {
			t.Fatalf("DigitalLink segment decodes to %q, want %q", got, s)
		}
	})
}

func FuzzValidPPN(f *testing.F) {
	for _, s := range []string{"110375286414", "110375286415", "120375286414", "03752864", "04100017", "11037528641", "11037528641A", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := ValidPPN(s); err != nil {
			mustRuleError(t, err)
		} else {
			if len(s) != 12 || !isDigits(s) || s[:2] != "11" {
				t.Fatalf("accepted malformed PPN %q", s)
			}
			pzn, err := PZNFromPPN(s)
			if err != nil || ValidPZN(pzn) != nil {
				t.Fatalf("PZNFromPPN(%q) = %q, %v", s, pzn, err)
			}
			if back, err := PPNFromPZN(pzn); err != nil || back != s {
				t.Fatalf("PPNFromPZN(%q) = %q, %v; want %q", pzn, back, err, s)
			}
		}

		// Read as a PZN: a valid one must give a valid PPN holding it.
		ppn, err := PPNFromPZN(s)
		if (err == nil) != (ValidPZN(s) == nil) {
			t.Fatalf("PPNFromPZN(%q) error %v disagrees with ValidPZN", s, err)
		}
		if err != nil {
			mustRuleError(t, err)
			return
		}
		if err := ValidPPN(ppn); err != nil || ppn[2:10] != s {
			t.Fatalf("PPNFromPZN(%q) = %q: %v", s, ppn, err)
		}
	})
}

func FuzzValidSSCC(f *testing.F) {
	for _, s := range []string{"123456789012345675", "106141411234567897", "123456789012345676", "12345678901234567", "", "12345678901234567X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidSSCC(s)
		if err != nil {
			mustRuleError(t, err)
			return
		}
		if len(s) != 18 || !isDigits(s) || ValidCheckDigit(s) != nil {
			t.Fatalf("accepted malformed SSCC %q", s)
		}
		// Rebuilding it from its parts, for every prefix length, gives it back.
		for plen := minCompanyPrefixLen; plen <= maxCompanyPrefixLen; plen++ {
			ref, _ := strconv.ParseUint(s[1+plen:17], 10, 64)
			if got, err := NewSSCC(s[0], s[1:1+plen], ref); err != nil || got != s {
				t.Fatalf("NewSSCC(%c, %q, %d) = %q, %v; want %q", s[0], s[1:1+plen], ref, got, err, s)
			}
			uri, err := SSCCURI(s, plen)
			if err != nil || uri != "urn:epc:id:sscc:"+s[1:1+plen]+"."+s[:1]+s[1+plen:17] {
				t.Fatalf("SSCCURI(%q, %d) = %q, %v", s, plen, uri, err)
			}
		}
	})
}

func FuzzSGTINURI(f *testing.F) {
	f.Add("80614141123458", 7, "6789")
	f.Add("12345678901231", 6, `A"%&/<>?B`)
	f.Add("12345678901231", 12, "a.b.c")
	f.Add("12345678901232", 7, "1")
	f.Add("80614141123458", 13, "1")
	f.Add("80614141123458", 7, "é")
	f.Fuzz(func(t *testing.T, gtin string, plen int, serial string) {
		uri, err := SGTINURI(gtin, plen, serial)
		if err != nil {
			mustRuleError(t, err)
			return
		}
		if ValidNTIN(gtin) != nil || ValidSerial(serial) != nil || plen < 6 || plen > 12 {
			t.Fatalf("accepted invalid input %q, %d, %q", gtin, plen, serial)
		}
		const scheme = "urn:epc:id:sgtin:"
		if !strings.HasPrefix(uri, scheme) {
			t.Fatalf("SGTINURI = %q", uri)
		}
		// A raw serial may contain dots, so split off only the first two fields.
		parts := strings.SplitN(uri[len(scheme):], ".", 3)
		if len(parts) != 3 {
			t.Fatalf("SGTINURI = %q: want 3 fields", uri)
		}
		prefix, itemRef := parts[0], parts[1]
		if len(prefix) != plen || len(prefix)+len(itemRef) != 13 {
			t.Fatalf("SGTINURI = %q: partition does not match prefix length %d", uri, plen)
		}
		if itemRef[:1] != gtin[:1] || prefix+itemRef[1:] != gtin[1:13] {
			t.Fatalf("SGTINURI(%q) = %q: digits moved wrongly", gtin, uri)
		}
		if got := unescapeOnly(t, parts[2], &epcRaw); got != serial {
			t.Fatalf("SGTINURI serial decodes to %q, want %q", got, serial)
		}
	})
}
