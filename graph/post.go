package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// post is GraphQL over HTTP POST, as gqlgen's transport.POST with two costs
// taken out, and run in slots. The body is decoded once, with its problems
// answered 400 in the caller's terms (gqlgen echoed the body, and checkHTTP
// decoded it first to avoid that). And the answer is written as the executor
// marshalled it: gqlgen's writeJson re-encodes the whole response with
// encoding/json, which scans and copies the data to compact it (a sixth of
// poolStats' CPU for its 2,000 groups), when the executor writes it compact
// already. An operation holds its slot (slots.go) from parsing to its answer
// in memory, neither while its body arrives nor while the answer leaves, so a
// slow client holds none.
type post struct{ slots *Slots }

var _ graphql.Transport = post{}

func (post) Supports(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return r.Header.Get("Upgrade") == "" && r.Method == http.MethodPost && err == nil && mt == "application/json"
}

func (p post) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeHTTPError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit))
		return
	case err != nil:
		writeHTTPError(w, http.StatusBadRequest, "the request body could not be read")
		return
	}
	params := &graphql.RawParams{}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		writeHTTPError(w, http.StatusBadRequest, "the body is not a GraphQL request in JSON: "+jsonProblem(err))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	ctx := r.Context()
	graphqlResponse := acceptsGraphQLResponse(r.Header.Get("Accept"))
	if graphqlResponse {
		w.Header().Set("Content-Type", "application/graphql-response+json")
	} else {
		w.Header().Set("Content-Type", "application/json")
	}
	status, response := p.run(ctx, params, exec, graphqlResponse)
	w.WriteHeader(status)
	writeResponse(w, response)
}

// run runs the operation in a slot, and returns its answer.
func (p post) run(ctx context.Context, params *graphql.RawParams, exec graphql.GraphExecutor, graphqlResponse bool) (int, *graphql.Response) {
	release, err := p.slots.acquire(ctx)
	if err != nil {
		return http.StatusOK, busy(ctx, exec, err)
	}
	defer release()
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		// A request that is not GraphQL (it does not parse or validate, its
		// variables do not coerce) is 422 as application/json (which
		// legacyJSONStatus turns into 200) and 400 as graphql-response+json.
		status := http.StatusOK
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if graphqlResponse {
				status = http.StatusBadRequest
			}
		}
		return status, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs)
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	return http.StatusOK, responses(ctx)
}

// get is gqlgen's GET transport (queries only) in slots, held while its
// small answer is written too.
type get struct{ slots *Slots }

func (get) Supports(r *http.Request) bool { return transport.GET{}.Supports(r) }

func (g get) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	release, err := g.slots.acquire(r.Context())
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		writeResponse(w, busy(r.Context(), exec, err))
		return
	}
	defer release()
	transport.GET{}.Do(w, r, exec)
}

// busy is the answer to an operation that found no slot in time.
func busy(ctx context.Context, exec graphql.GraphExecutor, err error) *graphql.Response {
	return exec.DispatchError(ctx, gqlerror.List{gqlerror.WrapIfUnwrapped(err)})
}

// acceptsGraphQLResponse reports whether an Accept header asks for
// application/graphql-response+json rather than application/json, as gqlgen
// negotiates it: the first of the two (or a wildcard, meaning
// application/json) wins; no Accept means application/json, and one naming
// neither, application/graphql-response+json.
func acceptsGraphQLResponse(accept string) bool {
	if accept == "" {
		return false
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "application/graphql-response+json":
			return true
		case "application/json", "*/*", "application/*":
			return false
		}
	}
	return true
}

// writeResponse writes r as gqlgen does, errors first, but its data as is:
// the executor wrote it, as compact JSON.
func writeResponse(w io.Writer, r *graphql.Response) {
	errs, err := json.Marshal(struct {
		Errors gqlerror.List `json:"errors,omitempty"`
	}{r.Errors})
	if err != nil {
		panic(fmt.Errorf("graphql: marshal the errors: %w", err))
	}
	rest, err := json.Marshal(struct {
		Label      string         `json:"label,omitempty"`
		Path       ast.Path       `json:"path,omitempty"`
		HasNext    *bool          `json:"hasNext,omitempty"`
		Extensions map[string]any `json:"extensions,omitempty"`
	}{r.Label, r.Path, r.HasNext, r.Extensions})
	if err != nil {
		panic(fmt.Errorf("graphql: marshal the extensions: %w", err))
	}
	data := r.Data
	if data == nil {
		data = json.RawMessage("null")
	}
	var b bytes.Buffer
	b.Grow(len(errs) + len(data) + len(rest) + 10)
	b.WriteByte('{')
	if inner := errs[1 : len(errs)-1]; len(inner) > 0 {
		b.Write(inner)
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	b.Write(data)
	if inner := rest[1 : len(rest)-1]; len(inner) > 0 {
		b.WriteByte(',')
		b.Write(inner)
	}
	b.WriteByte('}')
	w.Write(b.Bytes())
}
