package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/complexity"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/serialpool/serialpool/graph/model"
	"github.com/serialpool/serialpool/pool"
)

// Operations are priced before they run: each field costs 1, and a list costs
// its page size times what one item costs. Over the limit, or nested deeper
// than the depth limit, the operation is refused with QUERY_TOO_COMPLEX and
// nothing executes.

// pageCost is what a connection's `first` multiplies its items' cost by. A
// `first` out of range costs nothing here: the resolver refuses it with an
// error that names the argument.
func pageCost(first *int) int {
	switch {
	case first == nil:
		return pool.DefaultPageSize
	case *first < 1 || *first > pool.MaxPageSize:
		return 1
	}
	return *first
}

// statementCost is the price of a field that runs SQL of its own each time it
// appears (aliases included), on top of its items: at the default complexity
// limit an operation runs at most 500 of them. Fields read through the
// operation's loaders (loaders.go) are batched and cached, and cost 1.
const statementCost = 100

// ownStatements are the fields, besides every root field, whose resolvers
// query the database themselves (ProductConnection.totalCount counts once per
// connection, whatever its aliases).
var ownStatements = map[string]bool{
	"Product.serials":       true,
	"SsccPool.ssccs":        true,
	"SerialRequest.serials": true,
	"Serial.history":        true,
	"Container.contents":    true,
}

// priced adds statementCost to the complexity of root fields and ownStatements.
type priced struct{ graphql.ExecutableSchema }

func (p priced) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	c, ok := p.ExecutableSchema.Complexity(ctx, typeName, field, child, args)
	if !ok || c < 1 {
		c = 1 + child // gqlgen's default
	}
	switch typeName {
	case "Query", "Mutation", "Subscription":
		if field != "__schema" && field != "__type" && field != "__typename" {
			c += statementCost
		}
	default:
		if ownStatements[typeName+"."+field] {
			c += statementCost
		}
	}
	return c, true
}

// costs sets the price of every list field.
func costs(c *ComplexityRoot) {
	c.Query.Products = func(child int, _ *model.ProductFilter, _ *model.ProductOrder, first *int, _ *string) int {
		return 1 + child*pageCost(first)
	}
	c.Product.Serials = func(child int, _ *pool.Status, _ *string, first *int, _ *string) int {
		return 1 + child*pageCost(first)
	}
	c.SsccPool.Ssccs = func(child int, _ *pool.Status, first *int, _ *string) int { return 1 + child*pageCost(first) }
	c.SerialRequest.Serials = func(child int, first *int, _ *string) int { return 1 + child*pageCost(first) }
	c.Query.AuditLog = func(child int, _ *model.AuditFilter, first *int, _ *string) int { return 1 + child*pageCost(first) }
	c.Query.SerialRequests = func(child int, _ *model.SerialRequestFilter, first *int, _ *string) int {
		return 1 + child*pageCost(first)
	}
	// Lists without paging are priced at their realistic sizes.
	c.Serial.History = func(child int) int { return 1 + child*10 }
	c.Query.PoolStats = func(child int, _ []pool.StatsDimension, _ *model.PoolStatsFilter) int { return 1 + child*100 }
	c.Query.PoolActivity = func(child int, _, _ time.Time, _ *pool.ActivityInterval, _ []pool.ActivityDimension) int {
		return 1 + child*100
	}
}

// limits enforces the size limits before validation (see selections.go) and
// the complexity and depth limits after it.
type limits struct {
	schema        graphql.ExecutableSchema
	parsed        graphql.Cache[*ast.QueryDocument] // documents that passed validation before
	costs         graphql.Cache[int]                // the complexity of operations without variables, by name and document
	maxTokens     int
	maxWidth      int // fields of one selection set
	maxSelections int // fields of an operation
	maxComplexity int
	maxDepth      int
}

func (limits) ExtensionName() string { return "Limits" }

func (l *limits) Validate(s graphql.ExecutableSchema) error {
	l.schema = priced{s}
	return nil
}

// MutateOperationParameters measures a document that is not cached yet, after
// the persisted-query extension has filled it in: parsing is linear in its
// size (and bounded by the token limit), validation is not.
func (l *limits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if _, ok := l.parsed.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.maxTokens)
	if err != nil {
		return nil // gqlgen parses it again and reports the error with its code
	}
	return checkSelections(doc, l.maxWidth, l.maxSelections)
}

func (l *limits) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if err := deferRefused(oc.Operation.SelectionSet); err != nil {
		return err
	}
	if d := depth(oc.Operation.SelectionSet); d > l.maxDepth {
		return tooComplex("the query is nested %d levels deep; the limit is %d", d, l.maxDepth)
	}
	if c := l.complexity(ctx, oc); c > l.maxComplexity {
		return tooComplex("the query costs %d; the limit is %d (each list costs its page size times its items, each field that runs its own database query %d)",
			c, l.maxComplexity, statementCost)
	}
	return nil
}

// costedDocument is the longest document whose complexity is cached: the
// cache's 1,000 keys then hold at most 64 MiB, whatever the body limit.
const costedDocument = 64 << 10

// complexity is the complexity of oc's operation. Without variables it
// depends on the document alone, so it is computed once per document, not on
// every execution (2.4% of the server's CPU on the products page).
func (l *limits) complexity(ctx context.Context, oc *graphql.OperationContext) int {
	if len(oc.Operation.VariableDefinitions) > 0 || len(oc.RawQuery) > costedDocument {
		return complexity.Calculate(ctx, l.schema, oc.Operation, oc.Variables)
	}
	key := oc.OperationName + "\n" + oc.RawQuery
	if c, ok := l.costs.Get(ctx, key); ok {
		return c
	}
	c := complexity.Calculate(ctx, l.schema, oc.Operation, oc.Variables)
	l.costs.Add(ctx, key, c)
	return c
}

func tooComplex(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...), Extensions: map[string]any{"code": pool.ETOOCOMPLEX}}
}

// depth is the deepest field nesting of a selection set; validation has
// already ruled out fragment cycles.
func depth(set ast.SelectionSet) int {
	deepest := 0
	for _, s := range set {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			d = 1 + depth(s.SelectionSet)
		case *ast.InlineFragment:
			d = depth(s.SelectionSet)
		case *ast.FragmentSpread:
			d = depth(s.Definition.SelectionSet)
		}
		deepest = max(deepest, d)
	}
	return deepest
}
