package gs1

import (
	"net/url"
	"strings"
)

// epcRaw holds the characters of set 82 that an EPC pure identity URI may
// carry unescaped (EPC Tag Data Standard, table A-1): all of set 82 except
// " % & / < > ?, which are percent-encoded.
var epcRaw = func() [256]bool {
	set := inCharset82
	for _, c := range []byte(`"%&/<>?`) {
		set[c] = false
	}
	return set
}()

// linkRaw holds the RFC 3986 unreserved characters. GS1 Digital Link
// percent-encodes every other character of set 82 in a path segment.
var linkRaw = byteSet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" + Digits + "-._~")

// SGTINURI returns the EPC pure identity URI of a serialized trade item,
// urn:epc:id:sgtin:CompanyPrefix.IndicatorAndItemRef.Serial, as used in
// EPCIS. companyPrefixLen (6..12) fixes where the company prefix ends,
// since a GTIN alone does not say.
func SGTINURI(gtin14 string, companyPrefixLen int, serial string) (string, error) {
	if err := checkedNumber("GTIN-14", gtin14, 14); err != nil {
		return "", err
	}
	if err := validCompanyPrefixLen(companyPrefixLen); err != nil {
		return "", err
	}
	if err := ValidSerial(serial); err != nil {
		return "", err
	}
	return "urn:epc:id:sgtin:" + epcKey(gtin14, companyPrefixLen) + "." + escape(serial, &epcRaw), nil
}

// SSCCURI returns the EPC pure identity URI of an SSCC,
// urn:epc:id:sscc:CompanyPrefix.ExtensionAndSerialRef.
func SSCCURI(sscc string, companyPrefixLen int) (string, error) {
	if err := ValidSSCC(sscc); err != nil {
		return "", err
	}
	if err := validCompanyPrefixLen(companyPrefixLen); err != nil {
		return "", err
	}
	return "urn:epc:id:sscc:" + epcKey(sscc, companyPrefixLen), nil
}

// DigitalLink returns the GS1 Digital Link URI of a serialized trade item,
// https://id.gs1.org/01/<GTIN-14>/21/<serial>. It does not validate (use
// NormalizeGTIN and ValidSerial first), but escapes both values so that an
// unchecked argument can never change the structure of the URI.
func DigitalLink(gtin14, serial string) string {
	return "https://id.gs1.org/01/" + escape(gtin14, &linkRaw) + "/21/" + escape(serial, &linkRaw)
}

// epcKey turns a validated GTIN-14 or SSCC into the EPC form: company
// prefix, a dot, then the leading indicator/extension digit moved in front
// of the remaining reference; the check digit is dropped.
func epcKey(code string, prefixLen int) string {
	return code[1:1+prefixLen] + "." + code[:1] + code[1+prefixLen:len(code)-1]
}

