package pool

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func readAll(t *testing.T, r Rows) ([]SerialInput, error) {
	t.Helper()
	var out []SerialInput
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
}

func TestRowReaders(t *testing.T) {
	code := strings.Repeat("c", 44)
	for _, tc := range []struct {
		name string
		rows Rows
		want []SerialInput
	}{
		{"CSV plain", NewCSVRows(strings.NewReader("A1\nB2\n")), []SerialInput{{Value: "A1"}, {Value: "B2"}}},
		{"CSV header with extras", NewCSVRows(strings.NewReader("serial,91,92\nA1,K001," + code + "\nB2,,\n")),
			[]SerialInput{{Value: "A1", Extra: map[string]string{"91": "K001", "92": code}}, {Value: "B2"}}},
		{"CSV quoted comma", NewCSVRows(strings.NewReader("value\n\"A,1\"\n")), []SerialInput{{Value: "A,1"}}},
		{"CSV header only", NewCSVRows(strings.NewReader("serial\n")), nil},
		{"NDJSON", NewNDJSONRows(strings.NewReader("{\"value\":\"A1\"}\n\n {\"value\":\"B2\",\"extra\":{\"91\":\"K001\"}}\n")),
			[]SerialInput{{Value: "A1"}, {Value: "B2", Extra: map[string]string{"91": "K001"}}}},
		{"JSON array", NewJSONRows(strings.NewReader(`[{"value":"A1"}, {"value":"B2"}]`)), []SerialInput{{Value: "A1"}, {Value: "B2"}}},
		{"JSON empty array", NewJSONRows(strings.NewReader(`[]`)), nil},
	} {
		got, err := readAll(t, tc.rows)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d rows, want %d", tc.name, len(got), len(tc.want))
			continue
		}
		for i := range got {
			if got[i].Value != tc.want[i].Value || len(got[i].Extra) != len(tc.want[i].Extra) {
				t.Errorf("%s row %d: %+v, want %+v", tc.name, i, got[i], tc.want[i])
			}
			for k, v := range tc.want[i].Extra {
				if got[i].Extra[k] != v {
					t.Errorf("%s row %d extra %s: %q", tc.name, i, k, got[i].Extra[k])
				}
			}
		}
	}
}

func TestRowReadersRejectMalformedBodies(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows Rows
		want string
	}{
		{"CSV extra column", NewCSVRows(strings.NewReader("A1\nB2,x\n")), "line 2"},
		{"CSV bare quote", NewCSVRows(strings.NewReader("A1\n\"B2\n")), "CSV line"},
		{"NDJSON not an object", NewNDJSONRows(strings.NewReader("{\"value\":\"A1\"}\n[1]\n")), "line 2"},
		{"NDJSON unknown field", NewNDJSONRows(strings.NewReader("{\"serial\":\"A1\"}\n")), "line 1"},
		{"NDJSON two values", NewNDJSONRows(strings.NewReader("{\"value\":\"A\"} {\"value\":\"B\"}\n")), "line 1"},
		{"JSON object", NewJSONRows(strings.NewReader(`{"value":"A1"}`)), "array"},
		{"JSON truncated", NewJSONRows(strings.NewReader(`[{"value":"A1"},{"val`)), "element 2"},
		{"JSON unclosed", NewJSONRows(strings.NewReader(`[{"value":"A1"}`)), "not closed"},
		{"JSON wrong type", NewJSONRows(strings.NewReader(`[{"value":5}]`)), "element 1"},
	} {
		_, err := readAll(t, tc.rows)
		var pe *Error
		if !errors.As(err, &pe) || pe.Code != EINVALID || pe.Field != "body" || !strings.Contains(pe.Message, tc.want) {
			t.Errorf("%s: %v, want BAD_USER_INPUT on body mentioning %q", tc.name, err, tc.want)
		}
	}
}

func TestGenerators(t *testing.T) {
	next := RandomSerials(Numeric, 12)
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		s, err := next()
		if err != nil || len(s) != 12 || strings.Trim(s, "0123456789") != "" || seen[s] {
			t.Fatalf("random serial %q, %v", s, err)
		}
		seen[s] = true
	}
	if s, err := SequentialSerial(42, 6); err != nil || s != "000042" {
		t.Errorf("SequentialSerial(42, 6) = %q, %v", s, err)
	}
	if _, err := SequentialSerial(1000000, 6); ErrorCode(err) != EINVALID {
		t.Errorf("an exhausted sequence: %v", err)
	}
	if err := CheckFMDSpace(Numeric, 12, 0, 100_000_000); err != nil {
		t.Errorf("10^8 serials in 10^12 values: %v", err)
	}
	if err := CheckFMDSpace(Numeric, 12, 1, 100_000_000); ErrorCode(err) != EINVALID {
		t.Errorf("one more than 10^8 in 10^12 values: %v", err)
	}
}

// TestCSVWriterNeutralisesFormulas: a cell a spreadsheet would run as a formula
// gets a leading quote; others, and the CSV quoting, stay as they are.
func TestCSVWriterNeutralisesFormulas(t *testing.T) {
	var b strings.Builder
	w := NewCSVWriter(&b)
	w.Write([]string{"=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"})
	w.Write([]string{"A=1", "0-1", "", "'quoted", "plain,comma"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",'+1+1,'-2+3,'@SUM(A1),'\tTAB,\"'\rCR\"\n" +
		"A=1,0-1,,'quoted,\"plain,comma\"\n"
	if b.String() != want {
		t.Errorf("CSV =\n%q\nwant\n%q", b.String(), want)
	}
}
