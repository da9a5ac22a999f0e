package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// DemoKeys are the API keys printed by `serialpool seed-demo`.
type DemoKeys struct {
	MAHAdmin    string `json:"mah_admin"`
	MAHOperator string `json:"mah_operator"`
	MAHViewer   string `json:"mah_viewer"`
	CMOAdmin    string `json:"cmo_admin"`
}

const (
	demoMAH = "Demo Pharma"
	demoCMO = "Demo Contract Manufacturing"
)

type demoProduct struct {
	name     string
	schema   pool.CodeSchema
	source   pool.Source
	serials  int
	assigned int // percent of serials already assigned
	toCMO    int // serials assigned to the CMO partner
	low      int // low threshold
}

// demoProducts covers every code schema and source (PARTNER through the CMO's view).
var demoProducts = []demoProduct{
	{"Amoxicillin 500 mg capsules", pool.GTIN, pool.SourceSNM, 60000, 30, 8000, 1000},
	{"Ibuprofen 400 mg tablets", pool.GTIN, pool.SourceSAPATTP, 50000, 20, 5000, 1000},
	{"Paracetamol 500 mg tablets", pool.NTIN, pool.SourceSAPICH, 40000, 45, 0, 1000},
	{"Metformin 850 mg tablets", pool.PPN, pool.SourceTraceLink, 30000, 10, 0, 1000},
	{"Atorvastatin 20 mg tablets", pool.NDC, pool.SourceExternal, 25000, 100, 0, 0},
	{"Omeprazole 20 mg capsules", pool.GTIN, pool.SourceSNM, 45000, 60, 3000, 1000},
	{"Insulin glargine 100 U/ml pen", pool.GTIN, pool.SourceTraceLink, 20000, 35, 0, 1000},
	{"Salbutamol 100 mcg inhaler", pool.GTIN, pool.SourceSAPATTP, 35000, 50, 0, 1000},
	{"Levothyroxine 50 mcg tablets", pool.PPN, pool.SourceSNM, 30000, 25, 0, 1000},
	{"Amlodipine 5 mg tablets", pool.NTIN, pool.SourceSAPICH, 25000, 40, 0, 1000},
	{"Enoxaparin 40 mg syringe", pool.NDC, pool.SourceSNM, 15000, 70, 0, 1000},
	{"Lisinopril 10 mg tablets", pool.GTIN, pool.SourceSNM, 1200, 80, 0, 1000},
}

// SeedDemo creates the demo data set on first use (an MAH and a CMO in a
// partnership, products across all code schemas and sources, a few hundred
// thousand serials in mixed statuses, some assigned to the CMO) and issues new
// demo keys on every call.
func (d *DB) SeedDemo(ctx context.Context) (DemoKeys, error) {
	var mah, cmo int64
	err := d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Serialise concurrent seeders; the lock ends with the transaction.
		if err := tx.Exec(`SELECT pg_advisory_xact_lock(hashtext('serialpool.seed-demo'))`).Error; err != nil {
			return err
		}
		err := tx.Raw(`SELECT id FROM tenants WHERE name = ? ORDER BY id LIMIT 1`, demoMAH).Take(&mah).Error
		if err == nil {
			return tx.Raw(`SELECT cmo_tenant_id FROM partnerships WHERE mah_tenant_id = ? ORDER BY id LIMIT 1`, mah).Take(&cmo).Error
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		mah, cmo, err = seedDemoData(tx)
		return err
	})
	if err != nil {
		return DemoKeys{}, fmt.Errorf("db: seed demo: %w", err)
	}
	var keys DemoKeys
	for _, k := range []struct {
		dst    *string
		tenant int64
		role   pool.Role
	}{
		{&keys.MAHAdmin, mah, pool.RoleAdmin},
		{&keys.MAHOperator, mah, pool.RoleOperator},
		{&keys.MAHViewer, mah, pool.RoleViewer},
		{&keys.CMOAdmin, cmo, pool.RoleAdmin},
	} {
		if *k.dst, err = d.CreateKey(ctx, k.tenant, k.role); err != nil {
			return DemoKeys{}, err
		}
	}
	return keys, nil
}

