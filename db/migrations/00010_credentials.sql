-- Credentials and their lifetime. API keys record when they were last used;
-- channel keys can be rotated and revoked; and an upstream's credentials become
-- a write-only secret kept apart from its URL, which every viewer reads.

-- +goose Up
ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
GRANT UPDATE (revoked_at) ON api_keys TO serialpool_app;

ALTER TABLE channels
  ADD COLUMN key_rotated_at timestamptz,
  ADD COLUMN revoked_at timestamptz,
  -- {"username", "password"} for HTTP Basic, or {"token"} for Bearer (pool.UpstreamCredentials).
  ADD COLUMN upstream_secret jsonb CHECK (jsonb_typeof(upstream_secret) = 'object'),
  -- Whether a secret is set, readable where the secret is not.
  ADD COLUMN upstream_secret_set boolean GENERATED ALWAYS AS (upstream_secret IS NOT NULL) STORED;

-- The secret is never readable by the role requests run as, whatever a query
-- asks: only the replenisher, running as the owner, reads it. Column privileges
-- replace the table-wide SELECT.
REVOKE SELECT ON channels FROM serialpool_app;
GRANT SELECT (id, tenant_id, source, name, key_hash, created_at, upstream_url, key_rotated_at, revoked_at, upstream_secret_set)
  ON channels TO serialpool_app;
GRANT UPDATE (key_hash, key_rotated_at, revoked_at, upstream_url, upstream_secret) ON channels TO serialpool_app;

-- Move credentials out of stored URLs: user:password@ becomes HTTP Basic (as
-- Go's client sent it), ?token= and ?access_token= (pool.URLCredentialParams)
-- the Bearer token (RFC 6750), the replenisher sending a token in preference
-- to Basic. Values are percent-decoded; in the query '+' is a space.
-- +goose StatementBegin
CREATE FUNCTION pg_temp.percent_decode(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(convert_from(string_agg(CASE WHEN m[1] IS NOT NULL THEN decode(substr(m[1], 2), 'hex')
                                               ELSE convert_to(m[2], 'UTF8') END, ''::bytea ORDER BY n), 'UTF8'), '')
  FROM regexp_matches(s, '(%[0-9A-Fa-f]{2})|([^%]+|%)', 'g') WITH ORDINALITY AS r(m, n)
$$;
-- +goose StatementEnd

WITH url AS (
  SELECT id,
    substring(upstream_url from '^https?://') AS scheme,
    substring(upstream_url from '^https?://([^/?#]*)') AS authority,
    substring(split_part(upstream_url, '#', 1) from '^https?://[^/?#]*([^?]*)') AS path,
    substring(split_part(upstream_url, '#', 1) from '\?(.*)$') AS query,
    substring(upstream_url from '#.*$') AS fragment
  FROM channels WHERE upstream_url IS NOT NULL
), parts AS (
  SELECT id, scheme, path, fragment,
    substring(authority from '^(.*)@') AS userinfo,
    regexp_replace(authority, '^.*@', '') AS host,
    (SELECT pg_temp.percent_decode(replace(substring(p from '=(.*)$'), '+', ' '))
       FROM unnest(string_to_array(query, '&')) WITH ORDINALITY AS q(p, n)
      WHERE lower(split_part(p, '=', 1)) IN ('token', 'access_token') ORDER BY n LIMIT 1) AS token,
    (SELECT string_agg(p, '&' ORDER BY n)
       FROM unnest(string_to_array(query, '&')) WITH ORDINALITY AS q(p, n)
      WHERE lower(split_part(p, '=', 1)) NOT IN ('token', 'access_token')) AS kept_query,
    query
  FROM url
), moved AS (
  SELECT id,
    scheme || host || path || coalesce('?' || nullif(kept_query, ''), '') || coalesce(fragment, '') AS upstream_url,
    jsonb_strip_nulls(jsonb_build_object(
      'username', nullif(pg_temp.percent_decode(split_part(userinfo, ':', 1)), ''),
      'password', nullif(pg_temp.percent_decode(substring(userinfo from ':(.*)$')), ''),
      'token', nullif(token, ''))) AS secret
  FROM parts
  WHERE userinfo IS NOT NULL OR kept_query IS DISTINCT FROM query
)
UPDATE channels c SET upstream_url = m.upstream_url, upstream_secret = nullif(m.secret, '{}')
FROM moved m WHERE c.id = m.id;

-- +goose Down
-- The secrets are dropped: credentials are not written back into URLs.
REVOKE UPDATE (key_hash, key_rotated_at, revoked_at, upstream_url, upstream_secret) ON channels FROM serialpool_app;
GRANT SELECT ON channels TO serialpool_app;
ALTER TABLE channels DROP COLUMN upstream_secret_set, DROP COLUMN upstream_secret, DROP COLUMN revoked_at, DROP COLUMN key_rotated_at;
REVOKE UPDATE (revoked_at) ON api_keys FROM serialpool_app;
ALTER TABLE api_keys DROP COLUMN last_used_at;
