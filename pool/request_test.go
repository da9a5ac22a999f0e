package pool

import (
	"testing"
	"time"
)

func TestSerialRequestFileName(t *testing.T) {
	at := time.Date(2026, 12, 1, 23, 30, 0, 0, time.FixedZone("CET", -3600)) // 2026-12-02 00:30 UTC
	ref := func(s string) *string { return &s }
	for _, tc := range []struct {
		ref  *string
		want string
	}{
		{ref("PO-4711"), "PO-4711-2026-12-02.csv"},
		{ref("  PO 4711/line 2 "), "PO-4711-line-2-2026-12-02.csv"},
		{ref(`"; rm -rf`), "rm--rf-2026-12-02.csv"},
		{ref("///"), "order-2026-12-02.csv"},
		{nil, "assignment-2026-12-02.csv"},
	} {
		r := &SerialRequest{ID: 42, OrderRef: tc.ref, CreatedAt: at}
		if got := r.FileName(); got != tc.want {
			t.Errorf("FileName(%v) = %q, want %q", tc.ref, got, tc.want)
		}
	}
}
