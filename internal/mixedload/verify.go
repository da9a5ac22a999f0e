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
	Uncertain   int // serials a release of which went unanswered (Load.Retry): held at most once, whatever their status
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
	v := &verification{}
	seen, err := l.checkStored(ctx, q, v)
	if err != nil {
		return v.Figures, nil, err
	}
	for _, ledger := range []map[string]int{l.orders, l.partner, l.cmoOrders} {
		for value, n := range ledger {
			v.HandedOut += n
			if !seen[value] {
				v.problem("%s: handed out, but no longer stored", value)
			}
		}
	}
	if want := l.pool.Initial + l.pushed; v.Serials != want {
		v.problem("the product holds %d serials; %d were received and pushed", v.Serials, want)
	}
	mismatches, err := dbtest.CounterMismatches(ctx, q)
	if err != nil {
		return v.Figures, nil, err
	}
	for _, m := range mismatches {
		v.problem("counter %+v differs from COUNT(*)", m)
	}
	return v.Figures, v.problems, nil
}

// verification is what Verify counted and found wrong so far.
type verification struct {
	Figures
	problems []string // the first 20
}

func (v *verification) problem(format string, args ...any) {
	v.Violations++
	if len(v.problems) < 20 {
		v.problems = append(v.problems, fmt.Sprintf(format, args...))
	}
}

// checkStored checks each stored serial of the product against the ledger and
// returns the values it saw.
func (l *Load) checkStored(ctx context.Context, q dbtest.Querier, v *verification) (map[string]bool, error) {
	rows, err := q.Query(ctx, `SELECT value, status::text, partner_tenant_id IS NOT NULL, coalesce(partner_status::text, '')
		FROM serials WHERE product_id = $1`, l.pool.ProductID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := make(map[string]bool, len(l.orders)+len(l.partner))
	for rows.Next() {
		var s storedSerial
		if err := rows.Scan(&s.value, &s.status, &s.withPartner, &s.partnerStatus); err != nil {
			return nil, err
		}
		seen[s.value] = true
		l.checkSerial(v, s)
	}
	return seen, rows.Err()
}

// storedSerial is one serial as the database holds it.
type storedSerial struct {
	value, status, partnerStatus string
	withPartner                  bool
}

// checkSerial checks one stored serial: held once at most, with the status
// the ledger says.
func (l *Load) checkSerial(v *verification, s storedSerial) {
	value := s.value
	held := l.orders[value] - l.released[value]
	toPartner := l.partner[value]
	cmoHeld := l.cmoOrders[value] - l.cmoReleased[value]
	if unc := l.uncertain[value]; unc > 0 {
		// Each unanswered release may have been done or not: at least
		// held-unc orders hold it, which must not be more than one.
		if held-unc > 1 || cmoHeld-unc > 1 || toPartner > 1 || held < 0 || cmoHeld < 0 {
			v.problem("%s: held twice (%d MAH and %d CMO hand-outs not released, %d unanswered releases, %d to the partner)",
				value, held, cmoHeld, unc, toPartner)
		}
		v.Serials++
		v.Uncertain++
		return
	}
	switch {
	case held < 0 || held > 1:
		v.problem("%s: handed to %d MAH orders at once (%d hand-outs, %d releases)", value, held, l.orders[value], l.released[value])
	case toPartner > 1:
		v.problem("%s: assigned to the partner %d times", value, toPartner)
	case held+toPartner > 1:
		v.problem("%s: held by an MAH order and the partner at once", value)
	case cmoHeld < 0 || cmoHeld > 1:
		v.problem("%s: handed to %d CMO orders at once", value, cmoHeld)
	case cmoHeld == 1 && toPartner == 0:
		v.problem("%s: a CMO order holds a serial never assigned to the CMO", value)
	}
	want, wantPartner := ledgerStatus(held, toPartner, cmoHeld)
	if s.status != want || s.withPartner != (toPartner > 0) || s.partnerStatus != wantPartner {
		v.problem("%s: stored as %s (partner: %v %q); the ledger says %s (partner: %q)", value, s.status, s.withPartner, s.partnerStatus, want, wantPartner)
	}
	v.Serials++
	v.Held += max(held, 0)
	v.WithPartner += toPartner
	v.HeldByCMO += max(cmoHeld, 0)
}

// ledgerStatus is the pool status a serial must have, and its status in the
// CMO's pool ("" when not assigned to the CMO): Assigned exactly when held.
func ledgerStatus(held, toPartner, cmoHeld int) (status, partnerStatus string) {
	status = "AVAILABLE"
	if held+toPartner > 0 {
		status = "ASSIGNED"
	}
	if toPartner > 0 {
		partnerStatus = "AVAILABLE"
		if cmoHeld > 0 {
			partnerStatus = "ASSIGNED"
		}
	}
	return status, partnerStatus
}
