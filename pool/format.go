package pool

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
)

// Bulk bodies are read row by row, so a batch of millions never sits in memory.
// A malformed body is an EINVALID error naming the line.

// NewCSVRows reads serials as CSV: one serial per line, or with a header line
// whose first column is "serial" (or "value") and whose further columns are
// extra parameters named by AI (e.g. "91,92" for TraceLink crypto data).
func NewCSVRows(r io.Reader) Rows {
	c := csv.NewReader(r)
	c.FieldsPerRecord = -1
	c.ReuseRecord = true
	return &csvRows{r: c}
}

type csvRows struct {
	r       *csv.Reader
	started bool
	extras  []string // AI of each column after the first, from the header
}

func (c *csvRows) Next() (SerialInput, error) {
	rec, err := c.r.Read()
	if err != nil {
		return SerialInput{}, c.wrap(err)
	}
	if !c.started {
		c.started = true
		if h := strings.ToLower(strings.TrimSpace(rec[0])); h == "serial" || h == "value" {
			for _, ai := range rec[1:] {
				c.extras = append(c.extras, strings.TrimSpace(ai))
			}
			if rec, err = c.r.Read(); err != nil {
				return SerialInput{}, c.wrap(err)
			}
		}
	}
	if len(rec) != 1+len(c.extras) {
		line, _ := c.r.FieldPos(0)
		return SerialInput{}, Invalid("body", "CSV line %d has %d columns, want %d", line, len(rec), 1+len(c.extras))
	}
	s := SerialInput{Value: rec[0]}
	for i, ai := range c.extras {
		if v := rec[i+1]; v != "" {
			if s.Extra == nil {
				s.Extra = make(map[string]string, len(c.extras))
			}
			s.Extra[ai] = v
		}
	}
	return s, nil
}

func (c *csvRows) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Invalid("body", "CSV line %d: %v", pe.Line, pe.Err)
	}
	return bodyError(err)
}

// NewNDJSONRows reads serials as newline-delimited JSON objects
// {"value": "...", "extra": {"91": "..."}}; blank lines are skipped.
func NewNDJSONRows(r io.Reader) Rows {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	return &ndjsonRows{s: s}
}

type ndjsonRows struct {
	s    *bufio.Scanner
	line int
}

func (n *ndjsonRows) Next() (SerialInput, error) {
	for n.s.Scan() {
		n.line++
		b := bytes.TrimSpace(n.s.Bytes())
		if len(b) == 0 {
			continue
		}
		var s SerialInput
		if err := strictUnmarshal(b, &s); err != nil {
			return SerialInput{}, Invalid("body", "NDJSON line %d: %v", n.line, err)
		}
		return s, nil
	}
	if err := n.s.Err(); err != nil {
		return SerialInput{}, bodyError(err)
	}
	return SerialInput{}, io.EOF
}

// NewJSONRows reads serials from a JSON array of {"value", "extra"} objects,
// one element at a time.
func NewJSONRows(r io.Reader) Rows {
	d := json.NewDecoder(r)
	d.DisallowUnknownFields()
	return &jsonRows{d: d}
}

type jsonRows struct {
	d       *json.Decoder
	started bool
	n       int
}

func (j *jsonRows) Next() (SerialInput, error) {
	if !j.started {
		j.started = true
		if t, err := j.d.Token(); err != nil || t != json.Delim('[') {
			return SerialInput{}, Invalid("body", "the body must be a JSON array of serials")
		}
	}
	if !j.d.More() {
		if _, err := j.d.Token(); err != nil {
			return SerialInput{}, Invalid("body", "the JSON array is not closed: %v", err)
		}
		// Anything after the array would be silently dropped: refuse the batch.
		var syntax *json.SyntaxError
		switch _, err := j.d.Token(); {
		case err == io.EOF:
			return SerialInput{}, io.EOF
		case err != nil && !errors.As(err, &syntax):
			return SerialInput{}, bodyError(err)
		}
		return SerialInput{}, Invalid("body", "the body must be one JSON array; more follows it")
	}
	j.n++
	var s SerialInput
	if err := j.d.Decode(&s); err != nil {
		return SerialInput{}, Invalid("body", "JSON element %d: %v", j.n, bodyError(err))
	}
	return s, nil
}

func strictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	// Not d.More(): it is false before a stray ']' or '}', which would slip through.
	if _, err := d.Token(); err != io.EOF {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// bodyError keeps io.EOF (the end) and application errors as they are; any
// other read error (a broken connection, a stall, a body over the size limit)
// is the body's fault.
func bodyError(err error) error {
	var pe *Error
	switch {
	case errors.Is(err, io.EOF) || errors.As(err, &pe):
		return err
	case errors.Is(err, os.ErrDeadlineExceeded): // the server's idle limit between two reads
		return &Error{Code: EINVALID, Field: "body", Message: "the body stalled: nothing arrived for too long; nothing of it is stored", cause: err}
	}
	return &Error{Code: EINVALID, Field: "body", Message: "reading the body: " + err.Error(), cause: err}
}

// CSVWriter writes CSV exports. A cell that a spreadsheet would run as a
// formula, one beginning with =, +, -, @, a tab or a carriage return (serials of
// GS1 set 82 may begin with + or -, and a partner's upstream supplies them), is
// prefixed with a single quote, as OWASP advises against CSV injection. Exact
// values are in the JSON and NDJSON forms of the same exports.
type CSVWriter struct {
	w    *csv.Writer
	safe []string
}

// NewCSVWriter returns a CSVWriter on w; every CSV export goes through one.
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (c *CSVWriter) Write(record []string) error {
	c.safe = c.safe[:0]
	for _, cell := range record {
		c.safe = append(c.safe, spreadsheetSafe(cell))
	}
	return c.w.Write(c.safe)
}

// Flush writes what is buffered and reports any error of the writer so far.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// spreadsheetSafe returns cell as a spreadsheet shows it as text: with a
// leading single quote when it would otherwise start a formula.
func spreadsheetSafe(cell string) string {
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		return "'" + cell
	}
	return cell
}
