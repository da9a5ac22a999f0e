// Package localpg runs a private PostgreSQL cluster from the machine's own server
// binaries (initdb, pg_ctl), for `make run` and the tests when DATABASE_URL is unset.
// It never touches a system cluster: the data directory, port and socket are its own.
package localpg

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a running private PostgreSQL cluster. Its superuser is "postgres",
// reachable on 127.0.0.1 only, with trust authentication.
type Cluster struct {
	Dir  string // data directory
	Port int

	bin      string
	cred     *syscall.Credential // set when we are root: initdb refuses to run as root
	settings string              // the server options it was started with
}

// Options tune a cluster.
type Options struct {
	// Ephemeral trades durability for speed (fsync off), for throw-away test clusters.
	Ephemeral bool
}

// Start initialises dir on first use and starts the cluster, or attaches to it when
// it is already running. When running as root the cluster runs as the "postgres"
// user; if that user cannot reach dir (a checkout in a private home), the cluster
// lives under /tmp instead, at a path derived from dir so later runs find it again.
func Start(dir string, opt Options) (*Cluster, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin}
	if c.cred, err = Credential(); err != nil {
		return nil, err
	}
	if c.cred != nil {
		_ = os.MkdirAll(filepath.Dir(dir), 0o755)
		if !reachableByOthers(filepath.Dir(dir)) {
			sum := sha256.Sum256([]byte(dir))
			c.Dir = filepath.Join(os.TempDir(), "serialpool-pg-"+hex.EncodeToString(sum[:6]))
		}
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	if c.cred != nil {
		if err := os.Chown(c.Dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return nil, fmt.Errorf("localpg: %w", err)
		}
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.run("initdb", "-D", c.Dir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"); err != nil {
			return nil, err
		}
	}
	if port, ok := c.runningPort(); ok {
		c.Port = port
		return c, nil
	}
	if c.Port, err = freePort(); err != nil {
		return nil, err
	}
	c.settings = fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c random_page_cost=1.1", c.Port, c.Dir)
	if opt.Ephemeral {
		c.settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	return c, nil
}

// Start starts a stopped cluster again, on the same port with the same
// settings, so that clients holding its URL reconnect: for tests of how the
// server lives through a database outage.
func (c *Cluster) Start() error {
	if c.settings == "" {
		return errors.New("localpg: the cluster was attached to, not started here; its settings are unknown")
	}
	return c.run("pg_ctl", "-D", c.Dir, "-w", "-t", "60", "-l", filepath.Join(c.Dir, "server.log"), "-o", c.settings, "start")
}

// StartStandby starts a hot standby of c in the empty directory dir,
// streaming from it (pg_basebackup -R), on a port of its own: a read replica
// for the tests. c's default pg_hba lets loopback replicate.
func (c *Cluster) StartStandby(dir string) (*Cluster, error) {
	s := &Cluster{Dir: dir, bin: c.bin, cred: c.cred}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	if s.cred != nil {
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			return nil, fmt.Errorf("localpg: %w", err)
		}
	}
	if err := s.run("pg_basebackup", "-D", dir, "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres",
		"-X", "stream", "-R", "-c", "fast"); err != nil {
		return nil, err
	}
	var err error
	if s.Port, err = freePort(); err != nil {
		return nil, err
	}
	// Feedback keeps the primary's vacuum from removing rows a query on the
	// standby still reads (which would cancel that query).
	s.settings = fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby_feedback=on -c fsync=off", s.Port, dir)
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// URL is the connection URL of database name in the cluster.
func (c *Cluster) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, name)
}

// Stop shuts the cluster down, aborting open transactions.
func (c *Cluster) Stop() error {
	return c.run("pg_ctl", "-D", c.Dir, "-w", "-m", "fast", "stop")
}

// Restart stops the cluster and starts it again on the same port, for tests of
// how the server lives through a database restart. The log file is named again:
// without it the new postmaster would keep pg_ctl's output pipe open, and run
// would wait for it forever.
func (c *Cluster) Restart() error {
	return c.run("pg_ctl", "-D", c.Dir, "-w", "-t", "60", "-m", "fast", "-l", filepath.Join(c.Dir, "server.log"), "restart")
}

func (c *Cluster) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	cmd.Dir = os.TempDir() // a cwd the postgres user can enter
	if c.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("localpg: %s: %v: %s", name, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// runningPort reads the port of a postmaster already running on the data
// directory (line 4 of postmaster.pid), so `make run` can attach to it.
func (c *Cluster) runningPort() (int, bool) {
	if c.run("pg_ctl", "-D", c.Dir, "status") != nil {
		return 0, false
	}
	b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	return port, err == nil
}

// Tool is the path of one of the installation's client programs (pg_dump, psql):
// the one beside the server binaries the clusters run on, so that versions match.
func Tool(name string) (string, error) {
	bin, err := BinDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(bin, name), nil
}

// BinDir finds the server binaries: $PG_BINDIR, else the newest Debian-style
// /usr/lib/postgresql/N/bin, else whatever initdb is on PATH.
func BinDir() (string, error) {
	if d := os.Getenv("PG_BINDIR"); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgMajor(dirs[i]) > pgMajor(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("localpg: no PostgreSQL server binaries found (install Debian's postgresql package or set PG_BINDIR)")
}

// Credential is whom PostgreSQL's programs run as: the "postgres" user when we
// are root (initdb and postgres refuse to run as root), else nil: ourselves.
func Credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("localpg: running as root needs a 'postgres' user to run PostgreSQL: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func pgMajor(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// reachableByOthers reports whether every directory from dir up to / can be
// entered by another user (the postgres user, when we are root).
func reachableByOthers(dir string) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		if d == filepath.Dir(d) {
			return true
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("localpg: no free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
