package mixedload

import (
	"context"
	"fmt"

	"github.com/serialpool/serialpool/db/dbtest"
)

// Figures are what Verify counted.
type Figures struct {
	Serials     int // serials of the product in the database
	Held        int // held by an MAH order at the end
	WithPartner int // assigned to the CMO at the end
	HeldByCMO   int // of those, held by a CMO order
	HandedOut   int // hand-outs over the run, to orders and the partner
	Violations  int // broken invariants, all of them (Verify lists the first 20)
}

// Verify checks the pool against the ledger, reading the database through q as
// its owner, once every client has stopped:
//
//   - no serial is held twice: for each serial, hand-outs minus releases is 0
//     or 1 on each side (owner, CMO), and an order and the partner never hold
//     it at once;
//   - its pool status is what the ledger says: Assigned exactly when held, the
//     CMO's status Assigned exactly when a CMO order holds it;
//   - none is lost: every serial the ledger knows is stored, and the product
//     holds exactly the initial serials plus those pushed;
//   - every counter equals COUNT(*).
func (l *Load) Verify(ctx context.Context, q dbtest.Querier) (Figures, []string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var f Figures
	var problems []string
	problem := func(format string, args ...any) {
		f.Violations++
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
	}
	rows, err := q.Query(ctx, `SELECT value, status::text, partner_tenant_id IS NOT NULL, coalesce(partner_status::text, '')
		FROM serials WHERE product_id = $1`, l.pool.ProductID)
	if err != nil {
		return f, nil, err
	}
	seen := make(map[string]bool, len(l.orders)+len(l.partner))
	for rows.Next() {
		var value, status, partnerStatus string
		var withPartner bool
		if err := rows.Scan(&value, &status, &withPartner, &partnerStatus); err != nil {
			return f, nil, err
		}
		f.Serials++
		seen[value] = true
		held := l.orders[value] - l.released[value]
		toPartner := l.partner[value]
		cmoHeld := l.cmoOrders[value] - l.cmoReleased[value]
		switch {
		case held < 0 || held > 1:
			problem("%s: handed to %d MAH orders at once (%d hand-outs, %d releases)", value, held, l.orders[value], l.released[value])
		case toPartner > 1:
			problem("%s: assigned to the partner %d times", value, toPartner)
		case held+toPartner > 1:
			problem("%s: held by an MAH order and the partner at once", value)
		case cmoHeld < 0 || cmoHeld > 1:
			problem("%s: handed to %d CMO orders at once", value, cmoHeld)
		case cmoHeld == 1 && toPartner == 0:
			problem("%s: a CMO order holds a serial never assigned to the CMO", value)
		}
		want := "AVAILABLE"
		if held+toPartner > 0 {
			want = "ASSIGNED"
		}
		wantPartner := ""
		if toPartner > 0 {
			wantPartner = "AVAILABLE"
			if cmoHeld > 0 {
				wantPartner = "ASSIGNED"
			}
		}
		if status != want || withPartner != (toPartner > 0) || partnerStatus != wantPartner {
			problem("%s: stored as %s (partner: %v %q); the ledger says %s (partner: %q)", value, status, withPartner, partnerStatus, want, wantPartner)
		}
		f.Held += max(held, 0)
		f.WithPartner += toPartner
		f.HeldByCMO += max(cmoHeld, 0)
	}
	if err := rows.Err(); err != nil {
		return f, nil, err
	}
	for _, ledger := range []map[string]int{l.orders, l.partner, l.cmoOrders} {
		for value, n := range ledger {
			f.HandedOut += n
			if !seen[value] {
				problem("%s: handed out, but no longer stored", value)
			}
		}
	}
	if want := l.pool.Initial + l.pushed; f.Serials != want {
		problem("the product holds %d serials; %d were received and pushed", f.Serials, want)
	}
	mismatches, err := dbtest.CounterMismatches(ctx, q)
	if err != nil {
		return f, nil, err
	}
	for _, m := range mismatches {
		problem("counter %+v differs from COUNT(*)", m)
	}
	return f, problems, nil
}
