// Package liveclient speaks GraphQL over WebSocket (graphql-transport-ws) to
// the server's /graphql, for the tests and the soak that watch subscriptions.
package liveclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// Message is a graphql-transport-ws message.
type Message struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Client is one acknowledged connection.
type Client struct {
	Conn    *websocket.Conn
	pending []Message // read while waiting for another subscription
}

// Dial connects to baseURL's /graphql (http:// or https://) and sends
// connection_init with the API key; header is sent with the handshake.
func Dial(ctx context.Context, baseURL, key string, header http.Header) (*Client, error) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(baseURL, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		return nil, err
	}
	l := &Client{Conn: c}
	init, _ := json.Marshal(map[string]string{"authorization": "Bearer " + key})
	var ack Message
	if err := l.Send(ctx, Message{Type: "connection_init", Payload: init}); err != nil {
		c.CloseNow()
		return nil, err
	}
	if err := wsjson.Read(ctx, c, &ack); err != nil {
		c.CloseNow()
		return nil, err
	}
	if ack.Type != "connection_ack" {
		c.CloseNow()
		return nil, fmt.Errorf("liveclient: connection_init answered %s %s", ack.Type, ack.Payload)
	}
	return l, nil
}

// Send writes a message.
func (l *Client) Send(ctx context.Context, m Message) error { return wsjson.Write(ctx, l.Conn, m) }

// Subscribe starts subscription id.
func (l *Client) Subscribe(ctx context.Context, id, query string, variables map[string]any) error {
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": variables})
	return l.Send(ctx, Message{ID: id, Type: "subscribe", Payload: payload})
}

// Next returns the next message of subscription id, keeping the others' for later.
func (l *Client) Next(ctx context.Context, id string) (Message, error) {
	for i, m := range l.pending {
		if m.ID == id {
			l.pending = append(l.pending[:i], l.pending[i+1:]...)
			return m, nil
		}
	}
	for {
		var m Message
		if err := wsjson.Read(ctx, l.Conn, &m); err != nil {
			return m, err
		}
		if m.ID == id {
			return m, nil
		}
		if m.ID != "" {
			l.pending = append(l.pending, m)
		}
	}
}

// Close ends the connection normally.
func (l *Client) Close() error { return l.Conn.Close(websocket.StatusNormalClosure, "") }
