package db

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

// auditTx appends one entry to the caller's audit trail, in the transaction of
// the change: the one writer of the trail, whether the change runs on pgx or on
// GORM. productID and count are NULL when 0: the change concerns no product,
// or moves no serials (every change that moves serials moves at least one).
func auditTx(ctx context.Context, tx execer, a pool.Actor, action string, productID, count int64, detail map[string]any) error {
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (tenant_id, actor, action, product_id, count, detail)
		VALUES ($1, $2, $3, nullif($4::bigint, 0), nullif($5::bigint, 0), $6::jsonb)`,
		a.TenantID, a.Name(), action, productID, count, detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// changes are the fields a change of master data changed, recorded in the
// audit detail under "changes" as {"field": {"old": ..., "new": ...}}; a secret
// is recorded only as "changed". Callers read the row FOR UPDATE before the
// change, so old is what the change replaced.
type changes map[string]any

// field records name when old and new differ as recorded (as JSON).
func (c changes) field(name string, old, new any) {
	o, err1 := json.Marshal(old)
	n, err2 := json.Marshal(new)
	if err1 != nil || err2 != nil || !bytes.Equal(o, n) {
		c[name] = map[string]any{"old": old, "new": new}
	}
}

// secret records that a secret changed, never its value.
func (c changes) secret(name string) { c[name] = "changed" }

// sign checks the caller's signature of a significant action and returns ctx
// carrying it, verified: the transaction of the action then records it with
// each audit entry it writes (the chaining trigger reads app.signature, set by
// enter). A person signs with their password or, signed in with the tenant's
// OpenID provider, by signing in there again just before (Reauthenticated,
// one signature each); an API key's caller is recorded as its service account
// (or key) with meaning and reason. ESIGNATUREREQUIRED
// without a signature, EINVALID for a bad meaning or reason, ESIGNATUREINVALID
// for a wrong password (counted towards the account's lockout).
func (d *DB) sign(ctx context.Context) (context.Context, error) {
	a, err := pool.ActorFrom(ctx)
	if err != nil {
		return ctx, err
	}
	in, ok := pool.SignatureFrom(ctx)
	if !ok {
		return ctx, pool.Errorf(pool.ESIGNATUREREQUIRED, "this action needs an electronic signature: its meaning and reason (and a person's password)")
	}
	if err := in.Validate(); err != nil {
		return ctx, err
	}
	sig := pool.Signature{Name: a.Name(), ServiceAccount: true, Meaning: in.Meaning, Reason: in.Reason}
	switch {
	case a.KeyID != 0: // a key's caller: its service account (or key)
	case in.Password == "":
		// Signed in with the provider: signed in there again just now.
		name, email, ok, err := d.takeReauthentication(ctx, a)
		if err != nil {
			return ctx, err
		}
		if !ok {
			return ctx, &pool.Error{Code: pool.ESIGNATUREREQUIRED, Field: "signature.password",
				Message: "re-enter your password to sign (signed in with your provider: sign in there again)"}
		}
		sig = pool.Signature{Name: name, Email: email, Meaning: in.Meaning, Reason: in.Reason, Reauthenticated: true}
	default:
		u, err := d.VerifyPassword(ctx, in.Password)
		switch code := pool.ErrorCode(err); {
		case code == pool.EUNAUTHENTICATED:
			return ctx, &pool.Error{Code: pool.ESIGNATUREINVALID, Field: "signature.password", Message: "the password is wrong: not signed"}
		case err != nil:
			return ctx, err
		}
		sig = pool.Signature{Name: u.Name, Email: u.Email, Meaning: in.Meaning, Reason: in.Reason}
	}
	sig.At = time.Now().UTC()
	b, err := json.Marshal(sig)
	if err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, signedKey{}, string(b)), nil
}

type signedKey struct{}

// signed is the verified signature sign put in ctx, as JSON; "" without one.
func signed(ctx context.Context) string {
	s, _ := ctx.Value(signedKey{}).(string)
	return s
}

// execer is what auditTx needs of a transaction: a pgx.Tx has it, a GORM
// transaction has it through gormTx.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// gormTx runs a statement in a GORM transaction as pgx.Tx.Exec does: the
// arguments go to pgx untouched, through GORM's connection (GORM itself would
// take a map for named parameters), so they are encoded as on pgx. It has no
// command tag to return; auditTx needs none.
type gormTx struct{ db *gorm.DB }

func (g gormTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	_, err := g.db.Statement.ConnPool.ExecContext(ctx, sql, args...)
	return pgconn.CommandTag{}, err
}

// AuditLog implements pool.AuditService. A product code the caller cannot see
// matches nothing, like a code that does not exist.
func (d *DB) AuditLog(ctx context.Context, f pool.AuditFilter) (*pool.AuditPage, error) {
	var rows []struct {
		ID          int64
		At          time.Time
		Actor       string
		Action      string
		ProductID   *int64
		ProductCode *string
		Count       *int64
		Detail      []byte
		Signature   []byte
		Names       []byte
	}
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		// Row-level security leaves the code NULL when the product is no longer visible.
		q := tx.Table("audit_log l").Select("l.id, l.at, l.actor, l.action, l.product_id, p.code AS product_code, l.count, l.detail, l.signature, "+auditNames+" AS names").
			Joins("LEFT JOIN products p ON p.id = l.product_id").Where("l.tenant_id = ?", a.TenantID)
		if f.Action != "" {
			q = q.Where("l.action = ?", f.Action)
		}
		if f.Actor != "" {
			q = q.Where("strpos(lower(l.actor), lower(?)) > 0", f.Actor)
		}
		if f.ProductCode != "" {
			q = q.Where("p.code ILIKE ?", "%"+likeEscape(f.ProductCode)+"%")
		}
		if !f.From.IsZero() {
			q = q.Where("l.at >= ?", f.From)
		}
		if !f.To.IsZero() {
			q = q.Where("l.at < ?", f.To)
		}
		return newestFirst(q, "l.id", f.BeforeID, f.Limit).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("audit log", err)
	}
	page := &pool.AuditPage{HasNext: len(rows) > f.Limit}
	for i := range rows[:min(len(rows), f.Limit)] {
		r := rows[i]
		e := &pool.AuditEntry{ID: r.ID, At: r.At, Actor: r.Actor, Action: r.Action, ProductID: r.ProductID, Count: r.Count}
		if r.ProductCode != nil {
			e.ProductCode = *r.ProductCode
		}
		if len(r.Detail) > 0 {
			if err := json.Unmarshal(r.Detail, &e.Detail); err != nil {
				return nil, wrap("audit log detail", err)
			}
		}
		if len(r.Signature) > 0 {
			if err := json.Unmarshal(r.Signature, &e.Signature); err != nil {
				return nil, wrap("audit log signature", err)
			}
		}
		if err := json.Unmarshal(r.Names, &e.Names); err != nil {
			return nil, wrap("audit log names", err)
		}
		page.Entries = append(page.Entries, e)
	}
	return page, nil
}

// VerifyAudit recomputes the audit chain of one tenant, or of every tenant when
// tenantID is 0, and reports the first broken link of each. An operator
// command: it runs as the connecting role, which sees every tenant. The hash is
// recomputed by the database's own audit_entry_hash, the function that sealed
// the entries, so there is one definition of an entry's content.
func (d *DB) VerifyAudit(ctx context.Context, tenantID int64, anchors []pool.AuditAnchor) (*pool.AuditVerification, error) {
	tx, err := d.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, wrap("verify audit", err)
	}
	defer tx.Rollback()
	// One snapshot for heads and entries, so entries written meanwhile do not
	// look like an inserted tail.
	heads := map[int64]auditHead{}
	hrows, err := tx.QueryContext(ctx, `SELECT tenant_id, seq, hash FROM audit_heads WHERE $1::bigint IN (0, tenant_id)`, tenantID)
	if err != nil {
		return nil, wrap("verify audit", err)
	}
	for hrows.Next() {
		var t int64
		var h auditHead
		if err := hrows.Scan(&t, &h.seq, &h.hash); err != nil {
			return nil, wrap("verify audit", err)
		}
		heads[t] = h
	}
	if err := hrows.Err(); err != nil {
		return nil, wrap("verify audit", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT l.tenant_id, l.id, l.seq, l.at, l.prev_hash, l.hash, audit_entry_hash(l)
		FROM audit_log l WHERE $1::bigint IN (0, l.tenant_id) ORDER BY l.tenant_id, l.seq, l.id`, tenantID)
	if err != nil {
		return nil, wrap("verify audit", err)
	}
	defer rows.Close()
	v := &pool.AuditVerification{}
	anchored := map[[2]int64][]byte{} // (tenant, seq) of each anchor: its hash
	for _, a := range anchors {
		if tenantID == 0 || a.TenantID == tenantID {
			anchored[[2]int64{a.TenantID, a.Seq}] = a.Hash
		}
	}
	var c *auditChain
	for rows.Next() {
		var e auditLink
		if err := rows.Scan(&e.tenantID, &e.id, &e.seq, &e.at, &e.prevHash, &e.hash, &e.computed); err != nil {
			return nil, wrap("verify audit", err)
		}
		if c == nil || c.tenantID != e.tenantID {
			c.end(v, heads)
			c = &auditChain{tenantID: e.tenantID, next: 1}
		}
		v.Checked++
		c.add(e)
		if h, ok := anchored[[2]int64{e.tenantID, e.seq}]; ok {
			delete(anchored, [2]int64{e.tenantID, e.seq})
			if c.broken == nil && !bytes.Equal(h, e.hash) {
				c.broken = &pool.AuditChainBreak{TenantID: e.tenantID, EntryID: e.id, Seq: e.seq, At: e.at,
					Problem: "rewritten: the entry is not the one anchored (the chain was recomputed from here or before)"}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("verify audit", err)
	}
	c.end(v, heads)
	// A head without entries: every entry of that tenant is gone.
	for t, h := range heads {
		(&auditChain{tenantID: t, next: 1}).end(v, map[int64]auditHead{t: h})
	}
	// An anchored entry that is gone, its chain intact: the chain was rewritten shorter.
	for k := range anchored {
		if !slices.ContainsFunc(v.Breaks, func(b pool.AuditChainBreak) bool { return b.TenantID == k[0] }) {
			v.Breaks = append(v.Breaks, pool.AuditChainBreak{TenantID: k[0], Seq: k[1],
				Problem: fmt.Sprintf("rewritten: the anchored entry #%d is gone", k[1])})
		}
	}
	v.Heads = slices.DeleteFunc(v.Heads, func(h pool.AuditAnchor) bool {
		return slices.ContainsFunc(v.Breaks, func(b pool.AuditChainBreak) bool { return b.TenantID == h.TenantID })
	})
	slices.SortFunc(v.Breaks, func(a, b pool.AuditChainBreak) int { return cmp.Compare(a.TenantID, b.TenantID) })
	return v, nil
}

type auditHead struct {
	seq  int64
	hash []byte
}

type auditLink struct {
	tenantID, id, seq        int64
	at                       time.Time
	prevHash, hash, computed []byte
}

// auditChain walks one tenant's entries in chain order, remembering its first break.
type auditChain struct {
	tenantID int64
	next     int64  // the seq the next entry should have
	prev     []byte // the hash of the entry before it
	broken   *pool.AuditChainBreak
}

func (c *auditChain) add(e auditLink) {
	defer func() { c.next, c.prev = e.seq+1, e.hash }()
	if c.broken != nil {
		return
	}
	var problem string
	switch {
	case !bytes.Equal(e.computed, e.hash):
		problem = "content edited: the entry no longer matches its hash"
	case e.seq > c.next:
		problem = fmt.Sprintf("entries missing: %s before this one deleted", seqRange(c.next, e.seq-1))
	case e.seq < c.next || !bytes.Equal(e.prevHash, c.prev):
		problem = "inserted or reordered: the entry does not follow the one before it (previous hash differs)"
	default:
		return
	}
	c.broken = &pool.AuditChainBreak{TenantID: c.tenantID, EntryID: e.id, Seq: e.seq, At: e.at, Problem: problem}
}

// end checks the chain's tail against its head, records the chain's break in v
// and removes its head from heads. A nil chain (no entries read yet) does nothing.
func (c *auditChain) end(v *pool.AuditVerification, heads map[int64]auditHead) {
	if c == nil {
		return
	}
	v.Tenants++
	h, ok := heads[c.tenantID]
	delete(heads, c.tenantID)
	if c.broken == nil {
		switch {
		case !ok || h.seq < c.next-1:
			c.broken = &pool.AuditChainBreak{TenantID: c.tenantID, Seq: c.next - 1, Problem: "inserted: entries beyond the chain's head"}
		case h.seq >= c.next:
			c.broken = &pool.AuditChainBreak{TenantID: c.tenantID, Seq: c.next, Problem: fmt.Sprintf("entries missing: %s at the end deleted", seqRange(c.next, h.seq))}
		case !bytes.Equal(h.hash, c.prev):
			c.broken = &pool.AuditChainBreak{TenantID: c.tenantID, Seq: h.seq, Problem: "the last entry differs from the chain's head"}
		}
	}
	if c.broken != nil {
		v.Breaks = append(v.Breaks, *c.broken)
	} else if c.next > 1 {
		v.Heads = append(v.Heads, pool.AuditAnchor{TenantID: c.tenantID, Seq: c.next - 1, Hash: c.prev})
	}
}

func seqRange(from, to int64) string {
	if from == to {
		return fmt.Sprintf("entry #%d", from)
	}
	return fmt.Sprintf("entries #%d to #%d", from, to)
}
