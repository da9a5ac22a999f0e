package ha

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/serialpool/serialpool/db/localpg"
)

// cluster is a Patroni cluster on loopback: three etcd members and
// PostgreSQL nodes, each a Patroni process with its postmaster, every one
// logging to a file in dir (shown when the test fails).
type cluster struct {
	t     *testing.T
	dir   string
	cred  *syscall.Credential // whom PostgreSQL runs as (postgres, when we are root)
	etcd  []*proc
	nodes []*node
}

// node is one PostgreSQL server managed by Patroni.
type node struct {
	name            string
	config, data    string
	pgPort, apiPort int
	patroni         *proc
}

// proc is a child process of the test.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// newCluster starts three etcd members and the Patroni nodes, the first as
// the primary, the others as its standbys, and waits until one is a
// synchronous standby.
func newCluster(t *testing.T, nodes int) *cluster {
	t.Helper()
	dir, err := os.MkdirTemp("", "serialpool-ha-")
	if err != nil {
		t.Fatal(err)
	}
	c := &cluster{t: t, dir: dir}
	if c.cred, err = localpg.Credential(); err != nil {
		t.Fatal(err)
	}
	c.own(dir)
	t.Cleanup(c.stop)

	var members, clients []string
	ports := make([][2]int, 3)
	for i := range ports {
		ports[i] = [2]int{freePort(t), freePort(t)}
		members = append(members, fmt.Sprintf("e%d=http://127.0.0.1:%d", i, ports[i][1]))
		clients = append(clients, fmt.Sprintf("127.0.0.1:%d", ports[i][0]))
	}
	for i, p := range ports {
		client, peer := fmt.Sprintf("http://127.0.0.1:%d", p[0]), fmt.Sprintf("http://127.0.0.1:%d", p[1])
		c.etcd = append(c.etcd, c.start(fmt.Sprintf("etcd%d", i), false, "etcd", "--name", fmt.Sprintf("e%d", i),
			"--data-dir", filepath.Join(dir, fmt.Sprintf("etcd%d", i)),
			"--listen-client-urls", client, "--advertise-client-urls", client,
			"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
			"--initial-cluster", strings.Join(members, ","), "--initial-cluster-state", "new",
			"--initial-cluster-token", "serialpool-ha", "--heartbeat-interval", "100", "--election-timeout", "1000"))
	}
	for _, addr := range clients {
		c.waitFor("etcd at "+addr, 30*time.Second, func() bool { return httpOK("http://" + addr + "/health") })
	}
	bin, err := localpg.BinDir()
	if err != nil {
		t.Fatal(err)
	}
	for i := range nodes {
		n := &node{name: fmt.Sprintf("node%d", i+1), pgPort: freePort(t), apiPort: freePort(t)}
		n.data = filepath.Join(dir, n.name)
		n.config = filepath.Join(dir, n.name+".yml")
		if err := os.WriteFile(n.config, []byte(patroniConfig(n, dir, bin, clients)), 0o644); err != nil {
			t.Fatal(err)
		}
		c.nodes = append(c.nodes, n)
	}
	c.startNode(c.nodes[0])
	c.waitFor(c.nodes[0].name+" as the primary", 60*time.Second, func() bool { return c.nodes[0].is("primary") })
	for _, n := range c.nodes[1:] {
		c.startNode(n)
	}
	c.waitFor("a synchronous standby", 90*time.Second, func() bool {
		for _, n := range c.nodes[1:] {
			if n.is("sync") {
				return true
			}
		}
		return false
	})
	return c
}

// patroniConfig is a node's Patroni configuration. Synchronous mode strict:
// a commit returns only once a standby has it, and no standby means no
// commit, so no acknowledged write is lost in a failover; only a synchronous
// standby may be promoted. ttl 10 and loop_wait 1 make a dead primary's leader
// key expire, and a standby take over, within about 10 s; pg_rewind lets the
// old primary rejoin as a standby.
func patroniConfig(n *node, dir, bin string, etcd []string) string {
	return fmt.Sprintf(`scope: serialpool
name: %[1]s
log:
  level: INFO
restapi:
  listen: 127.0.0.1:%[2]d
  connect_address: 127.0.0.1:%[2]d
etcd3:
  hosts: %[3]s
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 1
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    synchronous_mode: true
    synchronous_mode_strict: true
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_log_hints: 'on'
        max_connections: 300
        random_page_cost: 1.1
  initdb:
    - encoding: UTF8
    - no-locale
postgresql:
  listen: 127.0.0.1:%[4]d
  connect_address: 127.0.0.1:%[4]d
  data_dir: %[5]s
  bin_dir: %[6]s
  pgpass: %[7]s/%[1]s.pgpass
  authentication:
    superuser: {username: postgres, password: serialpool}
    replication: {username: replicator, password: serialpool}
    rewind: {username: rewinder, password: serialpool}
  parameters:
    unix_socket_directories: %[7]s
  pg_hba:
    - local all all trust
    - host all all 127.0.0.1/32 trust
    - host replication replicator 127.0.0.1/32 trust
watchdog:
  mode: 'off'
`, n.name, n.apiPort, strings.Join(etcd, ","), n.pgPort, n.data, bin, dir)
}