// escape percent-encodes (upper-case hex) every byte not in raw.
func escape(s string, raw *[256]bool) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if raw[c] {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// SSCCDigitalLink returns the GS1 Digital Link URI of a validated SSCC,
// https://id.gs1.org/00/<SSCC>.
func SSCCDigitalLink(sscc string) string {
	return "https://id.gs1.org/00/" + escape(sscc, &linkRaw)
}

// EPC is a serialized identifier as EPCIS carries it: a pack (SGTIN: GTIN
// and serial) or a shipping container (SSCC).
type EPC struct {
	GTIN   string // GTIN-14 of an SGTIN; empty for an SSCC
	Serial string // AI 21 serial of an SGTIN
	SSCC   string // 18 digits of an SSCC; empty for an SGTIN
	// CompanyPrefixLen is the length of the GS1 company prefix when the
	// identifier said it (an EPC URN does, a Digital Link does not); 0 otherwise.
	CompanyPrefixLen int
}

// DigitalLink returns the identifier's canonical GS1 Digital Link URI.
func (e EPC) DigitalLink() string {
	if e.SSCC != "" {
		return SSCCDigitalLink(e.SSCC)
	}
	return DigitalLink(e.GTIN, e.Serial)
}

// URN returns the identifier's EPC pure identity URI, for which the company
// prefix length must be known (CompanyPrefixLen).
func (e EPC) URN() (string, error) {
	if e.SSCC != "" {
		return SSCCURI(e.SSCC, e.CompanyPrefixLen)
	}
	return SGTINURI(e.GTIN, e.CompanyPrefixLen, e.Serial)
}

// ParseEPC reads an SGTIN or SSCC given as an EPC pure identity URI
// (urn:epc:id:sgtin:..., urn:epc:id:sscc:...) or a GS1 Digital Link URI on
// any domain (https://example.com/01/<GTIN>/21/<serial>, .../00/<SSCC>) and
// validates it: check digits, serial in set 82.
func ParseEPC(uri string) (EPC, error) {
	switch {
	case strings.HasPrefix(uri, "urn:epc:id:sgtin:"):
		cp, rest, ok := strings.Cut(strings.TrimPrefix(uri, "urn:epc:id:sgtin:"), ".")
		ref, serial, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || len(cp)+len(ref) != 13 || ref == "" {
			return EPC{}, fail(RuleLength, "an SGTIN URN is urn:epc:id:sgtin:CompanyPrefix.IndicatorAndItemRef.Serial with 13 digits before the serial: %q", uri)
		}
		if err := epcDigits(cp, ref); err != nil {
			return EPC{}, err
		}
		body := ref[:1] + cp + ref[1:]
		s, err := unescape(serial)
		if err != nil {
			return EPC{}, err
		}
		if err := ValidSerial(s); err != nil {
			return EPC{}, err
		}
		return EPC{GTIN: body + string(checkDigit(body)), Serial: s, CompanyPrefixLen: len(cp)}, nil
	case strings.HasPrefix(uri, "urn:epc:id:sscc:"):
		cp, ref, ok := strings.Cut(strings.TrimPrefix(uri, "urn:epc:id:sscc:"), ".")
		if !ok || len(cp)+len(ref) != 17 || ref == "" {
			return EPC{}, fail(RuleLength, "an SSCC URN is urn:epc:id:sscc:CompanyPrefix.ExtensionAndSerialRef with 17 digits: %q", uri)
		}
		if err := epcDigits(cp, ref); err != nil {
			return EPC{}, err
		}
		body := ref[:1] + cp + ref[1:]
		return EPC{SSCC: body + string(checkDigit(body)), CompanyPrefixLen: len(cp)}, nil
	case strings.HasPrefix(uri, "https://") || strings.HasPrefix(uri, "http://"):
		return parseDigitalLink(uri)
	}
	return EPC{}, fail(RulePrefix, "an EPC is an urn:epc:id:sgtin: or urn:epc:id:sscc: URN or a GS1 Digital Link URI, got %q", uri)
}

func epcDigits(cp, ref string) error {
	if err := allDigits("company prefix", cp); err != nil {
		return err
	}
	if err := validCompanyPrefixLen(len(cp)); err != nil {
		return err
	}
	return allDigits("EPC reference", ref)
}

// parseDigitalLink reads the primary key of a Digital Link URI's path: the
// last /01/<GTIN>/21/<serial> or /00/<SSCC>, ignoring a query or fragment
// (qualifiers such as /10/<lot> between them are not allowed for a pack,
// since they would say nothing the serial does not).
func parseDigitalLink(uri string) (EPC, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return EPC{}, fail(RuleCharset, "not a URI: %q", uri)
	}
	segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		switch {
		case segs[i] == "01" && i+4 == len(segs) && segs[i+2] == "21":
			gtin, err := NormalizeGTIN(segs[i+1])
			if err != nil {
				return EPC{}, err
			}
			s, err := unescape(segs[i+3])
			if err != nil {
				return EPC{}, err
			}
			if err := ValidSerial(s); err != nil {
				return EPC{}, err
			}
			return EPC{GTIN: gtin, Serial: s}, nil
		case segs[i] == "00" && i+2 == len(segs):
			if err := ValidSSCC(segs[i+1]); err != nil {
				return EPC{}, err
			}
			return EPC{SSCC: segs[i+1]}, nil
		}
	}
	return EPC{}, fail(RulePrefix, "a GS1 Digital Link URI of a pack ends in /01/<GTIN>/21/<serial>, of a container in /00/<SSCC>: %q", uri)
}

// unescape decodes %XX escapes of a URI path segment.
func unescape(s string) (string, error) {
	v, err := url.PathUnescape(s)
	if err != nil {
		return "", fail(RuleCharset, "bad %% escape in %q", s)
	}
	return v, nil
}
