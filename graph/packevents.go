package graph

import (
	"strconv"
	"strings"
	"time"

	"github.com/serialpool/serialpool/pool"
)

// packEventCursor pages the pack event list by event time, then id:
// "PackEventCursor:<unix nanoseconds>:<id>".
func packEventCursor(e *pool.PackEventRecord) string {
	return encode("PackEventCursor", strconv.FormatInt(e.At.UnixNano(), 10)+":"+strconv.FormatInt(e.ID, 10))
}

func decodePackEventCursor(after *string) (*pool.PackEventCursor, error) {
	if after == nil {
		return nil, nil
	}
	key, err := decode("PackEventCursor", *after, "after")
	if err != nil {
		return nil, err
	}
	at, id, _ := strings.Cut(key, ":")
	ns, err1 := strconv.ParseInt(at, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n < 0 {
		return nil, pool.Invalid("after", "after is not a valid cursor")
	}
	return &pool.PackEventCursor{At: time.Unix(0, ns), ID: n}, nil
}
