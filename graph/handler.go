package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

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
	Observe       func(context.Context, Observation) // called after every operation; may be nil
}

// NewHandler serves the GraphQL API over HTTP (POST, and GET for queries). The
// caller must have put the authenticated pool.Actor in the request context.
func NewHandler(svc Services, opt Options, log *slog.Logger) http.Handler {
	cfg := Config{Resolvers: &Resolver{svc: svc}}
	costs(&cfg.Complexity)
	srv := handler.New(NewExecutableSchema(cfg))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opt.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(&limits{maxComplexity: opt.MaxComplexity, maxDepth: opt.MaxDepth})
	if opt.Observe != nil {
		srv.Use(observer{report: opt.Observe})
	}
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", fmt.Sprint(v))
		return errors.New("panic in resolver")
	})
	return withLoaders(svc, legacyJSONStatus(srv))
}

// legacyJSONStatus answers 200 instead of 422 to clients of the legacy
// application/json media type when the request failed as GraphQL (a document
// that does not parse or validate, variables that do not coerce): GraphQL over
// HTTP asks for it, since such clients treat any non-200 as a transport failure.
// Clients accepting application/graphql-response+json keep the 4xx.
func legacyJSONStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&statusRewriter{ResponseWriter: w}, r)
	})
}

type statusRewriter struct{ http.ResponseWriter }

func (s *statusRewriter) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity && strings.HasPrefix(s.Header().Get("Content-Type"), "application/json") {
		code = http.StatusOK
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRewriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

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
		case gerr.Extensions["code"] != nil:
		default:
			log.ErrorContext(ctx, "graphql: internal error", "err", err, "path", gerr.Path.String())
			gerr.Message = "internal error"
			gerr.Extensions = map[string]any{"code": pool.EINTERNAL}
		}
		return gerr
	}
}
