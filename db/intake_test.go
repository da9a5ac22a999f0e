package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/serialpool/serialpool/pool"
)

func rows(values ...string) *pool.SliceRows {
	r := make(pool.SliceRows, len(values))
	for i, v := range values {
		r[i] = pool.SerialInput{Value: v}
	}
	return &r
}

func seq(prefix string, n int) []string {
	v := make([]string, n)
	for i := range v {
		v[i] = fmt.Sprintf("%s%06d", prefix, i)
	}
	return v
}

// sourced registers a product with the given source for the tenant of ctx.
func (w *world) sourced(t testing.TB, ctx context.Context, n int, source pool.Source, f pool.SerialFormat) *pool.Product {
	t.Helper()
	p, err := w.db.CreateProduct(ctx, pool.NewProduct{Code: gtin(n), CodeSchema: pool.GTIN, Name: "P" + fmt.Sprint(n),
		Source: source, LowThreshold: 1, SerialFormat: f})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (w *world) count(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := w.db.Gorm().Raw(query, args...).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReceiveFromEverySource(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for i, src := range []pool.Source{pool.SourceSAPATTP, pool.SourceSAPICH, pool.SourceTraceLink} {
		p := w.sourced(t, w.mahAdmin, 10+i, src, pool.SerialFormat{})
		res, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: p.Code, Source: src, Rows: rows(seq("R", 250)...)})
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if res.Accepted != 250 || res.Replayed || res.BatchID == 0 || res.Source != src {
			t.Errorf("%s: result %+v", src, res)
		}
		// The product's own source arrives Available; EXTERNAL serials arrive Assigned.
		ext, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: p.Code, Source: pool.SourceExternal, Rows: rows(seq("X", 40)...)})
		if err != nil || ext.Accepted != 40 {
			t.Fatalf("%s external: %+v, %v", src, ext, err)
		}
		c, err := w.db.Counts(w.mahViewer, []int64{p.ID})
		if err != nil || c[0].Available != 250 || c[0].Assigned != 40 {
			t.Errorf("%s counts = %+v, %v", src, c, err)
		}
		if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND source = ? AND status = 'AVAILABLE' AND assigned_at IS NULL`, p.ID, src); n != 250 {
			t.Errorf("%s: %d serials stored with their source", src, n)
		}
		if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ? AND source = 'EXTERNAL' AND status = 'ASSIGNED' AND assigned_at IS NOT NULL`, p.ID); n != 40 {
			t.Errorf("%s: %d external serials stored assigned", src, n)
		}
	}

	// TraceLink extra parameters are stored beside the serial.
	tl := w.sourced(t, w.mahAdmin, 20, pool.SourceTraceLink, pool.SerialFormat{})
	code := strings.Repeat("Ab1+", 11)
	batch := pool.SliceRows{{Value: "TL1", Extra: map[string]string{"91": "K001", "92": code}}, {Value: "TL2"}}
	if _, err := w.db.Receive(w.mahOperator(t), pool.Intake{ProductCode: tl.Code, Source: pool.SourceTraceLink, Rows: &batch}); err != nil {
		t.Fatal(err)
	}
	var extra string
	w.db.Gorm().Raw(`SELECT extra->>'92' FROM serials WHERE product_id = ? AND value = 'TL1'`, tl.ID).Scan(&extra)
	if extra != code {
		t.Errorf("AI 92 stored as %q", extra)
	}
	if n := w.count(t, `SELECT count(*) FROM audit_log WHERE action = 'serials.receive' AND tenant_id = ?`, w.mah); n != 7 {
		t.Errorf("%d audit entries for 7 intakes", n)
	}
	assertCountersExact(t, w)
}

func (w *world) mahOperator(t *testing.T) context.Context {
	return w.actor(t, w.mah, pool.RoleOperator)
}

