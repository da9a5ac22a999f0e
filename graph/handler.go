package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// Options switch optional GraphQL features and set the limits.
type Options struct {
	Introspection bool
	MaxComplexity int                                // the most an operation may cost (see limits.go)
	MaxDepth      int                                // the deepest nesting allowed
	MaxTokens     int                                // the longest document, in tokens, the parser reads
	MaxFields     int                                // the most fields one selection set may hold
	MaxSelections int                                // the most fields an operation may select
	Slots         *Slots                             // bound the operations over HTTP running at once; nil: no bound
	Observe       func(context.Context, Observation) // called after every operation; may be nil
	// WebSocket connections (see socket.go) present their key in connection_init.
	Authenticate     func(ctx context.Context, key string) (context.Context, error) // puts the key's actor into ctx, within its rate limit
	Admit            func(ctx context.Context) error                                // each operation on a socket: the key's rate limit
	Recheck          func(ctx context.Context, key string) error                    // whether the key still works, uncached
	RecheckEvery     time.Duration                                                  // how often an open socket rechecks its key
	MaxSockets       int                                                            // open sockets per API key
	MaxSubscriptions int                                                            // live subscriptions per API key
	// WatchCounts tells live counts which pools changed (db.DB.WatchCounts);
	// without it they are re-read every liveResync only.
	WatchCounts WatchCounts
	// PollLiveCounts makes each subscription read its pool every second
	// instead: the bench's baseline (SERIALPOOL_LIVE_POLL), nothing else.
	PollLiveCounts bool
}

// NewHandler serves the GraphQL API over HTTP (POST, and GET for queries). The
// caller must have put the authenticated pool.Actor in the request context.
func NewHandler(svc Services, opt Options, log *slog.Logger) http.Handler {
	cfg := Config{Resolvers: &Resolver{svc: svc, live: newLive(svc, opt.WatchCounts, opt.PollLiveCounts)}}
	costs(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(get{slots: opt.Slots})
	srv.AddTransport(post{slots: opt.Slots})
	ws := &sockets{opt: opt}
	srv.AddTransport(ws.transport())
	parsed := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(parsed)
	// Validation time grows with the square of a document's fields (20,000
	// aliases took 3 s), so long documents are refused while parsing, and wide
	// ones before validation (limits.go).
	srv.SetParserTokenLimit(opt.MaxTokens)
	// The generated executor marshals plain leaves without gqlgen's field
	// middleware (graph/cmd/rewrite-exec), which a field interceptor would
	// silently miss on them.
	use := func(ext graphql.HandlerExtension) {
		if _, ok := ext.(graphql.FieldInterceptor); ok {
			panic(fmt.Sprintf("graphql: %T intercepts fields, which plain leaves skip", ext))
		}
		srv.Use(ext)
	}
	if opt.Introspection {
		use(extension.Introspection{})
	}
	use(admission{admit: opt.Admit}) // first: an operation over the rate limit costs no parsing
	use(newPersistedQueries(1000))
	use(&bounds{})
	use(&limits{parsed: parsed, costs: lru.New[int](1000), maxTokens: opt.MaxTokens, maxWidth: opt.MaxFields, maxSelections: opt.MaxSelections,
		maxComplexity: opt.MaxComplexity, maxDepth: opt.MaxDepth})
	if opt.Observe != nil {
		use(observer{report: opt.Observe})
	}
	use(tracer{})
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", fmt.Sprint(v))
		return errors.New("panic in resolver")
	})
	// Each operation gets its own loaders: their caches must never outlive it
	// (a WebSocket carries many) or cross tenants.
	// A query may read from the read replica, if there is one: whatever it
	// shows may be a moment old. A mutation's payload reads the primary, so a
	// client reads its own writes there.
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Operation == ast.Query {
			ctx = pool.AllowStale(ctx)
		}
		return next(withLoaders(ctx, svc))
	})
	return checkHTTP(legacyJSONStatus(ws.serve(srv)))
}

// checkHTTP answers, with a code, the HTTP mistakes gqlgen answers without one
// or as an internal error: a method other than GET and POST (405) and a POST
// that is not application/json (415). The POST transport (post.go) answers a
// body over the limit set by the caller's http.MaxBytesReader (413) and one
// that is not a GraphQL request in JSON (400).
func checkHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
		case http.MethodPost:
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				writeHTTPError(w, http.StatusUnsupportedMediaType, "send GraphQL requests as Content-Type: application/json")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeHTTPError(w, http.StatusMethodNotAllowed, "use POST, or GET for queries")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// jsonProblem says what is wrong with a request body in the caller's terms.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("%s (at byte %d)", strings.TrimPrefix(syntax.Error(), "json: "), syntax.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("%q has the wrong type (query and operationName are strings, variables and extensions objects)", typ.Field)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON ends early"
	}
	return "expected an object with query, operationName, variables and extensions"
}

