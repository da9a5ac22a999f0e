// Command serialpool is the whole product in one binary: the HTTP server (GraphQL
// API, SPA, health, metrics) and the operator commands around it.
//
//	serialpool serve [--addr HOST:PORT]    serve, applying pending migrations first
//	serialpool dev [--addr HOST:PORT]      make run: private database, migrate, demo data, serve
//	serialpool migrate                     apply pending migrations
//	serialpool seed-demo [--json]          create the demo data set (once) and new demo keys
//	serialpool tenant create --name NAME [--json]
//	serialpool key create --tenant ID --role viewer|operator|admin --owner EMAIL|--service-account NAME [--json]
//	serialpool key list --tenant ID [--json]
//	serialpool key revoke --id ID
//	serialpool user create --tenant ID --email E --name N --role R [--json]   (password on stdin, else an invitation)
//	serialpool user list --tenant ID [--json]
//	serialpool user disable --email E
//	serialpool audit verify [--tenant ID] [--anchors FILE]
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/db/localpg"
	"github.com/serialpool/serialpool/graph"
	"github.com/serialpool/serialpool/pool"
)

const usage = `usage: serialpool <command> [flags]

commands:
  serve [--addr HOST:PORT]          serve the API and web app (DATABASE_URL required)
  dev [--addr HOST:PORT]            like serve, on a private PostgreSQL in $SERIALPOOL_DATA_DIR
                                    when DATABASE_URL is unset, with demo data and keys
  migrate                           apply pending database migrations
  seed-demo [--json]                create the demo data set once; print new demo API keys
  tenant create --name NAME [--json]
  key create --tenant ID --role viewer|operator|admin --owner EMAIL|--service-account NAME [--json]
  key list --tenant ID [--json]     a tenant's keys (never the keys themselves)
  key revoke --id ID                revoke a key (works within SERIALPOOL_AUTH_CACHE)
  user create --tenant ID --email E --name N --role R [--json]
                                    the password from standard input; none: an invitation link
  user list --tenant ID [--json]    a tenant's users
  user disable --email E            disable a user (their sessions and keys stop at once)
  audit verify [--tenant ID] [--anchors FILE]
                                    recompute the audit chains, check them against the
                                    anchor lines an earlier run printed; exit 1 at a broken link
`

