package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/pool"
)

// env is a private cluster with a migrated database and the server running on it.
type env struct {
	cluster *localpg.Cluster
	dbURL   string
	db      *db.DB
	server  *exec.Cmd
	url     string
	tenant  int64
	key     string // an operator key of the bench tenant
	actor   context.Context
}

func start(ctx context.Context, bin string) (*env, error) {
	dir, err := os.MkdirTemp("", "serialpool-bench-pg-")
	if err != nil {
		return nil, err
	}
	e := &env{}
	if e.cluster, err = localpg.Start(dir, localpg.Options{}); err != nil {
		return nil, err
	}
	admin, err := pgx.Connect(ctx, e.cluster.URL("postgres"))
	if err != nil {
		return e, err
	}
	_, err = admin.Exec(ctx, "CREATE DATABASE bench")
	admin.Close(ctx)
	if err != nil {
		return e, err
	}
	e.dbURL = e.cluster.URL("bench")
	if e.db, err = db.Open(ctx, e.dbURL); err != nil {
		return e, err
	}
	if err := e.db.Migrate(ctx); err != nil {
		return e, err
	}
	if e.tenant, err = e.db.CreateTenant(ctx, "Bench Pharma"); err != nil {
		return e, err
	}
	if e.key, err = e.db.CreateKey(ctx, e.tenant, pool.RoleAdmin); err != nil {
		return e, err
	}
	a, err := e.db.Authenticate(ctx, e.key)
	if err != nil {
		return e, err
	}
	e.actor = pool.WithActor(ctx, a)

	port, err := freePort()
	if err != nil {
		return e, err
	}
	e.url = "http://127.0.0.1:" + strconv.Itoa(port)
	e.server = exec.Command(bin, "serve", "--addr", "127.0.0.1:"+strconv.Itoa(port))
	e.server.Env = append(os.Environ(), "DATABASE_URL="+e.dbURL)
	e.server.Stderr = nil
	if err := e.server.Start(); err != nil {
		return e, fmt.Errorf("start %s (run make build first): %w", bin, err)
	}
	for i := 0; ; i++ {
		res, err := http.Get(e.url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if i == 100 {
			return e, fmt.Errorf("server did not become ready")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return e, nil
}

func (e *env) stop() {
	if e.server != nil && e.server.Process != nil {
		e.server.Process.Kill()
		e.server.Wait()
	}
	if e.db != nil {
		e.db.Close()
	}
	if e.cluster != nil {
		e.cluster.Stop()
		os.RemoveAll(e.cluster.Dir)
	}
}

// peakRSS is the server's peak resident memory in MB (VmHWM).
func (e *env) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.server.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return -1
}

// product registers a product with the given source for the bench tenant.
func (e *env) product(n int, source pool.Source) (*pool.Product, error) {
	code := fmt.Sprintf("0490000%06d", n)
	c := byte('0')
	for ; c <= '9'; c++ {
		if _, err := e.db.CreateProduct(e.actor, pool.NewProduct{Code: code + string(c), CodeSchema: pool.GTIN,
			Name: "Bench " + strconv.Itoa(n), Source: source}); err == nil {
			break
		} else if pool.ErrorCode(err) != pool.EINVALID {
			return nil, err
		}
	}
	return e.db.ProductByCode(e.actor, code+string(c))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