// writeHTTPError writes a GraphQL-shaped error for a request refused before GraphQL.
func writeHTTPError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(graphql.Response{Errors: gqlerror.List{{Message: message, Extensions: map[string]any{"code": pool.EINVALID}}}})
}

// legacyJSONStatus answers 200 instead of 422 to clients of the legacy
// application/json media type when the request failed as GraphQL (a document
// that does not parse or validate, variables that do not coerce): GraphQL over
// HTTP asks for it, since such clients treat any non-200 as a transport failure.
// Clients accepting application/graphql-response+json keep the 4xx, and get no
// "data" entry with it, since the operation never ran. And an answer carrying
// an UNAVAILABLE error (no database primary, as during a failover) is 503 with
// Retry-After, as over REST and SOAP, so that clients and load balancers retry.
func legacyJSONStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r) // a WebSocket: its answers are messages
			return
		}
		s := &statusRewriter{ResponseWriter: w}
		next.ServeHTTP(s, r)
		if s.status > 0 {
			w.WriteHeader(s.status) // a status without a body
		}
	})
}

type statusRewriter struct {
	http.ResponseWriter
	notRun bool // a 4xx graphql-response+json answer
	// status is held back until the answer is written, which may make it a
	// 503; -1 once sent.
	status int
}

func (s *statusRewriter) WriteHeader(code int) {
	ct := s.Header().Get("Content-Type")
	switch {
	case code == http.StatusUnprocessableEntity && strings.HasPrefix(ct, "application/json"):
		code = http.StatusOK
	case code >= 400 && strings.HasPrefix(ct, "application/graphql-response+json"):
		s.notRun = true
	}
	s.status = code
}

// Write drops the trailing "data": null that gqlgen writes after the errors
// of an operation that never ran (it writes each answer in one piece).
func (s *statusRewriter) Write(b []byte) (int, error) {
	if s.status != -1 {
		status := cmp.Or(s.status, http.StatusOK)
		if status == http.StatusOK && unavailable(b) {
			s.Header().Set("Retry-After", "1")
			status = http.StatusServiceUnavailable
		}
		s.ResponseWriter.WriteHeader(status)
		s.status = -1
	}
	if trimmed, ok := bytes.CutSuffix(b, []byte(`,"data":null}`)); s.notRun && ok {
		_, err := s.ResponseWriter.Write(append(trimmed, '}'))
		return len(b), err
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRewriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// unavailable reports whether a GraphQL answer carries an UNAVAILABLE error.
func unavailable(answer []byte) bool {
	if !bytes.Contains(answer, []byte(`"`+pool.EUNAVAILABLE+`"`)) {
		return false // the common case, without decoding
	}
	var r struct {
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(answer, &r) != nil {
		return false
	}
	return slices.ContainsFunc(r.Errors, func(e struct{ Extensions struct{ Code string } }) bool {
		return e.Extensions.Code == pool.EUNAVAILABLE
	})
}

// presentError is the one place errors become GraphQL errors: a pool.Error keeps
// its message and code; anything else is logged and shown as INTERNAL, so
// internals never reach a client. gqlgen's own parse and validation errors keep
// their codes.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		var pe *pool.Error
		switch {
		case errors.As(err, &pe):
			gerr.Message = pe.Message
			gerr.Extensions = pool.Extensions(pe)
			if pe.Code == pool.EUNAVAILABLE { // the caller sees no cause; the log keeps it, as REST's 5xx
				cause, ge := err, (*gqlerror.Error)(nil)
				if errors.As(err, &ge) && ge.Err != nil {
					cause = ge.Err // the resolver's error, with the database's beneath
				}
				log.ErrorContext(ctx, "graphql: unavailable", "err", cause, "path", gerr.Path.String())
			}
		case gerr.Extensions["code"] != nil:
		default:
			log.ErrorContext(ctx, "graphql: internal error", "err", err, "path", gerr.Path.String())
			gerr.Message = "internal error"
			gerr.Extensions = map[string]any{"code": pool.EINTERNAL}
		}
		return gerr
	}
}