// url is the multi-host URL of database name, as serialpool takes it: the
// primary, whichever node it is.
func (c *cluster) url(name string) string {
	hosts := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		hosts[i] = fmt.Sprintf("127.0.0.1:%d", n.pgPort)
	}
	return fmt.Sprintf("postgres://postgres@%s/%s?sslmode=disable&target_session_attrs=read-write&connect_timeout=2",
		strings.Join(hosts, ","), name)
}

// nodeURL is the URL of database name on n alone.
func (n *node) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=2", n.pgPort, name)
}

// is asks n's Patroni whether it is in role: "primary", "sync" (a synchronous
// standby), "replica" (a running standby).
func (n *node) is(role string) bool {
	return httpOK(fmt.Sprintf("http://127.0.0.1:%d/%s", n.apiPort, role))
}

// inRecovery asks n's PostgreSQL itself whether it is a standby.
func (n *node) inRecovery(ctx context.Context) (bool, error) {
	conn, err := pgx.Connect(ctx, n.url("postgres"))
	if err != nil {
		return false, err
	}
	defer conn.Close(ctx)
	var standby bool
	return standby, conn.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
}

func (c *cluster) startNode(n *node) {
	n.patroni = c.start(n.name, true, "patroni", n.config)
}

// crash kills n as a machine failure would: its Patroni and its postmaster,
// both with SIGKILL (the backends exit as soon as the postmaster is gone).
// Killing the postmaster alone would not fail over: Patroni would start it
// again in place, as the primary still.
func (c *cluster) crash(n *node) {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(n.data, "postmaster.pid"))
	if err != nil {
		c.t.Fatal(err)
	}
	postmaster, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		c.t.Fatal(err)
	}
	n.patroni.cmd.Process.Signal(syscall.SIGKILL)
	<-n.patroni.done
	if err := syscall.Kill(postmaster, syscall.SIGKILL); err != nil {
		c.t.Fatalf("SIGKILL the postmaster %d: %v", postmaster, err)
	}
}

// start runs a child process, as PostgreSQL's user when asPostgres, logging to a file.
func (c *cluster) start(name string, asPostgres bool, bin string, args ...string) *proc {
	c.t.Helper()
	p := &proc{name: name, log: filepath.Join(c.dir, name+".log"), done: make(chan struct{})}
	log, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	defer log.Close()
	p.cmd = exec.Command(bin, args...)
	p.cmd.Dir = c.dir
	p.cmd.Stdout, p.cmd.Stderr = log, log
	if asPostgres && c.cred != nil {
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred}
	}
	if err := p.cmd.Start(); err != nil {
		c.t.Fatalf("start %s: %v", bin, err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	return p
}

// stop ends every process the cluster started, Patroni first (it stops its
// PostgreSQL), and shows their logs if the test failed.
func (c *cluster) stop() {
	for _, n := range c.nodes {
		if n.patroni == nil {
			continue
		}
		n.patroni.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.patroni.done:
		case <-time.After(30 * time.Second):
			n.patroni.cmd.Process.Signal(syscall.SIGKILL)
			<-n.patroni.done
		}
		// A postmaster that outlived its Patroni (one killed by the test).
		if b, err := os.ReadFile(filepath.Join(n.data, "postmaster.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0]); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	for _, p := range c.etcd {
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
	if c.t.Failed() {
		c.showLogs()
	}
	os.RemoveAll(c.dir)
}

// showLogs logs the end of every process's log.
func (c *cluster) showLogs() {
	logs, _ := filepath.Glob(filepath.Join(c.dir, "*.log"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		if len(b) > 6000 {
			b = b[len(b)-6000:]
		}
		c.t.Logf("--- %s (end) ---\n%s", filepath.Base(l), b)
	}
}

// waitFor polls ok until it holds, failing the test after limit.
func (c *cluster) waitFor(what string, limit time.Duration, ok func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			c.t.Fatalf("no %s within %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// own gives dir to PostgreSQL's user, so Patroni can write there.
func (c *cluster) own(dir string) {
	if c.cred != nil {
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			c.t.Fatal(err)
		}
	}
}

func httpOK(url string) bool {
	client := http.Client{Timeout: time.Second}
	res, err := client.Get(url)
	if err != nil {
		return false
	}
	res.Body.Close()
	return res.StatusCode == http.StatusOK
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