// TestReceiveRejectsBadBatchesWhole tries every class of bad input: each batch
// stores nothing, and its error names the offending rows and counts them all.
func TestReceiveRejectsBadBatchesWhole(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceTraceLink, pool.SerialFormat{})
	theirs := w.sourced(t, w.otherAdmin, 2, pool.SourceTraceLink, pool.SerialFormat{})
	if _, err := w.db.Receive(w.mahAdmin, pool.Intake{ProductCode: p.Code, Source: pool.SourceTraceLink, Rows: rows("EXISTING1", "EXISTING2")}); err != nil {
		t.Fatal(err)
	}
	good := seq("G", 300)
	with := func(extra ...pool.SerialInput) *pool.SliceRows {
		r := make(pool.SliceRows, 0, len(good)+len(extra))
		for _, v := range good[:150] {
			r = append(r, pool.SerialInput{Value: v})
		}
		r = append(r, extra...)
		for _, v := range good[150:] {
			r = append(r, pool.SerialInput{Value: v})
		}
		return &r
	}
	many := make([]pool.SerialInput, 250)
	for i := range many {
		many[i] = pool.SerialInput{Value: fmt.Sprintf("bad#%d", i)}
	}
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		in      pool.Intake
		code    string
		rowCode string
		row     int64
		total   int64
	}{
		{"charset", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "AB#1"})}, pool.EINVALID, "serial_charset", 151, 1},
		{"space", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "AB 1"})}, pool.EINVALID, "serial_charset", 151, 1},
		{"non-ASCII", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "ABé"})}, pool.EINVALID, "serial_charset", 151, 1},
		{"too long", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: strings.Repeat("1", 21)})}, pool.EINVALID, "serial_length", 151, 1},
		{"empty", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: ""})}, pool.EINVALID, "serial_length", 151, 1},
		{"unknown extra", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "E1", Extra: map[string]string{"93": "x"}})}, pool.EINVALID, "extra_unknown", 151, 1},
		{"extra length", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "E1", Extra: map[string]string{"91": "ABCDE"}})}, pool.EINVALID, "extra_length", 151, 1},
		{"extra charset", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "E1", Extra: map[string]string{"91": "AB#D"}})}, pool.EINVALID, "extra_charset", 151, 1},
		{"extra on external", w.mahAdmin, pool.Intake{Source: pool.SourceExternal, Rows: with(pool.SerialInput{Value: "E1", Extra: map[string]string{"91": "ABCD"}})}, pool.EINVALID, "extra_not_allowed", 151, 1},
		{"many bad rows", w.mahAdmin, pool.Intake{Rows: with(many...)}, pool.EINVALID, "serial_charset", 151, 250},
		{"duplicate in batch", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: good[7]})}, pool.ECONFLICT, "duplicate_in_batch", 151, 1},
		{"duplicate in pool", w.mahAdmin, pool.Intake{Rows: with(pool.SerialInput{Value: "EXISTING2"})}, pool.ECONFLICT, "duplicate_in_pool", 151, 1},
		{"duplicate across sources", w.mahAdmin, pool.Intake{Source: pool.SourceExternal, Rows: with(pool.SerialInput{Value: "EXISTING1"})}, pool.ECONFLICT, "duplicate_in_pool", 151, 1},
		{"empty batch", w.mahAdmin, pool.Intake{Rows: rows()}, pool.EINVALID, "", 0, 0},
		{"wrong source for product", w.mahAdmin, pool.Intake{Source: pool.SourceSAPICH, Rows: rows("A1")}, pool.EINVALID, "", 0, 0},
		{"SNM is generated", w.mahAdmin, pool.Intake{Source: pool.SourceSNM, Rows: rows("A1")}, pool.EINVALID, "", 0, 0},
		{"partner", w.mahAdmin, pool.Intake{Source: pool.SourcePartner, Rows: rows("A1")}, pool.EINVALID, "", 0, 0},
		{"viewer", w.mahViewer, pool.Intake{Rows: rows("A1")}, pool.EFORBIDDEN, "", 0, 0},
		{"unknown product", w.mahAdmin, pool.Intake{ProductCode: gtin(99), Rows: rows("A1")}, pool.ENOTFOUND, "", 0, 0},
		{"another tenant's product", w.mahAdmin, pool.Intake{ProductCode: theirs.Code, Rows: rows("A1")}, pool.ENOTFOUND, "", 0, 0},
		{"CMO into its MAH's product", w.cmoAdmin, pool.Intake{Rows: rows("A1")}, pool.ENOTFOUND, "", 0, 0},
	} {
		in := tc.in
		if in.ProductCode == "" {
			in.ProductCode = p.Code
		}
		if in.Source == "" {
			in.Source = pool.SourceTraceLink
		}
		_, err := w.db.Receive(tc.ctx, in)
		var pe *pool.Error
		if !errors.As(err, &pe) || pe.Code != tc.code {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.code)
			continue
		}
		if tc.rowCode != "" {
			b := pe.Batch
			if b == nil || b.Total != tc.total || b.Rows[0].Row != tc.row || b.Rows[0].Code != tc.rowCode ||
				len(b.Rows) != min(int(tc.total), pool.MaxReportedRows) || b.Rows[0].Reason == "" {
				t.Errorf("%s: batch error %+v, want row %d code %s total %d", tc.name, b, tc.row, tc.rowCode, tc.total)
			}
		}
	}
	if n := w.count(t, `SELECT count(*) FROM serials`); n != 2 {
		t.Errorf("%d serials stored, want only the 2 of the first batch", n)
	}
	if n := w.count(t, `SELECT count(*) FROM intake_batches`); n != 1 {
		t.Errorf("%d batches recorded, want 1", n)
	}
	assertCountersExact(t, w)
}

func TestReceiveIsExactlyOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	p := w.sourced(t, w.mahAdmin, 1, pool.SourceSAPATTP, pool.SerialFormat{})
	in := func(key string, values ...string) pool.Intake {
		return pool.Intake{ProductCode: p.Code, Source: pool.SourceSAPATTP, IdempotencyKey: key, Rows: rows(values...)}
	}
	first, err := w.db.Receive(w.mahAdmin, in("order-1", seq("A", 500)...))
	if err != nil {
		t.Fatal(err)
	}
	again, err := w.db.Receive(w.mahAdmin, in("order-1", seq("A", 500)...))
	if err != nil || !again.Replayed || again.BatchID != first.BatchID || again.Accepted != 500 {
		t.Fatalf("retry = %+v, %v; want a replay of %+v", again, err, first)
	}
	_, err = w.db.Receive(w.mahAdmin, in("order-1", seq("B", 500)...))
	if pool.ErrorCode(err) != pool.ECONFLICT {
		t.Errorf("another batch under a used key: %v", err)
	}
	// Keys belong to a tenant: another tenant may use the same key.
	q := w.sourced(t, w.otherAdmin, 2, pool.SourceSAPATTP, pool.SerialFormat{})
	if r, err := w.db.Receive(w.otherAdmin, pool.Intake{ProductCode: q.Code, Source: pool.SourceSAPATTP, IdempotencyKey: "order-1", Rows: rows("Z1")}); err != nil || r.Replayed {
		t.Errorf("other tenant, same key: %+v, %v", r, err)
	}

	// Eight concurrent deliveries of one batch store it once.
	var wg sync.WaitGroup
	results := make([]*pool.IntakeResult, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = w.db.Receive(w.mahAdmin, in("order-2", seq("C", 2000)...))
		}()
	}
	wg.Wait()
	stored := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("delivery %d: %v", i, errs[i])
		}
		if !r.Replayed {
			stored++
		}
		if r.BatchID != results[0].BatchID {
			t.Errorf("deliveries report batches %d and %d", r.BatchID, results[0].BatchID)
		}
	}
	if stored != 1 {
		t.Errorf("%d deliveries stored the batch, want 1", stored)
	}
	if n := w.count(t, `SELECT count(*) FROM serials WHERE product_id = ?`, p.ID); n != 2500 {
		t.Errorf("%d serials stored, want 2500", n)
	}
	running, n, res, err := w.db.IntakeProgress(w.mahViewer, "order-2")
	if err != nil || running || n != 2000 || res.BatchID != results[0].BatchID {
		t.Errorf("progress of a stored batch = %v %d %+v %v", running, n, res, err)
	}
	if _, _, _, err := w.db.IntakeProgress(w.otherAdmin, "order-2"); pool.ErrorCode(err) != pool.ENOTFOUND {
		t.Errorf("another tenant sees the batch: %v", err)
	}
	assertCountersExact(t, w)
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	alnum := w.sourced(t, w.mahAdmin, 1, pool.SourceSNM, pool.SerialFormat{SerialAlphabet: pool.Alphanumeric, SerialLength: 10})
	res, err := w.db.Generate(w.mahOperator(t), pool.Generation{ProductCode: alnum.Code, Count: 20000, Mode: pool.Random})
	if err != nil || res.Accepted != 20000 {
		t.Fatalf("generate = %+v, %v", res, err)
	}
	var values []string
	w.db.Gorm().Raw(`SELECT value FROM serials WHERE product_id = ? AND status = 'AVAILABLE' AND source = 'SNM'`, alnum.ID).Scan(&values)
	if len(values) != 20000 {
		t.Fatalf("%d serials stored", len(values))
	}
	seen := map[byte]bool{}
	for _, v := range values {
		if len(v) != 10 {
			t.Fatalf("serial %q is not 10 characters", v)
		}
		for i := 0; i < len(v); i++ {
			if !strings.ContainsRune(pool.Alphanumeric.Chars(), rune(v[i])) {
				t.Fatalf("serial %q leaves the alphabet", v)
			}
			seen[v[i]] = true
		}
	}
	if len(seen) != len(pool.Alphanumeric.Chars()) {
		t.Errorf("20,000 random serials used %d of %d characters", len(seen), len(pool.Alphanumeric.Chars()))
	}

	// SEQUENTIAL continues from the highest issued, even across calls and
	// concurrent callers.
	num := w.sourced(t, w.mahAdmin, 2, pool.SourceSNM, pool.SerialFormat{SerialAlphabet: pool.Numeric, SerialLength: 8})
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: num.Code, Count: 500, Mode: pool.Sequential}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var lo, hi string
	w.db.Gorm().Raw(`SELECT min(value), max(value) FROM serials WHERE product_id = ?`, num.ID).Row().Scan(&lo, &hi)
	if n := w.count(t, `SELECT count(DISTINCT value) FROM serials WHERE product_id = ?`, num.ID); n != 2000 || lo != "00000001" || hi != "00002000" {
		t.Errorf("sequential: %d serials from %s to %s, want 00000001..00002000", n, lo, hi)
	}

	// A random-generation race on one pool never duplicates.
	race := w.sourced(t, w.mahAdmin, 3, pool.SourceSNM, pool.SerialFormat{SerialAlphabet: pool.Numeric, SerialLength: 9})
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := w.db.Generate(w.mahAdmin, pool.Generation{ProductCode: race.Code, Count: 3000, Mode: pool.Random}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := w.count(t, `SELECT count(DISTINCT value) FROM serials WHERE product_id = ?`, race.ID); n != 24000 {
		t.Errorf("8 x 3000 concurrent random serials: %d distinct", n)
	}

	for _, tc := range []struct {
		name string
		ctx  context.Context
		g    pool.Generation
		code string
	}{
		// 4 digits hold 10,000 values: under EU FMD that is room for one serial.
		{"FMD guessing odds", w.mahAdmin, pool.Generation{ProductCode: w.sourced(t, w.mahAdmin, 4, pool.SourceSNM, pool.SerialFormat{SerialAlphabet: pool.Numeric, SerialLength: 4}).Code, Count: 2, Mode: pool.Random}, pool.EINVALID},
		{"not an SNM product", w.mahAdmin, pool.Generation{ProductCode: w.sourced(t, w.mahAdmin, 5, pool.SourceTraceLink, pool.SerialFormat{}).Code, Count: 1, Mode: pool.Random}, pool.EINVALID},
		{"zero", w.mahAdmin, pool.Generation{ProductCode: alnum.Code, Count: 0, Mode: pool.Random}, pool.EINVALID},
		{"over the cap", w.mahAdmin, pool.Generation{ProductCode: alnum.Code, Count: pool.MaxGenerate + 1, Mode: pool.Random}, pool.EINVALID},
		{"unknown mode", w.mahAdmin, pool.Generation{ProductCode: alnum.Code, Count: 1, Mode: "GUESS"}, pool.EINVALID},
		{"viewer", w.mahViewer, pool.Generation{ProductCode: alnum.Code, Count: 1, Mode: pool.Random}, pool.EFORBIDDEN},
		{"other tenant", w.otherAdmin, pool.Generation{ProductCode: alnum.Code, Count: 1, Mode: pool.Random}, pool.ENOTFOUND},
	} {
		if _, err := w.db.Generate(tc.ctx, tc.g); pool.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	assertCountersExact(t, w)
}

func TestChannels(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	c, key, err := w.db.CreateChannel(w.mahAdmin, pool.NewChannel{Name: "ATTP prod", Source: pool.SourceSAPATTP})
	if err != nil || c.ID == 0 || !strings.HasPrefix(key, "spc_") {
		t.Fatalf("CreateChannel = %+v %q %v", c, key, err)
	}
	got, err := w.db.ChannelByKey(w.mahViewer, key)
	if err != nil || got.ID != c.ID || got.Source != pool.SourceSAPATTP {
		t.Errorf("ChannelByKey = %+v, %v", got, err)
	}
	if _, err := w.db.ChannelByKey(w.otherAdmin, key); pool.ErrorCode(err) != pool.EUNAUTHENTICATED {
		t.Errorf("another tenant used the channel key: %v", err)
	}
	for _, tc := range []struct {
		ctx  context.Context
		nc   pool.NewChannel
		code string
	}{
		{w.mahAdmin, pool.NewChannel{Name: "ATTP prod", Source: pool.SourceSAPICH}, pool.ECONFLICT},
		{w.mahAdmin, pool.NewChannel{Name: "gen", Source: pool.SourceSNM}, pool.EINVALID},
		{w.mahAdmin, pool.NewChannel{Name: " ", Source: pool.SourceTraceLink}, pool.EINVALID},
		{w.mahViewer, pool.NewChannel{Name: "x", Source: pool.SourceTraceLink}, pool.EFORBIDDEN},
	} {
		if _, _, err := w.db.CreateChannel(tc.ctx, tc.nc); pool.ErrorCode(err) != tc.code {
			t.Errorf("%+v: %v, want %s", tc.nc, err, tc.code)
		}
	}
	list, err := w.db.Channels(w.otherAdmin)
	if err != nil || len(list) != 0 {
		t.Errorf("other tenant lists %v, %v", list, err)
	}
}
