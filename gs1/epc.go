package gs1

import "strings"

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