func seedDemoData(tx *gorm.DB) (mah, cmo int64, err error) {
	if err = tx.Raw(`INSERT INTO tenants (name) VALUES (?) RETURNING id`, demoMAH).Scan(&mah).Error; err != nil {
		return
	}
	if err = tx.Raw(`INSERT INTO tenants (name) VALUES (?) RETURNING id`, demoCMO).Scan(&cmo).Error; err != nil {
		return
	}
	if err = tx.Exec(`INSERT INTO partnerships (mah_tenant_id, cmo_tenant_id) VALUES (?, ?)`, mah, cmo).Error; err != nil {
		return
	}
	for i, p := range demoProducts {
		code, cerr := demoCode(p.schema, i)
		if cerr != nil {
			return 0, 0, cerr
		}
		var id int64
		if err = tx.Raw(`INSERT INTO products (tenant_id, code, code_schema, name, source, low_threshold)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, mah, code, p.schema, p.name, p.source, p.low).Scan(&id).Error; err != nil {
			return
		}
		// Distinct 10-character serials: an odd multiplier is a bijection modulo 2^40,
		// so the values look random but never collide.
		err = tx.Exec(`INSERT INTO serials (product_id, tenant_id, status, source, value, received_at, assigned_at, extra)
			SELECT @id, @mah, s.status::serial_status, @source, upper(lpad(to_hex((g * 2654435761 + @salt) % 1099511627776), 10, '0')),
			       now() - make_interval(secs => (@n - g) * 30),
			       CASE WHEN s.status = 'ASSIGNED' THEN now() - make_interval(secs => (@n - g) * 30 / 2) END,
			       CASE WHEN @source = 'TRACELINK' THEN jsonb_build_object('91', 'K' || lpad((g % 1000)::text, 3, '0'),
			            '92', rpad(encode(sha256(g::text::bytea), 'base64'), 44, '=')) END
			FROM generate_series(1, @n) g,
			     LATERAL (SELECT CASE WHEN g % 100 < @pct THEN 'ASSIGNED' ELSE 'AVAILABLE' END) s(status)`,
			map[string]any{"id": id, "mah": mah, "source": string(p.source), "salt": int64(i) * 7919, "n": p.serials, "pct": p.assigned}).Error
		if err != nil {
			return
		}
		if p.toCMO > 0 {
			// A quarter of what the CMO received it has already used.
			err = tx.Exec(`UPDATE serials SET status = 'ASSIGNED', assigned_at = now(), partner_tenant_id = @cmo,
				partner_status = CASE WHEN id % 4 = 0 THEN 'ASSIGNED'::serial_status ELSE 'AVAILABLE' END
				WHERE product_id = @id AND id IN (
					SELECT id FROM serials WHERE product_id = @id AND status = 'AVAILABLE' ORDER BY id LIMIT @n)`,
				map[string]any{"cmo": cmo, "id": id, "n": p.toCMO}).Error
			if err != nil {
				return
			}
		}
	}
	for _, t := range []int64{mah, cmo} {
		if err = tx.Exec(`INSERT INTO audit_log (tenant_id, actor, action) VALUES (?, 'seed-demo', 'demo.seed')`, t).Error; err != nil {
			return
		}
	}
	return mah, cmo, nil
}

// demoCode builds the i-th valid demo product code of a schema.
func demoCode(schema pool.CodeSchema, i int) (string, error) {
	withCheck := func(body string) (string, error) {
		c, err := gs1.CheckDigit(body)
		return body + string(c), err
	}
	switch schema {
	case pool.GTIN:
		return withCheck(fmt.Sprintf("0401234%06d", 5100+i))
	case pool.NTIN:
		return withCheck(fmt.Sprintf("0415099%06d", 200+i))
	case pool.NDC:
		return withCheck(fmt.Sprintf("003%05d%05d", 12345, 100+i))
	case pool.PPN:
		for body := 1234560 + i*100; ; body++ {
			for c := '0'; c <= '9'; c++ {
				pzn := fmt.Sprintf("%07d%c", body, c)
				if gs1.ValidPZN(pzn) == nil {
					return gs1.PPNFromPZN(pzn)
				}
			}
		}
	}
	return "", fmt.Errorf("no demo code for schema %s", schema)
}

// DemoUser is a demo person's sign-in, as `serialpool seed-demo` prints it.
type DemoUser struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// DemoUsers are the demo people by their role in the demo, e.g. "mah_admin".
type DemoUsers map[string]DemoUser

// demoPeople are the demo data set's people: by their role in the demo, the
// tenant (the MAH or the CMO), their role and name.
var demoPeople = []struct {
	key, email, name string
	cmo              bool
	role             pool.Role
}{
	{"mah_admin", "admin@demo-pharma.example", "Anna Admin", false, pool.RoleAdmin},
	{"mah_operator", "operator@demo-pharma.example", "Otto Operator", false, pool.RoleOperator},
	{"mah_viewer", "viewer@demo-pharma.example", "Vera Viewer", false, pool.RoleViewer},
	{"cmo_admin", "admin@demo-cmo.example", "Carl CMO-Admin", true, pool.RoleAdmin},
	{"cmo_operator", "operator@demo-cmo.example", "Olga CMO-Operator", true, pool.RoleOperator},
}

// SeedDemoUsers creates the demo people once (after SeedDemo) and gives them
// new random passwords on every call, as SeedDemo issues new keys, so that
// what it prints works whatever an earlier run printed. It runs as the
// connecting role, audited as the cli.
func (d *DB) SeedDemoUsers(ctx context.Context) (DemoUsers, error) {
	users := DemoUsers{}
	err := d.systemTx(ctx, func(tx pgx.Tx) error {
		var mah, cmo int64
		if err := tx.QueryRow(ctx, `SELECT t.id, p.cmo_tenant_id FROM tenants t JOIN partnerships p ON p.mah_tenant_id = t.id
			WHERE t.name = $1 ORDER BY t.id, p.id LIMIT 1`, demoMAH).Scan(&mah, &cmo); err != nil {
			return fmt.Errorf("the demo tenants (seed-demo first): %w", err)
		}
		for _, p := range demoPeople {
			tenant := mah
			if p.cmo {
				tenant = cmo
			}
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM users WHERE lower(email) = lower($1))`, p.email).Scan(&exists); err != nil {
				return err
			}
			if !exists {
				if _, err := insertUser(ctx, tx, pool.Actor{TenantID: tenant, System: "cli"}, pool.NewUser{TenantID: tenant, Email: p.email, Name: p.name, Role: p.role}, nil); err != nil {
					return err
				}
			}
			password, err := newSecret("")
			if err != nil {
				return err
			}
			password = password[:20]
			hash, err := pool.HashPassword(password)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = $2, failures = 0, failures_since = NULL, disabled_at = NULL
				WHERE lower(email) = lower($1)`, p.email, hash); err != nil {
				return err
			}
			users[p.key] = DemoUser{Email: p.email, Password: password}
		}
		return nil
	})
	return users, wrap("seed demo users", err)
}
