package db

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

const channelKeyPrefix = "spc_"

// CreateChannel implements pool.IntakeService.
func (d *DB) CreateChannel(ctx context.Context, nc pool.NewChannel) (*pool.Channel, string, error) {
	_, err := pool.ActorWithRole(ctx, pool.RoleAdmin)
	if err != nil {
		return nil, "", err
	}
	nc.Name = strings.TrimSpace(nc.Name)
	if nc.Name == "" || len(nc.Name) > 200 {
		return nil, "", pool.Invalid("name", "name must be 1 to 200 characters")
	}
	switch nc.Source {
	case pool.SourceSAPATTP, pool.SourceSAPICH, pool.SourceTraceLink, pool.SourceExternal:
	default:
		return nil, "", pool.Invalid("source", "a channel's source is SAP_ATTP, SAP_ICH, TRACELINK or EXTERNAL, not %s", nc.Source)
	}
	key, err := newSecret(channelKeyPrefix)
	if err != nil {
		return nil, "", err
	}
	if u := nc.UpstreamURL; u != nil && !strings.HasPrefix(*u, "http://") && !strings.HasPrefix(*u, "https://") {
		return nil, "", pool.Invalid("upstreamUrl", "upstreamUrl must be an http or https URL")
	}
	c := &pool.Channel{Name: nc.Name, Source: nc.Source, UpstreamURL: nc.UpstreamURL}
	err = d.tenantTx(ctx, false, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`INSERT INTO channels (tenant_id, source, name, key_hash, upstream_url) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			a.TenantID, nc.Source, nc.Name, hashKey(key), nc.UpstreamURL).Scan(&c.ID).Error; err != nil {
			return err
		}
		return audit(tx, a, "channel.create", nil, nil, map[string]any{"channel": c.ID, "name": c.Name, "source": c.Source})
	})
	if pgCode(err) == uniqueViolation {
		return nil, "", &pool.Error{Code: pool.ECONFLICT, Field: "name", Message: fmt.Sprintf("a channel named %q exists already", nc.Name)}
	}
	if err != nil {
		return nil, "", wrap("create channel", err)
	}
	return c, key, nil
}

// ChannelByKey implements pool.IntakeService.
func (d *DB) ChannelByKey(ctx context.Context, key string) (*pool.Channel, error) {
	var rows []pool.Channel
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT id, name, source, upstream_url FROM channels WHERE tenant_id = ? AND key_hash = ?`, a.TenantID, hashKey(key)).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("channel", err)
	}
	if len(rows) == 0 {
		return nil, pool.Errorf(pool.EUNAUTHENTICATED, "unknown channel key for this tenant: send X-Channel-Key")
	}
	return &rows[0], nil
}

// Channels implements pool.IntakeService.
func (d *DB) Channels(ctx context.Context) ([]*pool.Channel, error) {
	rows := []*pool.Channel{}
	err := d.tenantTx(ctx, true, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT id, name, source, upstream_url FROM channels WHERE tenant_id = ? ORDER BY name`, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("channels", err)
	}
	return rows, nil
}
