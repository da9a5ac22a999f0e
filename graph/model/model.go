// Package model holds the GraphQL types that are not domain types: connections,
// edges and the generated inputs and payloads.
package model

import (
	"encoding/json"
	"io"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/serialpool/serialpool/pool"
)

// ProductConnection is a page of products; TotalCount is resolved only when asked
// for, since it counts every page, and Count runs once however many aliases ask.
type ProductConnection struct {
	Edges    []*ProductEdge
	PageInfo *PageInfo
	Count    func() (int, error)
}

// ExtraParameters are a serial's extra parameters by GS1 AI (a JSON object of strings).
type ExtraParameters map[string]string

// UnmarshalGQL implements graphql.Unmarshaler.
func (e *ExtraParameters) UnmarshalGQL(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return pool.Invalid("extra", "extra parameters must be an object of strings by AI, such as {\"91\": \"K001\"}")
	}
	*e = make(ExtraParameters, len(m))
	for k, x := range m {
		s, ok := x.(string)
		if !ok {
			return pool.Invalid("extra", "extra parameter %q must be a string", k)
		}
		(*e)[k] = s
	}
	return nil
}

// MarshalGQL implements graphql.Marshaler.
func (e ExtraParameters) MarshalGQL(w io.Writer) {
	json.NewEncoder(w).Encode(map[string]string(e))
}

// MarshalTime and UnmarshalTime are gqlgen's Time scalar (RFC 3339), except
// that a malformed time is the caller's error (BAD_USER_INPUT), not INTERNAL.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime implements the Time scalar's input.
func UnmarshalTime(v any) (time.Time, error) {
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		return t, pool.Errorf(pool.EINVALID, "a time must be an RFC 3339 string, such as 2026-01-31T12:00:00Z")
	}
	return t, nil
}

// Upstream is the channel upstream the input describes.
func (in CreateChannelInput) Upstream() pool.Upstream {
	return upstream(in.UpstreamURL, in.UpstreamProtocol, in.UpstreamSendingSystem, in.UpstreamReceivingSystem,
		in.UpstreamUsername, in.UpstreamPassword, in.UpstreamToken)
}

// Upstream is the channel upstream the input describes.
func (in UpdateChannelUpstreamInput) Upstream() pool.Upstream {
	return upstream(in.UpstreamURL, in.UpstreamProtocol, in.UpstreamSendingSystem, in.UpstreamReceivingSystem,
		in.UpstreamUsername, in.UpstreamPassword, in.UpstreamToken)
}

func upstream(url *string, protocol *pool.UpstreamProtocol, sending, receiving, username, password, token *string) pool.Upstream {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	u := pool.Upstream{URL: url, Protocol: pool.ProtocolJSON, Systems: pool.UpstreamSystems{Sending: str(sending), Receiving: str(receiving)},
		Credentials: pool.UpstreamCredentials{Username: str(username), Password: str(password), Token: str(token)}}
	if protocol != nil {
		u.Protocol = *protocol
	}
	return u
}
