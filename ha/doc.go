// Package ha holds the failover test: serialpool on a PostgreSQL that fails
// over, run on this machine over loopback with the engine docs/SCALING.md
// chose, Patroni with a three-member etcd, from Debian's packages (make test
// installs them). Its only code is the test's.
package ha
