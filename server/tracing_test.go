package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// TestTracing records the spans of one GraphQL request that carries a W3C
// traceparent: the request's span continues the caller's trace, the operation
// is beneath it and its SQL statements beneath that (the key's lookup beneath
// the request), and no span holds the API key. It sets the process's tracer provider, so it does not run
// in parallel (the parallel tests wait until it is done).
func TestTracing(t *testing.T) {
	// Configured, as an operator would; the spans go to the recorder below,
	// set as the provider startTracing would have set.
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	defer func() {
		tp.Shutdown(context.Background())
		otel.SetTracerProvider(noop.NewTracerProvider())
		otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator())
	}()
	d := newDemo(t)

	const caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	body := `{"query": "{ products(first: 3) { edges { node { code serials(first: 2) { edges { node { value } } } } } } }"}`
	req, _ := http.NewRequest(http.MethodPost, d.url+"/graphql", bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+d.keys.MAHViewer)
	req.Header.Set("traceparent", caller)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var answer bytes.Buffer
	answer.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(answer.String(), `"value"`) {
		t.Fatalf("query: %d %s", res.StatusCode, answer.String())
	}
	tp.ForceFlush(context.Background())

	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	var httpSpan, operation sdktrace.ReadOnlySpan
	var statements []sdktrace.ReadOnlySpan
	for _, s := range spans.Ended() {
		if s.SpanContext().TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
			continue
		}
		byID[s.SpanContext().SpanID()] = s
		switch {
		case s.Name() == "POST graphql":
			httpSpan = s
		case s.Name() == "graphql query:products":
			operation = s
		case s.SpanKind() == trace.SpanKindClient:
			statements = append(statements, s)
		}
		for _, kv := range s.Attributes() {
			if v := kv.Value.Emit(); strings.Contains(v, d.keys.MAHViewer) || strings.Contains(v, "Bearer") {
				t.Errorf("span %q holds the API key in %s", s.Name(), kv.Key)
			}
		}
	}
	if httpSpan == nil || operation == nil || len(statements) == 0 {
		t.Fatalf("spans of the trace: http %v, operation %v, %d statements", httpSpan != nil, operation != nil, len(statements))
	}
	if httpSpan.Parent().SpanID().String() != "00f067aa0ba902b7" || operation.Parent().SpanID() != httpSpan.SpanContext().SpanID() {
		t.Errorf("the operation is not beneath the request, or the request not beneath the caller")
	}
	inOperation := 0
	for _, s := range statements {
		if beneath(s, operation, byID) {
			inOperation++
		} else if !beneath(s, httpSpan, byID) {
			t.Errorf("statement span %q is outside the request", s.Name())
		}
	}
	if inOperation == 0 {
		t.Error("no SQL statement beneath the operation")
	}
	t.Logf("one query: %d spans in the trace, %d SQL statements (%d of the operation, the rest authentication)", len(byID), len(statements), inOperation)
}

// beneath reports whether s descends from ancestor among the recorded spans.
func beneath(s, ancestor sdktrace.ReadOnlySpan, byID map[trace.SpanID]sdktrace.ReadOnlySpan) bool {
	for p, ok := byID[s.Parent().SpanID()]; ok; p, ok = byID[p.Parent().SpanID()] {
		if p.SpanContext().SpanID() == ancestor.SpanContext().SpanID() {
			return true
		}
	}
	return false
}
