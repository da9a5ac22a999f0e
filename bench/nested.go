package main

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/pool"
)

// The nested page: the first nestedPage products by code, each with its first
// nestedPage serials (oldest first), each serial with its pack history (oldest
// first). PostGraphile compiles such a query to one SQL statement; serialpool
// resolves it level by level with a batched statement per level. Both serve a
// tenant of its own (PostGraphile reads it from X-Tenant-Id), so the products
// of the other pages stay out.
//
// PostGraphile reaches a product's serials by the foreign key serials.product_id;
// pack_events has no foreign key to serials (the pair would be (product_id,
// serial_id)), so bench/postgraphile/graphile.config.mjs declares one with a
// smart tag in PostGraphile's config, which names the relation packEvents.
const (
	nestedPage        = 20
	nestedSmall       = 5 // the small page of the statements count
	nestedProducts    = 24
	nestedSerials     = 30 // per product; the first nestedAssigned are assigned
	nestedAssigned    = 15
	nestedStatementsN = 100 // requests over which statements are counted
	oursNestedQuery   = `{ products(first: %d) { edges { node { code serials(first: %d) { edges { node { value history { event at } } } } } } } }`
	theirNestedQuery  = `{ allProducts(first: %d, orderBy: CODE_ASC) { nodes { code serialsByProductId(first: %d, orderBy: PRIMARY_KEY_ASC) {
		nodes { value packEvents(orderBy: [AT_ASC, RECORDED_AT_ASC, PRIMARY_KEY_ASC]) { nodes { event at } } } } } } }`
)

func benchNested(ctx context.Context, e *env, size string) ([]result, error) {
	duration, warmup, rounds := readTiming(size)
	conns := *productsConns
	t0 := time.Now()
	t, events, err := seedNested(ctx, e)
	if err != nil {
		return nil, fmt.Errorf("nested page: seed: %w", err)
	}
	log.Printf("nested page: seeded %d products of %d serials, %d pack events in %.1fs", nestedProducts, nestedSerials, events, time.Since(t0).Seconds())

	pg, err := startPostGraphile(ctx, *postgraphileDir, e.dbURL, e.tenant)
	if err != nil {
		return nil, fmt.Errorf("nested page: %w", err)
	}
	defer pg.stop()
	oursAt := func(n int) side {
		return side{name: "serialpool", proc: "server", pid: e.server.Pid(), load: load{URL: e.url + "/graphql",
			Body: graphqlBody(fmt.Sprintf(oursNestedQuery, n, n)), Conns: conns, Check: noErrors,
			Header: http.Header{"Authorization": {"Bearer " + t.key}, "Content-Type": {"application/json"}}}}
	}
	ours := oursAt(nestedPage)
	theirs := pg.side(graphqlBody(fmt.Sprintf(theirNestedQuery, nestedPage, nestedPage)), conns, t.id)

	// Both must answer the same page before either is timed: the same serials
	// of the same products, each with the same events at the same times, in the
	// same order.
	want, err := oursNestedPage(ours.load)
	if err != nil {
		return nil, fmt.Errorf("nested page: serialpool: %w", err)
	}
	got, err := theirNestedPage(theirs.load)
	if err != nil {
		return nil, fmt.Errorf("nested page: PostGraphile: %w\n%s", err, pg.output.String())
	}
	if err := checkNested(want); err != nil {
		return nil, fmt.Errorf("nested page: serialpool: %w", err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return nil, fmt.Errorf("nested page: PostGraphile and serialpool differ:\n%v\n%v", got, want)
	}

	// The server's database statements per request, at two page sizes: a
	// batched resolver sends as many at 20x20 as at 5x5.
	small, err := statementsPerRequest(e, oursAt(nestedSmall).load, nestedStatementsN)
	if err != nil {
		return nil, fmt.Errorf("nested page: statements at %dx%d: %w", nestedSmall, nestedSmall, err)
	}
	big, err := statementsPerRequest(e, ours.load, nestedStatementsN)
	if err != nil {
		return nil, fmt.Errorf("nested page: statements at %dx%d: %w", nestedPage, nestedPage, err)
	}
	log.Printf("nested page: serialpool's statements per request: %.2f at %dx%d, %.2f at %dx%d", small, nestedSmall, nestedSmall, big, nestedPage, nestedPage)
	// Up to half a statement more per request is noise from the server's
	// background work; one statement per product or serial would add 15 or more.
	constant := big < small+0.5

	o, p, err := alternate(ctx, e, "nested page", ours, theirs, warmup, duration, rounds)
	if err != nil {
		return nil, err
	}
	work := fmt.Sprintf("nested page (%d products x %d serials with history), %d conns", nestedPage, nestedPage, conns)
	statements := fmt.Sprintf("serialpool's DB statements per request: %.2f at %dx%d, %.2f at %dx%d (over %d requests each)",
		small, nestedSmall, nestedSmall, big, nestedPage, nestedPage, nestedStatementsN)
	throughput := throughputRow(work+": throughput", o, p, 1.5, ">= 1.5x PostGraphile 5, constant statements/request",
		fmt.Sprintf("%s each in %d alternating rounds; %s; %s; %s", duration, rounds, o.note(ours), p.note(theirs), statements))
	throughput.Met = throughput.Met && constant
	return []result{throughput, {
		Work: fmt.Sprintf("nested page: DB statements per request at %dx%d (baseline: at %dx%d)", nestedPage, nestedPage, nestedSmall, nestedSmall),
		Ours: big, Baseline: small, Unit: "stmt/req", Ratio: small / big, Target: "no more than at the small page", Met: constant,
		Note: "serialpool_db_statements_total from the server's /metrics before and after the requests; " + statements,
	}}, nil
}

// seedNested registers nestedProducts products for a tenant of its own with
// nestedSerials serials each, received two days ago, and commissions the
// assigned ones (lot, expiry, a time zone) over the product's own service;
// every third of them is decommissioned as sampled after. It returns the
// tenant and the number of pack events.
func seedNested(ctx context.Context, e *env) (tenant, int, error) {
	t, err := newTenant(ctx, e, "Bench Nested")
	if err != nil {
		return t, 0, err
	}
	var ids []int64
	var totals, assigned []int32
	var codes []string
	for i := range nestedProducts {
		p, err := createProduct(t.actor, e, 3000+i, "Nested page", pool.SourceSNM)
		if err != nil {
			return t, 0, err
		}
		ids, totals, assigned, codes = append(ids, p.ID), append(totals, nestedSerials), append(assigned, nestedAssigned), append(codes, p.Code)
	}
	if _, err := insertSerials(ctx, e, ids, totals, assigned, 48*time.Hour); err != nil {
		return t, 0, err
	}
	// Whole seconds: both servers answer the event times as they were given.
	commissioned := time.Now().Add(-24 * time.Hour).Truncate(time.Second)
	sampled := pool.Sampled
	var events []pool.PackEventInput
	for i, code := range codes {
		for g := 1; g <= nestedAssigned; g++ {
			serial := fmt.Sprintf("P%011d", g)
			events = append(events, pool.PackEventInput{ProductCode: code, Serial: serial, Event: pool.Commission,
				At: commissioned.Add(time.Duration(i*nestedSerials+g) * time.Minute), TZOffset: []string{"+00:00", "+01:00", "-05:00"}[g%3],
				Lot: fmt.Sprintf("LOT%d", i), Expiry: time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)})
			if g%3 == 0 {
				events = append(events, pool.PackEventInput{ProductCode: code, Serial: serial, Event: pool.Decommission,
					Reason: &sampled, At: commissioned.Add(13*time.Hour + time.Duration(g)*time.Second)})
			}
		}
	}
	if _, err := e.db.RecordPackEvents(t.actor, events); err != nil {
		return t, 0, err
	}
	err = e.exec(ctx, func(c *pgx.Conn) error {
		_, err := c.Exec(ctx, `ANALYZE serials, pack_events`)
		return err
	})
	return t, len(events), err
}

