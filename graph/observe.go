package graph

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	otelcodes "go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Observation is what the handler reports about each operation, for metrics
// and the slow-query log.
type Observation struct {
	// Operation names the operation by its root fields ("products,viewer"): a
	// label bounded by the schema, unlike client-chosen operation names.
	Operation string
	Name      string // the client's operation name, if any
	Duration  time.Duration
	Codes     []string // extensions.code of each error
}

// observer reports every operation once it has answered.
type observer struct {
	report func(context.Context, Observation)
}

func (observer) ExtensionName() string                   { return "Observer" }
func (observer) Validate(graphql.ExecutableSchema) error { return nil }

func (o observer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	res := next(ctx)
	if !graphql.HasOperationContext(ctx) {
		return res
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		return res // each update of a subscription passes here; its age is no latency
	}
	o.report(ctx, Observation{Operation: operationLabel(oc), Name: oc.OperationName,
		Duration: time.Since(oc.Stats.OperationStart), Codes: errorCodes(res)})
	return res
}

// operationLabel names an operation by its type and root fields, e.g.
// "query:products,viewer"; "invalid" when it did not parse or validate.
func operationLabel(oc *graphql.OperationContext) string {
	if oc.Operation == nil {
		return "invalid"
	}
	var roots []string
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		roots = append(roots, f.Name)
	}
	sort.Strings(roots)
	return string(oc.Operation.Operation) + ":" + strings.Join(roots, ",")
}

func errorCodes(res *graphql.Response) []string {
	var codes []string
	if res != nil {
		for _, e := range res.Errors {
			code, _ := e.Extensions["code"].(string)
			codes = append(codes, code)
		}
	}
	return codes
}

// tracer gives each query and mutation a span, under the HTTP request's when
// tracing is on, so that its SQL statements show beneath it. Subscriptions
// live for as long as a socket: they get none.
type tracer struct{}

func (tracer) ExtensionName() string                   { return "Tracer" }
func (tracer) Validate(graphql.ExecutableSchema) error { return nil }

func (tracer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil || oc.Operation.Operation == ast.Subscription {
		return next(ctx)
	}
	ctx, span := otel.Tracer("github.com/serialpool/serialpool/graph").Start(ctx, "graphql "+operationLabel(oc),
		trace.WithAttributes(attribute.String("graphql.operation.name", oc.OperationName)))
	defer span.End()
	res := next(ctx)
	if codes := errorCodes(res); len(codes) > 0 {
		span.SetAttributes(attribute.StringSlice("graphql.error.codes", codes))
		span.SetStatus(otelcodes.Error, strings.Join(codes, ","))
	}
	return res
}
