import { describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  createClient,
  errorFromBody,
  ErrorCode,
  filenameFrom,
  intakePath,
  partnerCsvPath,
  RELEASE_SERIALS,
  requestCsvPath,
  uploadPath,
} from './api.js';
import { fakeFetch, fakeXhr } from './test-utils.jsx';

const refused = {
  errors: [
    {
      message: "2 of the batch's rows were rejected, nothing was stored",
      extensions: {
        code: 'BAD_USER_INPUT',
        field: 'serials',
        rows: [
          { row: 2, value: 'NOPE', code: 'not_found', reason: 'no such serial in your pool' },
          { row: 5, value: 'EXT1', code: 'external', reason: 'external serials can never be released' },
        ],
        total: 240,
      },
    },
  ],
};

describe('batch errors', () => {
  it('carry the refused rows and their total from extensions', () => {
    const error = errorFromBody(200, refused);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('serials');
    expect(error.rows.map((r) => r.value)).toEqual(['NOPE', 'EXT1']);
    expect(error.total).toBe(240);
    expect(errorFromBody(200, { data: {} })).toBeNull();
    // Without extensions.total the listed rows are all there is.
    expect(errorFromBody(400, { errors: [{ message: 'x', extensions: { code: 'CONFLICT', rows: [{ row: 1 }] } }] }).total).toBe(1);
  });

  it('reach the caller of a GraphQL mutation', async () => {
    const { fetch } = fakeFetch(() => ({ body: { ...refused, data: null } }));
    const client = createClient({ fetch, getCsrfToken: () => 'k' });
    const error = await client.request(RELEASE_SERIALS, { input: { productCode: 'P', serials: ['A'] } }).catch((e) => e);
    expect(error.rows).toHaveLength(2);
    expect(error.total).toBe(240);
  });
});

describe('REST paths', () => {
  it('escape codes, ids and keys', () => {
    expect(uploadPath('0401 2', 'SAP_ATTP')).toBe('/api/v2/products/0401%202/serials?source=SAP_ATTP');
    expect(intakePath('a/b')).toBe('/api/v2/intake/a%2Fb');
    expect(requestCsvPath('U2Vy=')).toBe('/api/v2/requests/U2Vy%3D/serials.csv');
    expect(partnerCsvPath('T2')).toBe('/api/v2/partners/T2/serials.csv');
    expect(partnerCsvPath('T2', '04012340051006')).toBe('/api/v2/partners/T2/serials.csv?productCode=04012340051006');
  });

  it('read the file name of Content-Disposition', () => {
    expect(filenameFrom('attachment; filename="request-1.csv"')).toBe('request-1.csv');
    expect(filenameFrom('attachment; filename=plain.csv')).toBe('plain.csv');
    expect(filenameFrom("attachment; filename*=UTF-8''caf%C3%A9.csv")).toBe('café.csv');
    expect(filenameFrom('inline')).toBeNull();
    expect(filenameFrom(null)).toBeNull();
  });
});

