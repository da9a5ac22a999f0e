// Package mixedload drives a serialpool server over HTTP the way many shop-floor
// and ERP clients do at once on one pool: requesting serials for orders,
// releasing them, assigning them to a CMO partner, the CMO requesting and
// releasing its share, new serials pushed in. It keeps a ledger of every serial
// handed out and given back, so that afterwards the pool can be checked against
// the database: no serial held by two clients, none lost, counters equal to
// COUNT(*). The concurrency test runs it for a fixed number of rounds; make soak
// runs it for minutes.
package mixedload

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/serialpool/serialpool/db"
	"github.com/serialpool/serialpool/gs1"
	"github.com/serialpool/serialpool/pool"
)

// Pool is the scene of a load: an MAH's product with a CMO partner, and one
// operator key per client.
type Pool struct {
	ProductCode string
	ProductID   int64
	Initial     int      // serials received before the load, "I0000000" on
	ToPartner   []string // of those, the ones assigned to the CMO before the load
	MAHKeys     []string // operator keys of the owner, one per MAH client
	CMOKeys     []string // operator keys of the CMO, one per CMO client
	Channel     string   // the product's SAP ATTP channel key, for pushes
	CMO         string   // the CMO's tenant id, as assignSerialsToPartner takes it
}

// Setup registers the scene in d, as the operator commands and an admin would:
// two tenants in a partnership, an SAP ATTP product holding initial serials (a
// tenth of them assigned to the CMO, the rest Available), its channel, and the
// clients' keys.
func Setup(ctx context.Context, d *db.DB, mahClients, cmoClients, initial int) (*Pool, error) {
	mah, err := d.CreateTenant(ctx, "Load MAH")
	if err != nil {
		return nil, err
	}
	cmo, err := d.CreateTenant(ctx, "Load CMO")
	if err != nil {
		return nil, err
	}
	admin, err := actor(ctx, d, mah, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cmoAdmin, err := actor(ctx, d, cmo, pool.RoleAdmin)
	if err != nil {
		return nil, err
	}
	inv, err := d.CreatePartnerInvitation(cmoAdmin)
	if err != nil {
		return nil, err
	}
	if _, err := d.CreatePartnership(admin, inv.Code); err != nil {
		return nil, err
	}
	check, err := gs1.CheckDigit("0409999000001")
	if err != nil {
		return nil, err
	}
	p, err := d.CreateProduct(admin, pool.NewProduct{Code: "0409999000001" + string(check), CodeSchema: pool.GTIN,
		Name: "Load test product", Source: pool.SourceSAPATTP})
	if err != nil {
		return nil, err
	}
	_, channel, err := d.CreateChannel(admin, pool.NewChannel{Name: "load", Source: pool.SourceSAPATTP})
	if err != nil {
		return nil, err
	}
	if _, err := d.Receive(admin, pool.Intake{ProductCode: p.Code, Source: pool.SourceSAPATTP,
		Rows: &numbered{prefix: "I", n: initial}}); err != nil {
		return nil, err
	}
	s := &Pool{ProductCode: p.Code, ProductID: p.ID, Initial: initial, Channel: channel, CMO: strconv.FormatInt(cmo, 10)}
	req, err := d.AssignToPartner(admin, pool.Assignment{ProductCode: p.Code, Partner: cmo, Count: initial / 10})
	if err != nil {
		return nil, err
	}
	if err := d.EachRequestSerial(admin, req.ID, func(value string, _ map[string]string) error {
		s.ToPartner = append(s.ToPartner, value)
		return nil
	}); err != nil {
		return nil, err
	}
	for i := 0; i < mahClients+cmoClients; i++ {
		tenant, keys := mah, &s.MAHKeys
		if i >= mahClients {
			tenant, keys = cmo, &s.CMOKeys
		}
		key, err := d.CreateKey(ctx, tenant, pool.RoleOperator)
		if err != nil {
			return nil, err
		}
		*keys = append(*keys, key)
	}
	return s, nil
}

func actor(ctx context.Context, d *db.DB, tenant int64, role pool.Role) (context.Context, error) {
	key, err := d.CreateKey(ctx, tenant, role)
	if err != nil {
		return nil, err
	}
	a, err := d.Authenticate(ctx, key)
	if err != nil {
		return nil, err
	}
	return pool.WithActor(ctx, a), nil
}

// numbered streams n serials prefix0000000, prefix0000001, ...
type numbered struct {
	prefix string
	i, n   int
}

func (r *numbered) Next() (pool.SerialInput, error) {
	if r.i == r.n {
		return pool.SerialInput{}, io.EOF
	}
	r.i++
	return pool.SerialInput{Value: fmt.Sprintf("%s%07d", r.prefix, r.i-1)}, nil
}
