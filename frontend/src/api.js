// @ts-check
/**
 * The GraphQL client of the SPA: one POST to /graphql per request, with the API key as a
 * bearer token. Every failure becomes an {@link ApiError} carrying the server's
 * `extensions.code`, so callers can tell "sign in again" (UNAUTHENTICATED) from everything
 * else. This is the only module that talks to the server over HTTP; live.js holds the
 * WebSocket of the live pool counts.
 */

/** Error codes the server sends in `extensions.code` (see schema/schema.graphqls), plus two of ours. */
export const ErrorCode = Object.freeze({
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  INSUFFICIENT_SERIALS: 'INSUFFICIENT_SERIALS',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  RATE_LIMITED: 'RATE_LIMITED',
  /** The database is out of reach for a moment: retry. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
  /** A significant action sent without its electronic signature. */
  SIGNATURE_REQUIRED: 'SIGNATURE_REQUIRED',
  /** The signature's password is wrong. */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** Ours: the request never got a usable answer (offline, proxy error page, bad JSON). */
  NETWORK: 'NETWORK',
  /** Ours: an HTTP error status without GraphQL errors in the body. */
  HTTP: 'HTTP',
});

/**
 * One refused row of a batch (`extensions.rows` of a rejected intake or release).
 * @typedef {{row: number, value: string, code: string, reason: string}} RowError
 */

export class ApiError extends Error {
  /**
   * @param {string} message human-readable message (from the server when it sent one)
   * @param {{code?: string, field?: string, status?: number, errors?: unknown[],
   *   rows?: RowError[], total?: number}} [details]
   */
  constructor(message, details = {}) {
    super(message);
    this.name = 'ApiError';
    /** @type {string} */
    this.code = details.code || ErrorCode.INTERNAL;
    /** @type {string | undefined} */
    this.field = details.field;
    /** @type {number | undefined} */
    this.status = details.status;
    /** @type {unknown[]} */
    this.errors = details.errors || [];
    /** The refused rows a batch error names (the server sends the first 100). @type {RowError[]} */
    this.rows = details.rows || [];
    /** How many rows were refused in all (can exceed rows.length). @type {number} */
    this.total = details.total ?? this.rows.length;
  }

  /** True when the key is missing, unknown or revoked: the user must sign in again. */
  get unauthenticated() {
    return this.code === ErrorCode.UNAUTHENTICATED;
  }
}

/**
 * @typedef {object} ClientOptions
 * @property {string} [url] GraphQL endpoint, default "/graphql" (same origin as the SPA)
 * @property {() => (string | null | undefined)} getCsrfToken returns the CSRF token of the
 *   signed-in session (GET /auth/session); the session cookie itself authenticates
 * @property {(error: ApiError) => void} [onUnauthenticated] called once per request that
 *   fails with UNAUTHENTICATED (the app signs the user out)
 * @property {typeof fetch} [fetch] injectable for tests
 * @property {typeof XMLHttpRequest} [XMLHttpRequest] injectable for tests (uploads)
 */

/**
 * @typedef {object} RequestOptions
 * @property {AbortSignal} [signal] aborts the request; the promise then rejects with the
 *   fetch AbortError (not an ApiError), which callers ignore
 * @property {boolean} [silentAuth] do not call onUnauthenticated (sign-in validation)
 */

/**
 * @param {ClientOptions} options
 */
