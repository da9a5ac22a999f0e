package graph

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
	obs := Observation{Operation: "invalid", Name: oc.OperationName, Duration: time.Since(oc.Stats.OperationStart)}
	if oc.Operation != nil {
		var roots []string
		for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
			roots = append(roots, f.Name)
		}
		sort.Strings(roots)
		obs.Operation = string(oc.Operation.Operation) + ":" + strings.Join(roots, ",")
	}
	if res != nil {
		for _, e := range res.Errors {
			code, _ := e.Extensions["code"].(string)
			obs.Codes = append(obs.Codes, code)
		}
	}
	o.report(ctx, obs)
	return res
}
