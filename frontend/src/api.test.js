import { describe, expect, it, vi } from 'vitest';
import { ApiError, createClient, ErrorCode, VIEWER_QUERY } from './api.js';
import { fakeFetch } from './test-utils.jsx';

const viewer = { tenant: { id: 't1', name: 'Demo Pharma' }, role: 'ADMIN' };

describe('createClient', () => {
  it('posts the query and variables with the session CSRF token and returns data', async () => {
    const { fetch, calls } = fakeFetch(() => ({ body: { data: { viewer } } }));
    const client = createClient({ fetch, getCsrfToken: () => 'sp_key_123' });
    const data = await client.request(VIEWER_QUERY, { a: 1 });
    expect(data).toEqual({ viewer });
    expect(calls).toHaveLength(1);
    expect(calls[0].op).toBe('Viewer');
    expect(calls[0].variables).toEqual({ a: 1 });
    expect(calls[0].headers['X-CSRF-Token']).toBe('sp_key_123');
    expect(calls[0].headers.Authorization).toBeUndefined(); // the cookie authenticates
    expect(calls[0].headers['Content-Type']).toBe('application/json');
  });

  it('posts to /graphql by default', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ data: { viewer } })));
    await createClient({ fetch, getCsrfToken: () => 'k' }).request(VIEWER_QUERY);
    expect(fetch).toHaveBeenCalledWith('/graphql', expect.objectContaining({ method: 'POST' }));
  });

  it('sends the current token, and none when there is none', async () => {
    const { fetch, calls } = fakeFetch(() => ({ body: { data: { viewer } } }));
    /** @type {string | null} */
    let token = 'first';
    const client = createClient({ fetch, getCsrfToken: () => token });
    await client.request(VIEWER_QUERY);
    token = null;
    await client.request(VIEWER_QUERY);
    expect(calls[0].headers['X-CSRF-Token']).toBe('first');
    expect(calls[1].headers['X-CSRF-Token']).toBeUndefined();
  });

  it('turns a GraphQL error into an ApiError with extensions.code and field', async () => {
    const { fetch } = fakeFetch(() => ({
      body: {
        errors: [
          { message: 'name must be 1 to 200 characters', extensions: { code: 'BAD_USER_INPUT', field: 'name' } },
        ],
        data: null,
      },
    }));
    const onUnauthenticated = vi.fn();
    const client = createClient({ fetch, getCsrfToken: () => 'k', onUnauthenticated });
    const error = await client.request(VIEWER_QUERY).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(ErrorCode.BAD_USER_INPUT);
    expect(error.field).toBe('name');
    expect(error.message).toBe('name must be 1 to 200 characters');
    expect(error.unauthenticated).toBe(false);
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it('reports UNAUTHENTICATED (HTTP 401 with GraphQL errors) to onUnauthenticated', async () => {
    const { fetch } = fakeFetch(() => ({
      status: 401,
      body: { errors: [{ message: 'unknown API key', extensions: { code: 'UNAUTHENTICATED' } }] },
    }));
    const onUnauthenticated = vi.fn();
    const client = createClient({ fetch, getCsrfToken: () => 'bad', onUnauthenticated });
    const error = await client.request(VIEWER_QUERY).catch((e) => e);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.status).toBe(401);
    expect(error.message).toBe('unknown API key');
    expect(onUnauthenticated).toHaveBeenCalledTimes(1);
    expect(onUnauthenticated).toHaveBeenCalledWith(error);
  });

  it('prefers UNAUTHENTICATED when several errors come back', async () => {
    const { fetch } = fakeFetch(() => ({
      body: {
        errors: [
          { message: 'boom', extensions: { code: 'INTERNAL' } },
          { message: 'key revoked', extensions: { code: 'UNAUTHENTICATED' } },
        ],
      },
    }));
    const onUnauthenticated = vi.fn();
    const error = await createClient({ fetch, getCsrfToken: () => 'k', onUnauthenticated })
      .request(VIEWER_QUERY)
      .catch((e) => e);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });

  it('treats a bare HTTP 401 as UNAUTHENTICATED', async () => {
    const fetch = vi.fn(async () => new Response('Unauthorized', { status: 401 }));
    const onUnauthenticated = vi.fn();
    const error = await createClient({ fetch, getCsrfToken: () => 'k', onUnauthenticated })
      .request(VIEWER_QUERY)
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });

  it('does not sign out on silentAuth requests (sign-in validation)', async () => {
    const { fetch } = fakeFetch(() => ({
      status: 401,
      body: { errors: [{ message: 'unknown API key', extensions: { code: 'UNAUTHENTICATED' } }] },
    }));
    const onUnauthenticated = vi.fn();
    const client = createClient({ fetch, getCsrfToken: () => null, onUnauthenticated });
    const error = await client.request(VIEWER_QUERY, {}, { silentAuth: true }).catch((e) => e);
    expect(error.unauthenticated).toBe(true);
    expect(onUnauthenticated).not.toHaveBeenCalled();
  });

  it('reports other HTTP failures and unreadable answers', async () => {
    const client = (response) => createClient({ fetch: async () => response, getCsrfToken: () => 'k' });
    const e500 = await client(new Response('<html>oops</html>', { status: 502 })).request(VIEWER_QUERY).catch((e) => e);
    expect(e500.code).toBe(ErrorCode.HTTP);
    expect(e500.status).toBe(502);
    expect(e500.message).toContain('502');

    const eJunk = await client(new Response('not json', { status: 200 })).request(VIEWER_QUERY).catch((e) => e);
    expect(eJunk.code).toBe(ErrorCode.NETWORK);
  });

  it('maps a network failure to NETWORK and lets aborts through untouched', async () => {
    const down = createClient({ fetch: async () => Promise.reject(new TypeError('Failed to fetch')), getCsrfToken: () => 'k' });
    const error = await down.request(VIEWER_QUERY).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe(ErrorCode.NETWORK);

    const controller = new AbortController();
    controller.abort();
    const { fetch } = fakeFetch(() => ({ body: { data: { viewer } } }));
    const aborted = await createClient({ fetch, getCsrfToken: () => 'k' })
      .request(VIEWER_QUERY, {}, { signal: controller.signal })
      .catch((e) => e);
    expect(aborted).not.toBeInstanceOf(ApiError);
    expect(aborted.name).toBe('AbortError');
  });
});
