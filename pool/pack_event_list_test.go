package pool

import "testing"

// TestParsePackIdentifier: the forms a person scans or types name the same
// pack; the same vectors as the web app's lookup hint.
func TestParsePackIdentifier(t *testing.T) {
	want := PackKey{ProductCode: "09501101530003", Serial: "ABC123"}
	for _, s := range []string{
		"(01)09501101530003(21)ABC123",
		"(21)ABC123(01)09501101530003",
		"010950110153000321ABC123",
		"https://id.gs1.org/01/09501101530003/21/ABC123",
		"https://example.com/01/09501101530003/21/ABC123?linkType=all",
		"urn:epc:id:sgtin:9501101.053000.ABC123",
		"09501101530003 ABC123",
		"  09501101530003   ABC123 ",
	} {
		if got, err := ParsePackIdentifier(s); err != nil || got != want {
			t.Errorf("ParsePackIdentifier(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	// A product code of another schema with its serial is taken as typed.
	if got, err := ParsePackIdentifier("110375286414 SER-1"); err != nil || got != (PackKey{ProductCode: "110375286414", Serial: "SER-1"}) {
		t.Errorf("a PPN and serial: %+v, %v", got, err)
	}
	for _, s := range []string{"", "   ", "(01)09501101530004(21)ABC123", "urn:epc:id:sgtin:9501101.053000", "(00)123456789012345675", "hello", "a b c"} {
		if _, err := ParsePackIdentifier(s); ErrorCode(err) != EINVALID {
			t.Errorf("ParsePackIdentifier(%q): %v; want EINVALID", s, err)
		}
	}
}