func main() {
	// The live heap is small (requests stream; nothing big is cached), so the
	// default GOGC=100 collects far too often under load: profiles showed 14% of
	// CPU in GC. A higher target, bounded by a soft memory limit, unless the
	// operator set them. Products page, server CPU per request: GOGC=100 0.90 ms,
	// 400 0.63 ms, 800 0.59 ms, 1600 0.57 ms; resident memory under that load
	// about 70 MB at 400, 150 MB at 800.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "serialpool:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	cmd, args, err := command(args)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	addr := fs.String("addr", cfg.Addr, "listen address")
	var f cliFlags
	fs.BoolVar(&f.asJSON, "json", false, "print JSON")
	fs.StringVar(&f.name, "name", "", "tenant name")
	fs.StringVar(&f.tenant, "tenant", "", "tenant id")
	fs.StringVar(&f.role, "role", "", "key role: viewer, operator or admin")
	fs.StringVar(&f.keyID, "id", "", "key id (as printed by key list)")
	fs.StringVar(&f.owner.Email, "owner", "", "the e-mail of the user owning the key")
	fs.StringVar(&f.owner.ServiceAccount, "service-account", "", "the service account owning the key, e.g. \"SAP ATTP\"")
	fs.StringVar(&f.email, "email", "", "user e-mail")
	fs.StringVar(&f.anchors, "anchors", "", "audit verify: a file of anchor lines an earlier verify printed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Addr = *addr
	if cmd == "dev" {
		return dev(ctx, cfg, out)
	}
	op, ok := databaseCommands[cmd]
	if !ok {
		return errors.New(usage)
	}
	if cfg.DatabaseURL == "" {
		return errors.New("DATABASE_URL is not set")
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	d.SetUpstreamPolicy(cfg.UpstreamAllow)
	d.SetClockSkew(cfg.EventClockSkew)
	if cfg.ReadURL != "" && cmd == "serve" {
		if err := d.ReadFrom(ctx, cfg.ReadURL); err != nil {
			return err
		}
	}
	f.stdin = stdin
	return op(ctx, d, cfg, f, out)
}

// command splits the command, two words for tenant, key, user and audit, from its flags.
func command(args []string) (cmd string, rest []string, err error) {
	cmd, rest = args[0], args[1:]
	if sub := map[string][]string{"tenant": {"create"}, "key": {"create", "list", "revoke"}, "user": {"create", "list", "disable"}, "audit": {"verify"}}[cmd]; sub != nil {
		if len(rest) == 0 || !slices.Contains(sub, rest[0]) {
			return "", nil, fmt.Errorf("usage: serialpool %s %s ...", cmd, strings.Join(sub, "|"))
		}
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	return cmd, rest, nil
}

// cliFlags are the operator commands' flags.
type cliFlags struct {
	asJSON                           bool
	name, tenant, role, keyID, email string
	anchors                          string // audit verify's file of anchors

	owner pool.KeyOwner
	stdin io.Reader // user create's password
}

// databaseCommands are the commands that work on DATABASE_URL.
var databaseCommands = map[string]func(ctx context.Context, d *db.DB, cfg config, f cliFlags, out io.Writer) error{
	"serve":   serveMigrated,
	"migrate": func(ctx context.Context, d *db.DB, _ config, _ cliFlags, _ io.Writer) error { return d.Migrate(ctx) },
	"seed-demo": func(ctx context.Context, d *db.DB, _ config, f cliFlags, out io.Writer) error {
		return seedDemo(ctx, d, f.asJSON, out)
	},
	"tenant create": createTenant,
	"key create":    createKey,
	"key list":      listKeys,
	"key revoke":    revokeKey,
	"user create":   createUser,
	"user list":     listUsers,
	"user disable":  disableUser,
	"audit verify":  verifyAudit,
}

// serveMigrated applies pending migrations, then serves.
func serveMigrated(ctx context.Context, d *db.DB, cfg config, _ cliFlags, _ io.Writer) error {
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	return serve(ctx, cfg, d)
}

func createTenant(ctx context.Context, d *db.DB, _ config, f cliFlags, out io.Writer) error {
	if f.name == "" {
		return errors.New("tenant create needs --name")
	}
	id, err := d.CreateTenant(ctx, f.name)
	if err != nil {
		return err
	}
	return printResult(out, f.asJSON, "id", graph.TenantID(id))
}

func createKey(ctx context.Context, d *db.DB, _ config, f cliFlags, out io.Writer) error {
	id, err := graph.ParseTenantID(f.tenant)
	if err != nil {
		return errors.New("key create needs --tenant ID (as printed by tenant create)")
	}
	key, err := d.CreateOwnedKey(ctx, id, pool.Role(f.role), f.owner)
	if err != nil {
		return errors.New(pool.ErrorMessage(err))
	}
	return printResult(out, f.asJSON, "key", key)
}

func listKeys(ctx context.Context, d *db.DB, _ config, f cliFlags, out io.Writer) error {
	id, err := graph.ParseTenantID(f.tenant)
	if err != nil {
		return errors.New("key list needs --tenant ID (as printed by tenant create)")
	}
	keys, err := d.TenantKeys(ctx, id)
	if err != nil {
		return errors.New(pool.ErrorMessage(err))
	}
	return printKeys(out, f.asJSON, keys)
}

func revokeKey(ctx context.Context, d *db.DB, _ config, f cliFlags, _ io.Writer) error {
	id, err := graph.ParseAPIKeyID(f.keyID)
	if err != nil {
		return errors.New("key revoke needs --id ID (as printed by key list)")
	}
	if _, err := d.RevokeKey(ctx, id); err != nil {
		return errors.New(pool.ErrorMessage(err))
	}
	return nil
}

func createUser(ctx context.Context, d *db.DB, cfg config, f cliFlags, out io.Writer) error {
	id, err := graph.ParseTenantID(f.tenant)
	if err != nil {
		return errors.New("user create needs --tenant ID (as printed by tenant create)")
	}
	// One line of standard input (a terminal's, a pipe's); none at all asks for an invitation.
	password, err := bufio.NewReader(io.LimitReader(f.stdin, pool.MaxPasswordLength+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("user create: reading the password: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	u, invitation, err := d.CreateUser(ctx, pool.NewUser{TenantID: id, Email: f.email, Name: f.name, Role: pool.Role(f.role)}, password)
	if err != nil {
		return errors.New(pool.ErrorMessage(err))
	}
	result := map[string]string{"id": graph.UserID(u.ID), "email": u.Email}
	if invitation != "" {
		result["invitation"] = invitation
		result["link"] = cfg.PublicURL + "/invitation#" + invitation
	}
	if f.asJSON {
		return json.NewEncoder(out).Encode(result)
	}
	if invitation == "" {
		_, err = fmt.Fprintln(out, result["id"])
		return err
	}
	_, err = fmt.Fprintf(out, "%s\ninvitation (valid 7 days, once): %s\n", result["id"], result["link"])
	return err
}

func listUsers(ctx context.Context, d *db.DB, _ config, f cliFlags, out io.Writer) error {
	id, err := graph.ParseTenantID(f.tenant)
	if err != nil {
		return errors.New("user list needs --tenant ID (as printed by tenant create)")
	}
	users, err := d.TenantUsers(ctx, id)
	if err != nil {
		return errors.New(pool.ErrorMessage(err))
	}
	type user struct {
		ID         string     `json:"id"`
		Email      string     `json:"email"`
		Name       string     `json:"name"`
		Role       pool.Role  `json:"role"`
		TOTP       bool       `json:"totp"`
		DisabledAt *time.Time `json:"disabledAt"`
	}
	list := make([]user, len(users))
	for i, u := range users {
		list[i] = user{graph.UserID(u.ID), u.Email, u.Name, u.Role, u.TOTPEnabled, u.DisabledAt}
	}
	if f.asJSON {
		return json.NewEncoder(out).Encode(map[string][]user{"users": list})
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tEMAIL\tNAME\tROLE\tTOTP\tDISABLED")
	for _, u := range list {
		disabled := "-"
		if u.DisabledAt != nil {
			disabled = u.DisabledAt.UTC().Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%t\t%s\n", u.ID, u.Email, u.Name, u.Role, u.TOTP, disabled)
	}
	return w.Flush()
}

func disableUser(ctx context.Context, d *db.DB, _ config, f cliFlags, _ io.Writer) error {
	if f.email == "" {
		return errors.New("user disable needs --email E")
	}
	if _, err := d.DisableUser(ctx, f.email); err != nil {
		return errors.New(pool.ErrorMessage(err))
	}
	return nil
}

// verifyAudit recomputes the audit chains and names the first broken link of
// each broken one; a broken chain is an error, so the command exits non-zero.
func verifyAudit(ctx context.Context, d *db.DB, _ config, f cliFlags, out io.Writer) error {
	var tenant int64
	if f.tenant != "" {
		var err error
		if tenant, err = graph.ParseTenantID(f.tenant); err != nil {
			return errors.New("audit verify --tenant needs an ID as printed by tenant create")
		}
	}
	var anchors []pool.AuditAnchor
	if f.anchors != "" {
		var err error
		if anchors, err = readAnchors(f.anchors); err != nil {
			return err
		}
	}
	v, err := d.VerifyAudit(ctx, tenant, anchors)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%d audit entries of %d tenants checked", v.Checked, v.Tenants)
	if len(anchors) > 0 {
		fmt.Fprintf(out, " against %d anchors", len(anchors))
	}
	fmt.Fprint(out, ": ")
	if len(v.Breaks) == 0 {
		fmt.Fprintln(out, "chain intact")
	} else {
		fmt.Fprintf(out, "%d chains broken\n", len(v.Breaks))
	}
	// Anchors to keep outside the database (WORM storage, a ticket, an e-mail):
	// a later verify --anchors shows a rewrite of the whole chain.
	for _, h := range v.Heads {
		fmt.Fprintf(out, "anchor %s %d %x\n", graph.TenantID(h.TenantID), h.Seq, h.Hash)
	}
	if len(v.Breaks) == 0 {
		return nil
	}
	for _, b := range v.Breaks {
		at := "at the end of the chain"
		if b.EntryID != 0 {
			at = fmt.Sprintf("at entry %d (#%d, %s)", b.EntryID, b.Seq, b.At.UTC().Format(time.RFC3339Nano))
		}
		fmt.Fprintf(out, "tenant %s: first broken link %s: %s\n", graph.TenantID(b.TenantID), at, b.Problem)
	}
	return errors.New("audit chain broken")
}

// readAnchors reads the anchor lines of file ("anchor TENANT SEQ SHA256",
// as verifyAudit prints them); other lines are ignored.
func readAnchors(file string) ([]pool.AuditAnchor, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var anchors []pool.AuditAnchor
	for i, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || fields[0] != "anchor" {
			continue
		}
		var a pool.AuditAnchor
		var err error
		if len(fields) == 4 {
			if a.TenantID, err = graph.ParseTenantID(fields[1]); err == nil {
				if a.Seq, err = strconv.ParseInt(fields[2], 10, 64); err == nil {
					a.Hash, err = hex.DecodeString(fields[3])
				}
			}
		}
		if len(fields) != 4 || err != nil || len(a.Hash) != sha256.Size {
			return nil, fmt.Errorf("%s line %d: want \"anchor TENANT SEQ SHA256\" as audit verify prints it", file, i+1)
		}
		anchors = append(anchors, a)
	}
	return anchors, nil
}

func printResult(out io.Writer, asJSON bool, field, value string) error {
	if asJSON {
		return json.NewEncoder(out).Encode(map[string]string{field: value})
	}
	_, err := fmt.Fprintln(out, value)
	return err
}

// printKeys lists keys for people (one a line) or scripts (--json).
func printKeys(out io.Writer, asJSON bool, keys []*pool.APIKey) error {
	type key struct {
		ID         string     `json:"id"`
		Role       pool.Role  `json:"role"`
		CreatedAt  time.Time  `json:"createdAt"`
		LastUsedAt *time.Time `json:"lastUsedAt"`
		RevokedAt  *time.Time `json:"revokedAt"`
	}
	list := make([]key, len(keys))
	for i, k := range keys {
		list[i] = key{graph.APIKeyID(k.ID), k.Role, k.CreatedAt, k.LastUsedAt, k.RevokedAt}
	}
	if asJSON {
		return json.NewEncoder(out).Encode(map[string][]key{"keys": list})
	}
	when := func(t *time.Time, none string) string {
		if t == nil {
			return none
		}
		return t.UTC().Format(time.RFC3339)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tROLE\tCREATED\tLAST USED\tREVOKED")
	for _, k := range list {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", k.ID, k.Role, when(&k.CreatedAt, ""), when(k.LastUsedAt, "never"), when(k.RevokedAt, "-"))
	}
	return w.Flush()
}

func seedDemo(ctx context.Context, d *db.DB, asJSON bool, out io.Writer) error {
	keys, err := d.SeedDemo(ctx)
	if err != nil {
		return err
	}
	users, err := d.SeedDemoUsers(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(out).Encode(map[string]any{"keys": keys, "users": users})
	}
	_, err = fmt.Fprintf(out, `Demo API keys (send as "Authorization: Bearer <key>"):
  MAH admin     (Demo Pharma)                  %s
  MAH operator  (Demo Pharma)                  %s
  MAH viewer    (Demo Pharma)                  %s
  CMO admin     (Demo Contract Manufacturing)  %s
Demo users (sign in to the web app; new passwords on every start):
`, keys.MAHAdmin, keys.MAHOperator, keys.MAHViewer, keys.CMOAdmin)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	for _, k := range slices.Sorted(maps.Keys(users)) {
		fmt.Fprintf(w, "  %s\t%s\t%s\n", k, users[k].Email, users[k].Password)
	}
	return w.Flush()
}

// dev is what `make run` starts: DATABASE_URL when set, else a private cluster
// under the data directory (created on first run, reused later, stopped on exit);
// then migrations, the demo data set, its keys, and the server.
func dev(ctx context.Context, cfg config, out io.Writer) error {
	// make run serves plain http://localhost, where a browser keeps no Secure
	// cookie (Safari's case; Chromium and Firefox make an exception for localhost).
	if os.Getenv("SERIALPOOL_SECURE_COOKIES") == "" {
		cfg.SecureCookies = false
	}
	if cfg.DatabaseURL == "" {
		cluster, err := localpg.Start(filepath.Join(cfg.DataDir, "pg"), localpg.Options{})
		if err != nil {
			return err
		}
		defer cluster.Stop()
		if err := createDatabase(ctx, cluster.URL("postgres"), "serialpool"); err != nil {
			return err
		}
		cfg.DatabaseURL = cluster.URL("serialpool")
		slog.Info("private PostgreSQL running", "dir", cluster.Dir, "url", cfg.DatabaseURL)
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer d.Close()
	d.SetUpstreamPolicy(cfg.UpstreamAllow)
	d.SetClockSkew(cfg.EventClockSkew)
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	if err := seedDemo(ctx, d, false, out); err != nil {
		return err
	}
	fmt.Fprintf(out, "serialpool is serving on http://localhost%s (Ctrl-C stops it)\n", portOf(cfg.Addr))
	return serve(ctx, cfg, d)
}

func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil || exists {
		return err
	}
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	return err
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return addr
}
