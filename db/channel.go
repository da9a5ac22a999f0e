package db

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/serialpool/serialpool/pool"
)

const channelKeyPrefix = "spc_"

// channelColumns are what a read of a channel returns: never the key's hash nor
// the upstream secret (which the request role cannot even select, see
// migration 00010).
const channelColumns = `id, name, source, upstream_url, upstream_protocol, upstream_sending_system, upstream_receiving_system,
	upstream_secret_set AS upstream_credentials_set, created_at, key_rotated_at, revoked_at`

// SetUpstreamPolicy sets where channels' upstream URLs may point, checked when
// a channel's upstream is set; call it before serving. The zero policy allows
// public addresses only.
func (d *DB) SetUpstreamPolicy(p pool.UpstreamPolicy) { d.upstream = p }

// secretJSON is the stored form of upstream credentials; NULL when there are none.
func secretJSON(c pool.UpstreamCredentials) (*string, error) {
	if c.IsZero() {
		return nil, nil
	}
	b, err := json.Marshal(c)
	s := string(b)
	return &s, err
}

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
	if err := nc.Upstream.Validate(d.upstream); err != nil {
		return nil, "", err
	}
	secret, err := secretJSON(nc.Upstream.Credentials)
	if err != nil {
		return nil, "", err
	}
	key, err := newSecret(channelKeyPrefix)
	if err != nil {
		return nil, "", err
	}
	var rows []*pool.Channel
	err = d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		if err := tx.Raw(`INSERT INTO channels (tenant_id, source, name, key_hash, upstream_url, upstream_protocol,
				upstream_sending_system, upstream_receiving_system, upstream_secret)
			VALUES (?, ?, ?, ?, ?, coalesce(nullif(?, ''), 'JSON'), nullif(?, ''), nullif(?, ''), ?)
			RETURNING `+channelColumns, a.TenantID, nc.Source, nc.Name, hashKey(key), nc.Upstream.URL, nc.Upstream.Protocol,
			nc.Upstream.Systems.Sending, nc.Upstream.Systems.Receiving, secret).Scan(&rows).Error; err != nil {
			return err
		}
		return auditTx(ctx, gormTx{tx}, a, "channel.create", 0, 0, map[string]any{"channel": rows[0].ID, "name": nc.Name, "source": nc.Source,
			"upstreamUrl": nc.Upstream.URL, "upstreamProtocol": nc.Upstream.Protocol, "upstreamCredentials": !nc.Upstream.Credentials.IsZero()})
	})
	if pgCode(err) == uniqueViolation {
		return nil, "", &pool.Error{Code: pool.ECONFLICT, Field: "name", Message: fmt.Sprintf("a channel named %q exists already", nc.Name)}
	}
	if err != nil {
		return nil, "", wrap("create channel", err)
	}
	return rows[0], key, nil
}

