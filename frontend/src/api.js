// @ts-check
/**
 * The GraphQL client of the SPA: one POST to /graphql per request, with the API key as a
 * bearer token. Every failure becomes an {@link ApiError} carrying the server's
 * `extensions.code`, so callers can tell "sign in again" (UNAUTHENTICATED) from everything
 * else. This is the only module that talks to the server.
 */

/** Error codes the server sends in `extensions.code` (see schema.graphqls), plus two of ours. */
export const ErrorCode = Object.freeze({
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  INTERNAL: 'INTERNAL',
  /** Ours: the request never got a usable answer (offline, proxy error page, bad JSON). */
  NETWORK: 'NETWORK',
  /** Ours: an HTTP error status without GraphQL errors in the body. */
  HTTP: 'HTTP',
});

export class ApiError extends Error {
  /**
   * @param {string} message human-readable message (from the server when it sent one)
   * @param {{code?: string, field?: string, status?: number, errors?: unknown[]}} [details]
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
  }

  /** True when the key is missing, unknown or revoked: the user must sign in again. */
  get unauthenticated() {
    return this.code === ErrorCode.UNAUTHENTICATED;
  }
}

/**
 * @typedef {object} ClientOptions
 * @property {string} [url] GraphQL endpoint, default "/graphql" (same origin as the SPA)
 * @property {() => (string | null | undefined)} getKey returns the API key of the session
 * @property {(error: ApiError) => void} [onUnauthenticated] called once per request that
 *   fails with UNAUTHENTICATED (the app signs the user out)
 * @property {typeof fetch} [fetch] injectable for tests
 */

/**
 * @typedef {object} RequestOptions
 * @property {AbortSignal} [signal] aborts the request; the promise then rejects with the
 *   fetch AbortError (not an ApiError), which callers ignore
 * @property {string} [key] use this key instead of the session's (sign-in validation)
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
    const key = requestOptions.key ?? options.getKey();
    /** @type {Record<string, string>} */
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (key) headers.Authorization = `Bearer ${key}`;

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

    const errors = Array.isArray(body?.errors) ? body.errors : [];
    if (errors.length > 0) {
      // UNAUTHENTICATED wins over whatever else came back: the session is over.
      const first =
        errors.find((/** @type {any} */ e) => e?.extensions?.code === ErrorCode.UNAUTHENTICATED) || errors[0];
      const code =
        first?.extensions?.code ||
        (response.status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.INTERNAL);
      throw new ApiError(String(first?.message || 'The request failed.'), {
        code,
        field: first?.extensions?.field,
        status: response.status,
        errors,
      });
    }
    if (response.status === 401) {
      throw new ApiError('The API key is missing or not valid.', {
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

  return { request };
}

/** @typedef {ReturnType<typeof createClient>} Client */

/** @param {unknown} error */
export function isAbort(error) {
  return (
    typeof error === 'object' &&
    error !== null &&
    /** @type {{name?: string}} */ (error).name === 'AbortError'
  );
}

// ---- Queries ---------------------------------------------------------------------------

const POOL_FIELDS = 'pool { available assigned total low }';

export const VIEWER_QUERY = /* GraphQL */ `
  query Viewer {
    viewer { tenant { id name } role }
  }
`;

export const PRODUCTS_QUERY = /* GraphQL */ `
  query Products($search: String, $first: Int, $after: String) {
    products(filter: { search: $search }, first: $first, after: $after) {
      edges {
        cursor
        node {
          id code codeSchema name source lowThreshold
          owner { id name }
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
    product(code: $code) { id code lowThreshold ${POOL_FIELDS} }
  }
`;

export const PRODUCT_SERIALS_QUERY = /* GraphQL */ `
  query ProductSerials($code: String!, $status: SerialStatus, $first: Int, $after: String) {
    product(code: $code) {
      id code codeSchema name source lowThreshold
      owner { id name }
      ${POOL_FIELDS}
      serials(status: $status, first: $first, after: $after) {
        edges { cursor node { id value status source receivedAt assignedAt } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

/** Page size of the product and serial tables. */
export const PAGE_SIZE = 50;
