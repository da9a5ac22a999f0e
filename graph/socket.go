package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/serialpool/serialpool/pool"
)

// A WebSocket presents its API key once, in connection_init, and then carries
// any number of operations for as long as it stays open. So that it gets no
// more than the key would over HTTP: each operation passes the key's rate
// limit, a key holds a bounded number of sockets and subscriptions, a socket
// that does not authenticate in time is closed, and an open socket checks its
// key again as often as the HTTP auth cache forgets it, closing with 4403
// once the key no longer works.

// initTimeout is how long an upgraded socket may wait before connection_init.
const initTimeout = 5 * time.Second

// Close codes (graphql-transport-ws uses 44xx for its own refusals).
const (
	closeForbidden   = 4403 // the key is unknown or revoked
	closeRateLimited = 4429 // over the key's rate limit or its cap of sockets
)

// socket is one WebSocket connection.
type socket struct {
	conn          transport.WebsocketConn // once upgraded
	key           *keySockets             // once authenticated
	perKey        int                     // the most subscriptions of its key
	subscriptions atomic.Int32
}

// keySockets counts what one API key holds open.
type keySockets struct{ sockets, subscriptions atomic.Int32 }

type socketKey struct{}

func socketFrom(ctx context.Context) *socket {
	s, _ := ctx.Value(socketKey{}).(*socket)
	return s
}

// sockets applies the Options' WebSocket rules to the connections of one handler.
type sockets struct {
	opt  Options
	keys sync.Map // pool.Credential -> *keySockets
}

// serve gives each upgrade request its socket and frees the socket's places
// when the connection has ended (gqlgen serves it within ServeHTTP).
func (ss *sockets) serve(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			next.ServeHTTP(w, r)
			return
		}
		s := &socket{}
		defer func() {
			if s.key != nil {
				s.key.sockets.Add(-1)
			}
		}()
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), socketKey{}, s)))
	})
}

// transport is gqlgen's WebSocket transport under these rules; the library
// checks the Origin (same origin only).
func (ss *sockets) transport() *transport.Websocket {
	return &transport.Websocket{
		Implementation:        acceptSocket{},
		KeepAlivePingInterval: 15 * time.Second,
		InitTimeout:           initTimeout,
		InitFunc:              ss.init,
	}
}

// acceptSocket keeps each accepted connection in its socket, to close it with a code of ours.
type acceptSocket struct {
	transport.CoderWebsocketImplementation
}

func (a acceptSocket) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := a.CoderWebsocketImplementation.Accept(w, r, o)
	if s := socketFrom(r.Context()); s != nil && err == nil {
		s.conn = c
	}
	return c, err
}

// init authenticates connection_init's key, takes one of the key's sockets
// and starts checking the key again.
func (ss *sockets) init(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	key, _ := strings.CutPrefix(p.Authorization(), "Bearer ")
	key = strings.TrimSpace(key)
	actx, err := ss.opt.Authenticate(ctx, key)
	if err == nil {
		err = ss.open(actx)
	}
	if err != nil {
		code := closeForbidden
		if pool.ErrorCode(err) == pool.ERATELIMITED {
			code = closeRateLimited
		}
		return transport.WithWebsocketCloseCode(ctx, code), nil, errors.New(pool.ErrorMessage(err))
	}
	go ss.recheck(actx, key)
	return actx, nil, nil
}

// open takes one of the actor's key's sockets.
func (ss *sockets) open(ctx context.Context) error {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return err
	}
	s := socketFrom(ctx)
	if s == nil {
		return pool.Errorf(pool.EINTERNAL, "graph: a WebSocket without its socket")
	}
	v, _ := ss.keys.LoadOrStore(a.Credential(), new(keySockets))
	k := v.(*keySockets)
	if k.sockets.Add(1) > int32(ss.opt.MaxSockets) {
		k.sockets.Add(-1)
		return pool.Errorf(pool.ERATELIMITED, "at most %d open WebSocket connections per API key", ss.opt.MaxSockets)
	}
	s.key, s.perKey = k, ss.opt.MaxSubscriptions
	return nil
}

// recheck checks the socket's key every RecheckEvery until the connection
// ends, and closes it with 4403 once the key is refused. A check that fails
// otherwise (the database is out of reach) leaves the socket open.
func (ss *sockets) recheck(ctx context.Context, key string) {
	tick := time.NewTicker(ss.opt.RecheckEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := ss.opt.Recheck(ctx, key); pool.ErrorCode(err) == pool.EUNAUTHENTICATED {
			socketFrom(ctx).conn.WriteClose(closeForbidden, "the API key no longer works")
			return
		}
	}
}

// takeSubscription reserves one of the socket's and the key's subscriptions;
// release returns them.
func takeSubscription(ctx context.Context) (release func(), err error) {
	s := socketFrom(ctx)
	if s == nil || s.key == nil {
		return nil, pool.Errorf(pool.EINVALID, "subscriptions run over WebSocket (graphql-transport-ws) at /graphql")
	}
	if s.subscriptions.Add(1) > maxSubscriptions {
		s.subscriptions.Add(-1)
		return nil, pool.Errorf(pool.ERATELIMITED, "at most %d live subscriptions per connection", maxSubscriptions)
	}
	if s.key.subscriptions.Add(1) > int32(s.perKey) {
		s.key.subscriptions.Add(-1)
		s.subscriptions.Add(-1)
		return nil, pool.Errorf(pool.ERATELIMITED, "at most %d live subscriptions per API key", s.perKey)
	}
	return func() { s.key.subscriptions.Add(-1); s.subscriptions.Add(-1) }, nil
}

// admission passes every operation on a socket through Options.Admit (the
// key's rate limit), before its document is even parsed. HTTP requests pass
// the same check on their way in.
type admission struct{ admit func(context.Context) error }

func (admission) ExtensionName() string                   { return "SocketAdmission" }
func (admission) Validate(graphql.ExecutableSchema) error { return nil }

func (a admission) MutateOperationParameters(ctx context.Context, _ *graphql.RawParams) *gqlerror.Error {
	if socketFrom(ctx) == nil {
		return nil
	}
	if err := a.admit(ctx); err != nil {
		return &gqlerror.Error{Message: pool.ErrorMessage(err), Extensions: pool.Extensions(err)}
	}
	return nil
}
