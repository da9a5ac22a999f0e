package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// Options switch optional GraphQL features.
type Options struct {
	Introspection bool
}

// NewHandler serves the GraphQL API over HTTP (POST, and GET for queries). The
// caller must have put the authenticated pool.Actor in the request context.
func NewHandler(svc Services, opt Options, log *slog.Logger) http.Handler {
	srv := handler.New(NewExecutableSchema(Config{Resolvers: &Resolver{svc: svc}}))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	if opt.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "graphql: panic", "panic", fmt.Sprint(v))
		return errors.New("panic in resolver")
	})
	return withLoaders(svc, srv)
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
		case gerr.Extensions["code"] != nil:
		default:
			log.ErrorContext(ctx, "graphql: internal error", "err", err, "path", gerr.Path.String())
			gerr.Message = "internal error"
			gerr.Extensions = map[string]any{"code": pool.EINTERNAL}
		}
		return gerr
	}
}
