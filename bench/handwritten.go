package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The products page as a hand-written net/http + pgx handler: the practical
// limit of a server of this page. It authenticates nothing, parses no GraphQL
// (any POST gets the page), and sends the one statement the page needs with
// the tenant switch as serialpool's reads do (db.enterTenant and tenantRead):
// one pgx batch, which PostgreSQL runs as one implicit transaction, so the
// local settings hold for the query and row-level security applies as to
// serialpool. It answers serialpool's JSON shape.
const (
	handEnterTenant  = `SELECT set_config('role', 'serialpool_app', true), set_config('app.tenant_id', $1, true)`
	handProductsPage = `SELECT p.code, p.name,
			coalesce(sum(c.n) FILTER (WHERE c.status = 'AVAILABLE'), 0)::bigint,
			coalesce(sum(c.n) FILTER (WHERE c.status = 'ASSIGNED'), 0)::bigint
		FROM (SELECT id, code, name FROM products WHERE code_schema <> 'SSCC' ORDER BY code LIMIT $1) p
		LEFT JOIN pool_counters c ON c.product_id = p.id
		GROUP BY p.code, p.name ORDER BY p.code`
)

type handPage struct {
	Data struct {
		Products struct {
			Edges []handEdge `json:"edges"`
		} `json:"products"`
	} `json:"data"`
}

type handEdge struct {
	Node struct {
		Code string `json:"code"`
		Name string `json:"name"`
		Pool struct {
			Available int64 `json:"available"`
			Assigned  int64 `json:"assigned"`
		} `json:"pool"`
	} `json:"node"`
}

// handWritten is the handler's HTTP server, served by a goroutine of the
// bench process on a free loopback port.
type handWritten struct {
	url    string
	srv    *http.Server
	db     *pgxpool.Pool
	served chan error
}

// startHandWritten serves the products page of tenant from database url (as
// its owner, switching to serialpool_app per request) with up to conns
// connections, as serialpool's pool.
func startHandWritten(ctx context.Context, url string, tenant int64, conns int) (*handWritten, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(conns)
	db, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return nil, err
	}
	h := &handWritten{url: fmt.Sprintf("http://%s/graphql", l.Addr()), db: db, served: make(chan error, 1)}
	id := strconv.FormatInt(tenant, 10)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		page, err := h.productsPage(r.Context(), id)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(page)
	})
	h.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { h.served <- h.srv.Serve(l) }()
	return h, nil
}

func (h *handWritten) productsPage(ctx context.Context, tenant string) (*handPage, error) {
	batch := &pgx.Batch{}
	batch.Queue(handEnterTenant, tenant)
	batch.Queue(handProductsPage, productsPage)
	b := h.db.SendBatch(ctx, batch)
	defer b.Close()
	if _, err := b.Exec(); err != nil {
		return nil, fmt.Errorf("enter tenant: %w", err)
	}
	rows, err := b.Query()
	if err != nil {
		return nil, err
	}
	page := &handPage{}
	edges := make([]handEdge, 0, productsPage)
	for rows.Next() {
		var e handEdge
		n := &e.Node
		if err := rows.Scan(&n.Code, &n.Name, &n.Pool.Available, &n.Pool.Assigned); err != nil {
			return nil, err
		}
		edges = append(edges, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	page.Data.Products.Edges = edges
	return page, b.Close()
}

func (h *handWritten) stop() {
	h.srv.Close()
	if err := <-h.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Printf("hand-written handler: %v", err)
	}
	h.db.Close()
}
