// @ts-check
/** Helpers for the component tests (happy-dom + Preact). Not part of the app bundle. */
import { render } from 'preact';
import { vi } from 'vitest';
import { act } from 'preact/test-utils';
import { ClientContext } from './components/context.js';

/** @type {HTMLElement[]} */
const mounted = [];

/**
 * @param {import('preact').ComponentChild} ui
 * @param {{client?: any}} [options]
 */
export function mount(ui, options = {}) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  mounted.push(container);
  const tree = options.client ? <ClientContext.Provider value={options.client}>{ui}</ClientContext.Provider> : ui;
  act(() => {
    render(tree, container);
  });
  return container;
}

export function unmountAll() {
  for (const container of mounted.splice(0)) {
    act(() => render(null, container));
    container.remove();
  }
}

/** Lets pending promises (fetch mocks) settle and Preact re-render. */
export async function flush() {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await Promise.resolve();
    });
  }
}

/**
 * Advances fake timers inside act(), so that renders and effects they trigger run too.
 * @param {number} ms
 */
export async function tick(ms) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

/**
 * Types into an input the way a user does (value + input event).
 * @param {HTMLInputElement} input
 * @param {string} value
 */
export function typeInto(input, value) {
  act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** @param {Element} el */
export function click(el) {
  act(() => {
    /** @type {HTMLElement} */ (el).click();
  });
}

/**
 * A fetch double answering GraphQL by operation name.
 * @param {(op: string, variables: any, init: RequestInit) => {status?: number, body: any} | Promise<{status?: number, body: any}>} handler
 */
export function fakeFetch(handler) {
  /** @type {{op: string, variables: any, headers: Record<string, string>}[]} */
  const calls = [];
  /** @type {typeof fetch} */
  const fn = async (_url, init = {}) => {
    const { query, variables } = JSON.parse(String(init.body));
    const op = /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '';
    calls.push({ op, variables, headers: /** @type {Record<string, string>} */ (init.headers) });
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const { status = 200, body } = await handler(op, variables, init);
    return new Response(body === undefined ? '' : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };
  return { fetch: fn, calls };
}

/**
 * @param {Partial<{id: string, code: string, codeSchema: string, name: string, source: string,
 *   lowThreshold: number, owner: any, pool: any}>} [overrides]
 */
export function product(overrides = {}) {
  const code = overrides.code ?? '04012345000019';
  return {
    id: `p-${code}`,
    code,
    codeSchema: 'GTIN',
    name: 'Amoxicillin 500 mg capsules',
    source: 'SNM',
    lowThreshold: 1000,
    owner: { id: 't1', name: 'Demo Pharma' },
    pool: { available: 12345, assigned: 678, total: 13023, low: false },
    ...overrides,
  };
}

/** @param {any[]} nodes @param {{hasNextPage?: boolean, totalCount?: number}} [page] */
export function productPage(nodes, page = {}) {
  return {
    data: {
      products: {
        edges: nodes.map((node) => ({ cursor: `c-${node.code}`, node })),
        pageInfo: {
          hasNextPage: page.hasNextPage ?? false,
          endCursor: nodes.length ? `c-${nodes[nodes.length - 1].code}` : null,
        },
        totalCount: page.totalCount ?? nodes.length,
      },
    },
  };
}