describe('client.get (REST)', () => {
  it('downloads a file with the API key and the suggested name', async () => {
    const fake = fakeFetch(() => ({
      text: 'serial\nA1\nA2\n',
      headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="request-7.csv"' },
    }));
    const client = createClient({ fetch: fake.fetch, getCsrfToken: () => 'sp_key' });
    const { blob, filename } = await client.get('/api/v2/requests/7/serials.csv', { as: 'blob' });
    expect(filename).toBe('request-7.csv');
    expect(await blob.text()).toBe('serial\nA1\nA2\n');
    expect(fake.calls[0]).toMatchObject({ op: 'GET /api/v2/requests/7/serials.csv' });
    expect(fake.calls[0].headers['X-CSRF-Token']).toBe('sp_key');
  });

  it('reads JSON, and turns error bodies into ApiErrors (signing out on UNAUTHENTICATED)', async () => {
    let answer = { body: { state: 'RUNNING', rowsRead: 12 } };
    const fake = fakeFetch(() => answer);
    const onUnauthenticated = vi.fn();
    const client = createClient({ fetch: fake.fetch, getCsrfToken: () => 'k', onUnauthenticated });
    expect(await client.get('/api/v2/intake/x')).toEqual({ state: 'RUNNING', rowsRead: 12 });

    answer = { status: 404, body: { errors: [{ message: 'no batch', extensions: { code: 'NOT_FOUND' } }] } };
    const missing = await client.get('/api/v2/intake/x').catch((e) => e);
    expect(missing.code).toBe(ErrorCode.NOT_FOUND);
    expect(onUnauthenticated).not.toHaveBeenCalled();

    answer = { status: 401, body: undefined };
    const gone = await client.get('/api/v2/intake/x').catch((e) => e);
    expect(gone.code).toBe(ErrorCode.UNAUTHENTICATED);
    expect(onUnauthenticated).toHaveBeenCalledOnce();
    await client.get('/api/v2/intake/x', { silentAuth: true }).catch(() => {});
    expect(onUnauthenticated).toHaveBeenCalledOnce();

    answer = { status: 500, text: '<html>', headers: {} };
    expect((await client.get('/x').catch((e) => e)).code).toBe(ErrorCode.HTTP);
  });
});

describe('client.upload (XHR)', () => {
  function setup() {
    const { XHR, instances } = fakeXhr();
    const onUnauthenticated = vi.fn();
    const client = createClient({ fetch: vi.fn(), XMLHttpRequest: XHR, getCsrfToken: () => 'sp_key', onUnauthenticated });
    return { client, instances, onUnauthenticated };
  }

  it('posts the body with the key and headers, reports progress, resolves with the JSON answer', async () => {
    const { client, instances } = setup();
    const progress = vi.fn();
    const file = new Blob(['serial\nA\nB\n']);
    const done = client.upload('/api/v2/products/P/serials?source=SAP_ATTP', file, {
      headers: { 'Content-Type': 'text/csv', 'Idempotency-Key': 'key-1' },
      onProgress: progress,
    });
    const xhr = instances[0];
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/v2/products/P/serials?source=SAP_ATTP');
    expect(xhr.headers).toMatchObject({ 'X-CSRF-Token': 'sp_key', 'Content-Type': 'text/csv', 'Idempotency-Key': 'key-1' });
    expect(xhr.body).toBe(file);
    xhr.progress(4, 11);
    expect(progress).toHaveBeenLastCalledWith(4, 11);
    xhr.respond(201, { batchId: 3, accepted: 2, source: 'SAP_ATTP', replayed: false });
    expect(progress).toHaveBeenLastCalledWith(11, 11); // upload finished
    expect(await done).toMatchObject({ accepted: 2, batchId: 3 });
  });

  it('rejects a refused batch with its rows, a lost connection with NETWORK, a cancel with AbortError', async () => {
    const { client, instances, onUnauthenticated } = setup();
    const refusedUpload = client.upload('/u', 'x');
    instances[0].respond(400, refused);
    const error = await refusedUpload.catch((e) => e);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.rows).toHaveLength(2);

    const lost = client.upload('/u', 'x');
    instances[1].fail();
    expect((await lost.catch((e) => e)).code).toBe(ErrorCode.NETWORK);

    const controller = new AbortController();
    const cancelled = client.upload('/u', 'x', { signal: controller.signal });
    controller.abort();
    expect(instances[2].aborted).toBe(true);
    expect((await cancelled.catch((e) => e)).name).toBe('AbortError');

    const unauth = client.upload('/u', 'x');
    instances[3].respond(401, { errors: [{ message: 'revoked', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect((await unauth.catch((e) => e)).unauthenticated).toBe(true);
    expect(onUnauthenticated).toHaveBeenCalledOnce();
  });
});