// ChannelByKey implements pool.IntakeService.
func (d *DB) ChannelByKey(ctx context.Context, key string) (*pool.Channel, error) {
	var rows []pool.Channel
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT `+channelColumns+` FROM channels WHERE tenant_id = ? AND key_hash = ? AND revoked_at IS NULL`,
			a.TenantID, hashKey(key)).Scan(&rows).Error
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
	err := d.tenantTx(ctx, readTx, func(tx *gorm.DB, a pool.Actor) error {
		return tx.Raw(`SELECT `+channelColumns+` FROM channels WHERE tenant_id = ? ORDER BY name`, a.TenantID).Scan(&rows).Error
	})
	if err != nil {
		return nil, wrap("channels", err)
	}
	return rows, nil
}

// RotateChannelKey implements pool.IntakeService.
func (d *DB) RotateChannelKey(ctx context.Context, id int64) (*pool.Channel, string, error) {
	key, err := newSecret(channelKeyPrefix)
	if err != nil {
		return nil, "", err
	}
	c, err := d.changeChannel(ctx, id, "channel.rotate_key", nil,
		`key_hash = ?, key_rotated_at = now()`, hashKey(key))
	if err != nil {
		return nil, "", err
	}
	return c, key, nil
}

// RevokeChannel implements pool.IntakeService.
func (d *DB) RevokeChannel(ctx context.Context, id int64) (*pool.Channel, error) {
	return d.changeChannel(ctx, id, "channel.revoke", nil, `revoked_at = now()`)
}

// UpdateChannelUpstream implements pool.IntakeService.
func (d *DB) UpdateChannelUpstream(ctx context.Context, id int64, u pool.Upstream) (*pool.Channel, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	if err := u.Validate(d.upstream); err != nil {
		return nil, err
	}
	secret, err := secretJSON(u.Credentials)
	if err != nil {
		return nil, err
	}
	return d.changeChannel(ctx, id, "channel.upstream", map[string]any{"upstreamUrl": u.URL, "upstreamProtocol": u.Protocol,
		"upstreamCredentials": !u.Credentials.IsZero()},
		`upstream_url = ?, upstream_protocol = coalesce(nullif(?, ''), 'JSON'), upstream_sending_system = nullif(?, ''), upstream_receiving_system = nullif(?, ''),
		upstream_secret = ?`, u.URL, u.Protocol, u.Systems.Sending, u.Systems.Receiving, secret)
}

// channelChanges are the old and new values of a change of a channel. Its key
// and upstream credentials are secrets: a new key, and any setting of the
// upstream while credentials are or were stored, are recorded as changed.
func channelChanges(action string, was, now *pool.Channel) changes {
	c := changes{}
	c.field("upstreamUrl", was.UpstreamURL, now.UpstreamURL)
	c.field("upstreamProtocol", was.UpstreamProtocol, now.UpstreamProtocol)
	c.field("upstreamSendingSystem", was.UpstreamSendingSystem, now.UpstreamSendingSystem)
	c.field("upstreamReceivingSystem", was.UpstreamReceivingSystem, now.UpstreamReceivingSystem)
	c.field("revokedAt", was.RevokedAt, now.RevokedAt)
	c.field("keyRotatedAt", was.KeyRotatedAt, now.KeyRotatedAt)
	if _, rotated := c["keyRotatedAt"]; rotated {
		c.secret("key")
	}
	if action == "channel.upstream" && (was.UpstreamCredentialsSet || now.UpstreamCredentialsSet) {
		c.secret("upstreamCredentials")
	}
	return c
}

// changeChannel applies set to one of the caller's working channels and audits
// it; any other channel id, another tenant's included, is ENOTFOUND alike.
func (d *DB) changeChannel(ctx context.Context, id int64, action string, detail map[string]any, set string, args ...any) (*pool.Channel, error) {
	if _, err := pool.ActorWithRole(ctx, pool.RoleAdmin); err != nil {
		return nil, err
	}
	var rows []*pool.Channel
	err := d.tenantTx(ctx, writeTx, func(tx *gorm.DB, a pool.Actor) error {
		var before []*pool.Channel
		err := tx.Raw(`SELECT `+channelColumns+` FROM channels WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL FOR UPDATE`,
			id, a.TenantID).Scan(&before).Error
		if err != nil || len(before) == 0 {
			return err
		}
		err = tx.Raw(`UPDATE channels SET `+set+` WHERE id = ? AND tenant_id = ? AND revoked_at IS NULL RETURNING `+channelColumns,
			append(args, id, a.TenantID)...).Scan(&rows).Error
		if err != nil || len(rows) == 0 {
			return err
		}
		if detail == nil {
			detail = map[string]any{}
		}
		detail["channel"], detail["name"] = id, rows[0].Name
		detail["changes"] = channelChanges(action, before[0], rows[0])
		return auditTx(ctx, gormTx{tx}, a, action, 0, 0, detail)
	})
	if err != nil {
		return nil, wrap(action, err)
	}
	if len(rows) == 0 {
		return nil, &pool.Error{Code: pool.ENOTFOUND, Field: "id", Message: "no such channel, or it is revoked"}
	}
	return rows[0], nil
}
