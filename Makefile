# serialpool: `make run` starts the product, `make test` runs every test.
# Both install what they need: Go modules, npm packages, and (for the browser
# tests) Debian's chromium. With DATABASE_URL unset they run a private
# PostgreSQL from the machine's server binaries.

GO      ?= go
NPM     ?= npm
BIN     := bin/serialpool
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GOFILES := $(shell find . -name '*.go' -not -path './node_modules/*' -not -path './frontend/node_modules/*') go.mod go.sum
WEBSRC  := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html frontend/vite.config.js

.PHONY: run test build web deps chromium ha-engine test-go test-web test-e2e bench generate schema-snapshot db-schema fmt clean

run: build
	./$(BIN) dev

build: $(BIN)

$(BIN): $(GOFILES) frontend/dist/index.html
	$(GO) build -o $(BIN) ./server

web: frontend/dist/index.html

frontend/dist/index.html: node_modules/.installed $(WEBSRC)
	$(NPM) run build
	@touch frontend/dist/.gitkeep

deps: node_modules/.installed
	$(GO) mod download

node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The failover test's engine (ha/, docs/SCALING.md): Patroni and etcd, from Debian.
ha-engine:
	@command -v patroni >/dev/null 2>&1 && command -v etcd >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq --no-install-recommends patroni etcd-server; }

test: build chromium ha-engine
	$(GO) vet ./...
	$(NPM) run typecheck
	$(NPM) test
	$(GO) test -count=1 -timeout 25m ./...

test-go: build ha-engine
	$(GO) test -count=1 -timeout 25m ./...

test-web: node_modules/.installed
	$(NPM) run typecheck
	$(NPM) test

# The browser suite alone (it is also part of `make test`).
test-e2e: build chromium
	$(GO) test -count=1 -timeout 20m -run TestBrowser -v ./server

# Benchmarks against baselines measured in the same run (not part of make test).
# BENCH_SIZE=small for a quick run.
bench: build
	$(GO) run ./bench -size $(or $(BENCH_SIZE),full)

# The second step points the generated executor to graph/executor.go instead of
# three gqlgen helpers (list items in goroutines, @defer groups, leaf contexts; it says why).
generate:
	$(GO) tool gqlgen generate
	$(GO) run ./graph/cmd/rewrite-exec graph/generated.go

# Accept the current schema (the union of schema/*.graphqls, one file) as the contract
# the breaking-change test compares against.
schema-snapshot:
	cat schema/*.graphqls > graph/testdata/schema.snapshot.graphqls

# Rewrite db/schema.sql (the schema as the migrations leave it, for readers) after a
# migration changes; TestSchemaDump fails while it is stale.
db-schema:
	$(GO) test -count=1 -run '^TestSchemaDump$$' ./db -update

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin frontend/dist/assets frontend/dist/index.html node_modules

# Run each fuzz target for FUZZTIME (default 30s), one after the other; make test
# runs only their seed corpora. Every target runs even when one fails.
FUZZTIME ?= 30s
FUZZPKGS := ./gs1 ./pool ./server
.PHONY: fuzz soak
fuzz: build
	@log=$$(mktemp); failed=; for pkg in $(FUZZPKGS); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) $$pkg >$$log 2>&1 || failed="$$failed $$pkg:$$target"; \
	    awk '/^fuzz: elapsed/ { last = $$0; next } { print } END { print last }' $$log; \
	  done; \
	done; rm -f $$log; \
	if [ -n "$$failed" ]; then echo "fuzz: failing:$$failed"; exit 1; fi

# Mixed load against the real server for SOAK_MINUTES (default 10): the pool's
# invariants at the end, and memory and goroutines that do not grow. Not in CI.
soak: build
	$(GO) run ./soak -minutes $(or $(SOAK_MINUTES),10)