export function createClient(options) {
  const url = options.url || '/graphql';
  const doFetch = options.fetch || ((input, init) => globalThis.fetch(input, init));

  /**
   * Runs one query or mutation and returns its `data`.
   * @template [T=any]
   * @param {string} query
   * @param {Record<string, unknown>} [variables]
   * @param {RequestOptions} [requestOptions]
   * @returns {Promise<T>}
   */
  async function request(query, variables = {}, requestOptions = {}) {
    const token = options.getCsrfToken();
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers['X-CSRF-Token'] = token;

    try {
      return await send(query, variables, headers, requestOptions.signal);
    } catch (error) {
      if (error instanceof ApiError && error.unauthenticated && !requestOptions.silentAuth) {
        options.onUnauthenticated?.(error);
      }
      throw error;
    }
  }

  /**
   * @param {string} query
   * @param {Record<string, unknown>} variables
   * @param {Record<string, string>} headers
   * @param {AbortSignal | undefined} signal
   */
  async function send(query, variables, headers, signal) {
    /** @type {Response} */
    let response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query, variables }),
        signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError('The server could not be reached. Check your connection and try again.', {
        code: ErrorCode.NETWORK,
      });
    }

    /** @type {any} */
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      if (isAbort(error)) throw error;
      body = null;
    }

    const error = errorFromBody(response.status, body);
    if (error) throw error;
    if (response.status === 401) {
      throw new ApiError('You are not signed in, or your session has ended.', {
        code: ErrorCode.UNAUTHENTICATED,
        status: 401,
      });
    }
    if (!response.ok) {
      throw new ApiError(`The server answered with HTTP ${response.status}.`, {
        code: ErrorCode.HTTP,
        status: response.status,
      });
    }
    if (!body || typeof body !== 'object' || !('data' in body) || body.data == null) {
      throw new ApiError('The server sent an answer that could not be read.', {
        code: ErrorCode.NETWORK,
        status: response.status,
      });
    }
    return body.data;
  }

  // ---- REST (Manufacturer API v2) -----------------------------------------------------

  /** @param {RequestOptions} [requestOptions] */
  function authHeaders(requestOptions = {}) {
    const token = options.getCsrfToken();
    /** @type {Record<string, string>} */
    const headers = {};
    if (token) headers['X-CSRF-Token'] = token;
    return headers;
  }

  /** @param {unknown} error */
  function reportAuth(error) {
    if (error instanceof ApiError && error.unauthenticated) options.onUnauthenticated?.(error);
  }

  /**
   * GET of a REST resource. With `as: 'json'` returns the parsed body, with `as: 'blob'`
   * the body and the file name the server suggests (Content-Disposition).
   * @param {string} path e.g. /api/v2/intake/KEY
   * @param {RequestOptions & {as?: 'json' | 'blob'}} [requestOptions]
   * @returns {Promise<any>}
   */
  async function get(path, requestOptions = {}) {
    /** @type {Response} */
    let response;
    try {
      response = await doFetch(path, {
        method: 'GET',
        headers: { ...authHeaders(requestOptions), Accept: requestOptions.as === 'blob' ? '*/*' : 'application/json' },
        signal: requestOptions.signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError('The server could not be reached. Check your connection and try again.', {
        code: ErrorCode.NETWORK,
      });
    }
    try {
      if (!response.ok) {
        /** @type {any} */
        let body = null;
        try {
          body = await response.json();
        } catch (error) {
          if (isAbort(error)) throw error;
        }
        throw errorFromBody(response.status, body) || httpError(response.status);
      }
      if (requestOptions.as === 'blob') {
        const blob = await response.blob();
        return { blob, filename: filenameFrom(response.headers.get('Content-Disposition')) };
      }
      try {
        return await response.json();
      } catch (error) {
        if (isAbort(error)) throw error;
        throw new ApiError('The server sent an answer that could not be read.', {
          code: ErrorCode.NETWORK,
          status: response.status,
        });
      }
    } catch (error) {
      if (!requestOptions.silentAuth) reportAuth(error);
      throw error;
    }
  }

  /**
   * POSTs a body with XMLHttpRequest, the one browser API that reports upload progress.
   * Resolves with the parsed JSON answer; rejects with an ApiError (or an AbortError).
   * @param {string} path
   * @param {Blob | string} body
   * @param {{headers?: Record<string, string>, signal?: AbortSignal,
   *   onProgress?: (loaded: number, total: number) => void}} [uploadOptions]
   * @returns {Promise<any>}
   */
  function upload(path, body, uploadOptions = {}) {
    const XHR = options.XMLHttpRequest || globalThis.XMLHttpRequest;
    return new Promise((resolve, reject) => {
      const xhr = new XHR();
      xhr.open('POST', path);
      const headers = { ...authHeaders(), Accept: 'application/json', ...uploadOptions.headers };
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      const total = typeof body === 'string' ? new Blob([body]).size : body.size;
      xhr.upload.onprogress = (event) => {
        uploadOptions.onProgress?.(event.loaded, event.lengthComputable ? event.total : total);
      };
      xhr.upload.onload = () => uploadOptions.onProgress?.(total, total);
      xhr.onload = () => {
        /** @type {any} */
        let parsed = null;
        try {
          parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
        } catch {
          parsed = null;
        }
        const error = errorFromBody(xhr.status, parsed) || (xhr.status >= 400 ? httpError(xhr.status) : null);
        if (error) {
          reportAuth(error);
          reject(error);
        } else if (!parsed || typeof parsed !== 'object') {
          reject(new ApiError('The server sent an answer that could not be read.', { code: ErrorCode.NETWORK, status: xhr.status }));
        } else {
          resolve(parsed);
        }
      };
      xhr.onerror = () =>
        reject(new ApiError('The upload did not reach the server. Check your connection and try again.', { code: ErrorCode.NETWORK }));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      if (uploadOptions.signal) {
        if (uploadOptions.signal.aborted) {
          reject(new DOMException('The upload was cancelled.', 'AbortError'));
          return;
        }
        uploadOptions.signal.addEventListener('abort', () => xhr.abort(), { once: true });
      }
      xhr.send(body);
    });
  }

  /** The session's CSRF token: whether (and as whom) the WebSocket of live counts (live.js) opens. */
  const key = () => options.getCsrfToken() || null;

  return { request, get, upload, key };
}

/** @typedef {ReturnType<typeof createClient>} Client */

/**
 * The ApiError of a GraphQL or REST error body (`{errors: [{message, extensions}]}`), or
 * null when the body has no errors.
 * @param {number} status
 * @param {any} body
 * @returns {ApiError | null}
 */
export function errorFromBody(status, body) {
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  if (errors.length === 0) return null;
  // UNAUTHENTICATED wins over whatever else came back: the session is over.
  const first = errors.find((/** @type {any} */ e) => e?.extensions?.code === ErrorCode.UNAUTHENTICATED) || errors[0];
  const ext = first?.extensions || {};
  const code = ext.code || (status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.INTERNAL);
  return new ApiError(String(first?.message || 'The request failed.'), {
    code,
    field: ext.field,
    status,
    errors,
    rows: Array.isArray(ext.rows) ? ext.rows : undefined,
    total: typeof ext.total === 'number' ? ext.total : undefined,
  });
}

/** @param {number} status */
function httpError(status) {
  if (status === 401) {
    return new ApiError('You are not signed in, or your session has ended.', { code: ErrorCode.UNAUTHENTICATED, status });
  }
  return new ApiError(`The server answered with HTTP ${status}.`, { code: ErrorCode.HTTP, status });
}

/**
 * The file name of a Content-Disposition header (`attachment; filename="x.csv"`).
 * @param {string | null} header
 */
export function filenameFrom(header) {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  if (!plain) return null;
  return (plain[2] ?? plain[1]).trim() || null;
}

/** @param {unknown} error */
export function isAbort(error) {
  return (
    typeof error === 'object' &&
    error !== null &&
    /** @type {{name?: string}} */ (error).name === 'AbortError'
  );
}

/**
 * A fresh idempotency key for a request of serials: "web-" and 32 hex digits (128 random
 * bits). Built on crypto.getRandomValues, not crypto.randomUUID, which browsers only offer
 * in secure contexts (it is missing when the app is served over plain http, off localhost).
 */
export function newIdempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---- Queries ---------------------------------------------------------------------------

const POOL_FIELDS = 'pool { available assigned total low }';

export const VIEWER_QUERY = /* GraphQL */ `
  query Viewer {
    viewer { tenant { id name } role }
  }
`;

const PRODUCT_FIELDS = 'id code codeSchema name source lowThreshold requestCap replenishTo owner { id name }';

export const PRODUCTS_QUERY = /* GraphQL */ `
  query Products($search: String, $source: SerialSource, $codeSchema: ProductCodeSchema, $orderBy: ProductOrder,
    $first: Int, $after: String) {
    products(filter: { search: $search, source: $source, codeSchema: $codeSchema }, orderBy: $orderBy, first: $first, after: $after) {
      edges {
        cursor
        node {
          ${PRODUCT_FIELDS}
          ${POOL_FIELDS}
        }
      }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
`;

export const PRODUCT_POOL_QUERY = /* GraphQL */ `
  query ProductPool($code: String!) {
    product(code: $code) { id code lowThreshold requestCap replenishTo ${POOL_FIELDS} }
  }
`;

/**
 * A product's counts, live (over the WebSocket, see live.js): the current ones at once, then
 * each change. NOT_FOUND, and the end of the subscription, when the product is not visible.
 */
export const POOL_COUNTS_SUBSCRIPTION = /* GraphQL */ `
  subscription PoolCounts($code: String!) {
    poolCounts(productCode: $code) { productCode lowThreshold ${POOL_FIELDS} }
  }
`;

export const PRODUCT_SERIALS_QUERY = /* GraphQL */ `
  query ProductSerials($code: String!, $status: SerialStatus, $search: String, $first: Int, $after: String) {
    product(code: $code) {
      id code codeSchema name source lowThreshold
      owner { id name }
      ${POOL_FIELDS}
      serials(status: $status, search: $search, first: $first, after: $after) {
        edges { cursor node { id value status source receivedAt assignedAt packStatus decommissionReason } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** Page size of the product and serial tables. */
export const PAGE_SIZE = 50;

/**
 * The dashboard's activity: what was assigned per product over the rate window (days of
 * supply), and received vs assigned per UTC day for the chart.
 */
export const DASHBOARD_ACTIVITY_QUERY = /* GraphQL */ `
  query DashboardActivity($rateFrom: Time!, $chartFrom: Time!, $to: Time!) {
    recent: poolActivity(from: $rateFrom, to: $to, groupBy: [KIND, PRODUCT]) { kind count product { id code } }
    daily: poolActivity(from: $chartFrom, to: $to, groupBy: [KIND]) { bucket kind count }
  }
`;

/** Page size of reading a whole list for a CSV export (the server's largest page). */
export const EXPORT_PAGE_SIZE = 1000;

/** Serials of a request shown right after it was made (the rest: CSV download). */
export const REQUEST_PREVIEW = 10;

const REQUEST_FIELDS = `
  id orderRef count createdAt
  partner { id name }
  product { code }
  serials(first: $preview) { edges { node { id value } } pageInfo { hasNextPage } }
`;

const INTAKE_RESULT_FIELDS = 'batchId productCode source accepted replayed';

const HISTORY_FIELDS = 'event status reason at recordedAt actor lot expiry nhrn timeZoneOffset container';

export const SERIAL_QUERY = /* GraphQL */ `
  query Serial($productCode: String!, $value: String!) {
    serial(productCode: $productCode, value: $value) {
      id value status source packStatus decommissionReason receivedAt assignedAt digitalLink
      product { id code name owner { id name } }
      history { ${HISTORY_FIELDS} }
    }
  }
`;

/** The caller's pack events, newest event time first. `filter.from` is inclusive, `filter.to` exclusive. */
export const PACK_EVENTS_QUERY = /* GraphQL */ `
  query PackEvents($filter: PackEventFilter, $first: Int, $after: String) {
    packEvents(filter: $filter, first: $first, after: $after) {
      edges { cursor node { productCode serial event { ${HISTORY_FIELDS} } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** One pack by what names it: element string, Digital Link, EPC URN, or code and serial (the server parses it). */
export const PACK_QUERY = /* GraphQL */ `
  query Pack($identifier: String!) {
    pack(identifier: $identifier) { id value product { id code } }
  }
`;

export const PRODUCT_CODES_QUERY = /* GraphQL */ `
  query ProductCodes($first: Int) {
    products(first: $first) { edges { node { id code name source owner { id name } } } totalCount }
  }
`;

/**
 * The caller's products with their counts, for the Partners page (what to assign, what was
 * received). Few fields, so that large pages stay under the server's complexity limit.
 */
export const PARTNER_PRODUCTS_QUERY = /* GraphQL */ `
  query PartnerProducts($first: Int, $after: String) {
    products(first: $first, after: $after) {
      edges { node { id code name requestCap owner { id } pool { available assigned } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Page size of PARTNER_PRODUCTS_QUERY, and the most pages the Partners page reads. */
export const PARTNER_PRODUCTS_PAGE = 500;
export const PARTNER_PRODUCTS_MAX_PAGES = 20;

export const GENERATE_SERIALS = /* GraphQL */ `
  mutation GenerateSerials($input: GenerateSerialsInput!) {
    generateSerials(input: $input) { ${INTAKE_RESULT_FIELDS} }
  }
`;

export const REQUEST_SERIALS = /* GraphQL */ `
  mutation RequestSerials($input: RequestSerialsInput!, $preview: Int = ${REQUEST_PREVIEW}) {
    requestSerials(input: $input) { ${REQUEST_FIELDS} }
  }
`;

/** The requests already made for an order of a product, with their first serials (a warning before another). */
export const ORDER_REQUESTS_QUERY = /* GraphQL */ `
  query OrderRequests($filter: SerialRequestFilter!, $preview: Int = ${REQUEST_PREVIEW}) {
    serialRequests(filter: $filter, first: 5) { edges { node { ${REQUEST_FIELDS} } } }
  }
`;

export const RELEASE_SERIALS = /* GraphQL */ `
  mutation ReleaseSerials($input: ReleaseSerialsInput!, $signature: SignatureInput) {
    releaseSerials(input: $input, signature: $signature) { released }
  }
`;

export const RECORD_PACK_EVENTS = /* GraphQL */ `
  mutation RecordPackEvents($input: [PackEventInput!]!, $signature: SignatureInput) {
    recordPackEvents(input: $input, signature: $signature) { recorded storedExternal }
  }
`;

export const UPDATE_PRODUCT_LIMITS = /* GraphQL */ `
  mutation UpdateProductLimits($input: UpdateProductLimitsInput!, $signature: SignatureInput) {
    updateProductLimits(input: $input, signature: $signature) { id code lowThreshold requestCap replenishTo ${POOL_FIELDS} }
  }
`;

/** Requests shown at first under a product's Recent requests (then "Show more"). */
export const RECENT_REQUESTS = 10;

/** The caller's requests of serials (orders, assignments to partners), newest first. */
export const SERIAL_REQUESTS_QUERY = /* GraphQL */ `
  query SerialRequests($filter: SerialRequestFilter, $first: Int, $after: String) {
    serialRequests(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id orderRef count createdAt partner { id name } product { id code } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** The caller's audit trail, newest first. `filter.from` is inclusive, `filter.to` exclusive. */
export const AUDIT_LOG_QUERY = /* GraphQL */ `
  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      edges { cursor node { id at actor action count product { id code codeSchema name } detail { key value text }
        changes { field old new secret } signature { name email meaning reason } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** The people and key owners the audit trail's person filter offers (admins only). */
export const AUDIT_PEOPLE_QUERY = /* GraphQL */ `
  query AuditPeople {
    users { name email }
    apiKeys { owner }
  }
`;

export const PARTNERS_QUERY = /* GraphQL */ `
  query Partners {
    partners { id tenant { id name } role createdAt endedAt endedBy { name } endReason }
  }
`;

/** As a CMO: a one-time code for an MAH's admin (shown only in this answer). */
export const CREATE_PARTNER_INVITATION = /* GraphQL */ `
  mutation CreatePartnerInvitation {
    createPartnerInvitation { id code expiresAt }
  }
`;

/** As a CMO: its open invitations (neither used, revoked nor expired), newest first. Admin only. */
export const PARTNER_INVITATIONS_QUERY = /* GraphQL */ `
  query PartnerInvitations {
    partnerInvitations { id createdAt expiresAt }
  }
`;

/** As a CMO: withdraw an open invitation (NOT_FOUND once it was used, revoked or expired). */
export const REVOKE_PARTNER_INVITATION = /* GraphQL */ `
  mutation RevokePartnerInvitation($id: ID!) {
    revokePartnerInvitation(id: $id) { id }
  }
`;

/** As an MAH: become a partner of the CMO that issued `input.invitationCode`. */
export const CREATE_PARTNERSHIP = /* GraphQL */ `
  mutation CreatePartnership($input: CreatePartnershipInput!) {
    createPartnership(input: $input) { tenant { id name } role }
  }
`;

/** What an MAH's serials went to its CMOs: counts per product and partner (counters), and the latest requests. */
export const PARTNER_ASSIGNMENTS_QUERY = /* GraphQL */ `
  query PartnerAssignments {
    poolStats(groupBy: [PRODUCT, PARTNER]) { count product { id code name } partner { id } }
    serialRequests(first: 100) { edges { node { id count createdAt partner { id } product { id code } } } }
  }
`;

/** Ends a partnership from either side (admins), signed; the CMO's unused serials return to the MAH. */
export const END_PARTNERSHIP = /* GraphQL */ `
  mutation EndPartnership($id: ID!, $reason: String!, $signature: SignatureInput) {
    endPartnership(id: $id, reason: $reason, signature: $signature) { returned partner { id endedAt } }
  }
`;

export const ASSIGN_TO_PARTNER = /* GraphQL */ `
  mutation AssignSerialsToPartner($input: AssignSerialsToPartnerInput!, $preview: Int = ${REQUEST_PREVIEW}) {
    assignSerialsToPartner(input: $input) { ${REQUEST_FIELDS} }
  }
`;

const SSCC_POOL_FIELDS = `code companyPrefix extensionDigit ${POOL_FIELDS}`;

export const SSCC_POOLS_QUERY = /* GraphQL */ `
  query SsccPools {
    ssccPools { ${SSCC_POOL_FIELDS} }
  }
`;

export const SSCCS_QUERY = /* GraphQL */ `
  query Ssccs($code: String!, $status: SerialStatus, $first: Int, $after: String) {
    ssccPool(code: $code) {
      code ${POOL_FIELDS}
      ssccs(status: $status, first: $first, after: $after) {
        edges { cursor node { id value status source receivedAt assignedAt packStatus } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

export const CREATE_SSCC_POOL = /* GraphQL */ `
  mutation CreateSsccPool($input: CreateSsccPoolInput!) {
    createSsccPool(input: $input) { ${SSCC_POOL_FIELDS} }
  }
`;

// ---- REST paths (Manufacturer API v2) --------------------------------------------------

/** Bulk upload of a product's serials from the web app. @param {string} code @param {string} source */
export function uploadPath(code, source) {
  return `/api/v2/products/${encodeURIComponent(code)}/serials?${new URLSearchParams({ source })}`;
}

/** Where a batch sent with an idempotency key stands. @param {string} key */
export function intakePath(key) {
  return `/api/v2/intake/${encodeURIComponent(key)}`;
}

/** CSV of a request's serials. @param {string} id */
export function requestCsvPath(id) {
  return `/api/v2/requests/${encodeURIComponent(id)}/serials.csv`;
}

/** CSV of the serials the caller assigned to a partner. @param {string} tenantId @param {string} [productCode] */
export function partnerCsvPath(tenantId, productCode) {
  const base = `/api/v2/partners/${encodeURIComponent(tenantId)}/serials.csv`;
  return productCode ? `${base}?${new URLSearchParams({ productCode })}` : base;
}