// nestedProduct is one product of the nested page as both servers must answer it.
type nestedProduct struct {
	Code    string
	Serials []nestedSerial
}

type nestedSerial struct {
	Value   string
	History []nestedEvent
}

type nestedEvent struct {
	Event string
	At    time.Time
}

func (e nestedEvent) String() string { return e.Event + "@" + e.At.UTC().Format(time.RFC3339Nano) }

func oursNestedPage(l load) ([]nestedProduct, error) {
	var out struct {
		Data struct {
			Products struct {
				Edges []struct {
					Node struct {
						Code    string
						Serials struct {
							Edges []struct{ Node nestedSerial }
						}
					}
				}
			}
		}
	}
	if err := postOnce(l, &out); err != nil {
		return nil, err
	}
	var page []nestedProduct
	for _, p := range out.Data.Products.Edges {
		np := nestedProduct{Code: p.Node.Code}
		for _, s := range p.Node.Serials.Edges {
			np.Serials = append(np.Serials, s.Node)
		}
		page = append(page, np)
	}
	return page, nil
}

func theirNestedPage(l load) ([]nestedProduct, error) {
	var out struct {
		Data struct {
			AllProducts struct {
				Nodes []struct {
					Code               string
					SerialsByProductId struct {
						Nodes []struct {
							Value      string
							PackEvents struct{ Nodes []nestedEvent }
						}
					}
				}
			}
		}
	}
	if err := postOnce(l, &out); err != nil {
		return nil, err
	}
	var page []nestedProduct
	for _, p := range out.Data.AllProducts.Nodes {
		np := nestedProduct{Code: p.Code}
		for _, s := range p.SerialsByProductId.Nodes {
			np.Serials = append(np.Serials, nestedSerial{Value: s.Value, History: s.PackEvents.Nodes})
		}
		page = append(page, np)
	}
	return page, nil
}

// checkNested makes sure the page is the full one, with histories in it.
func checkNested(page []nestedProduct) error {
	if len(page) != nestedPage {
		return fmt.Errorf("%d products, want %d", len(page), nestedPage)
	}
	events := 0
	for _, p := range page {
		if len(p.Serials) != nestedPage {
			return fmt.Errorf("product %s: %d serials, want %d", p.Code, len(p.Serials), nestedPage)
		}
		for _, s := range p.Serials {
			events += len(s.History)
		}
	}
	if want := nestedPage * (nestedAssigned + nestedAssigned/3); events != want {
		return fmt.Errorf("%d pack events on the page, want %d", events, want)
	}
	return nil
}

// statementsPerRequest sends l's request n times, one after the other, and
// divides the growth of the server's serialpool_db_statements_total by n.
func statementsPerRequest(e *env, l load, n int) (float64, error) {
	var v struct{}
	if err := postOnce(l, &v); err != nil { // the key is cached after the first
		return 0, err
	}
	before, err := statementsOf(e.server)
	if err != nil {
		return 0, err
	}
	for range n {
		if err := postOnce(l, &v); err != nil {
			return 0, err
		}
	}
	after, err := statementsOf(e.server)
	if err != nil {
		return 0, err
	}
	return (after - before) / float64(n), nil
}
