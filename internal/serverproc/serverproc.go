// Package serverproc runs the real serialpool binary as a child process, for the
// tests and programs that must kill it, start it again, or watch its memory: what
// an in-process httptest server cannot show.
package serverproc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Server is one `serialpool serve` process listening on a loopback port.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	log  *tail
	done chan struct{} // closed when the process has exited
	err  error         // how it exited, once done is closed
}

// Binary finds bin/serialpool (what `make build` writes) at the module root
// above the working directory.
func Binary() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			bin := filepath.Join(dir, "bin", "serialpool")
			if _, err := os.Stat(bin); err != nil {
				return "", fmt.Errorf("serverproc: %s is missing: run make build first", bin)
			}
			return bin, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("serverproc: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Start runs `bin serve` on a free loopback port against databaseURL, with the
// extra environment variables env (NAME=value), and waits until /readyz answers 200.
func Start(bin, databaseURL string, env ...string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{URL: "http://" + addr, log: &tail{max: 64 << 10}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve", "--addr", addr)
	s.cmd.Env = append(os.Environ(), append([]string{"DATABASE_URL=" + databaseURL}, env...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("serverproc: start %s: %w", bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if status, err := s.Get("/readyz"); err == nil && status == http.StatusOK {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("serverproc: the server exited before it was ready (%v): %s", s.err, s.Log())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.Kill()
			return nil, fmt.Errorf("serverproc: the server was not ready within 30s: %s", s.Log())
		}
	}
}

// Get fetches path with a short deadline and returns the status code.
func (s *Server) Get(path string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	res.Body.Close()
	return res.StatusCode, nil
}

// Pid is the process id.
func (s *Server) Pid() int { return s.cmd.Process.Pid }

// Kill sends SIGKILL, as a crash or the OOM killer would, and waits for the
// process to go. Killing an exited server does nothing.
func (s *Server) Kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// Stop asks the server to shut down gracefully (SIGTERM) and waits up to 20 s,
// then kills it. It returns how the process exited.
func (s *Server) Stop() error {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.Kill()
	}
	return s.err
}

// Exited reports whether the process has ended, and how.
func (s *Server) Exited() (bool, error) {
	select {
	case <-s.done:
		return true, s.err
	default:
		return false, nil
	}
}

// RSS is the process's resident memory in bytes (VmRSS).
func (s *Server) RSS() (int64, error) { return s.memory("VmRSS") }

// PeakRSS is the most resident memory the process has had, in bytes (VmHWM).
func (s *Server) PeakRSS() (int64, error) { return s.memory("VmHWM") }

// memory reads a size in kB from the process's /proc status.
func (s *Server) memory(field string) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.Pid()) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field+":" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("serverproc: no %s in /proc status", field)
}

// Log is the end of what the server wrote to stdout and stderr.
func (s *Server) Log() string { return s.log.String() }

// Errors are the last 100 error lines of the server's log, kept apart from
// its tail, which the access log of a loaded server overwrites in a second.
func (s *Server) Errors() []string {
	s.log.mu.Lock()
	defer s.log.mu.Unlock()
	return slices.Clone(s.log.errors)
}

// tail keeps the last max bytes written to it: a soak writes an access log
// line per request, far too much to keep whole. And it keeps error lines
// (slog writes a line per Write) apart.
type tail struct {
	mu     sync.Mutex
	max    int
	buf    []byte
	errors []string
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if bytes.Contains(p, []byte(`"level":"ERROR"`)) {
		t.errors = append(t.errors[max(0, len(t.errors)-99):], strings.TrimSpace(string(p)))
	}
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2*t.max { // trim now and then, not on every line
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf[max(0, len(t.buf)-t.max):])
}
