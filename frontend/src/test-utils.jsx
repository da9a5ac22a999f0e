// @ts-check
/** Helpers for the component tests (happy-dom + Preact). Not part of the app bundle. */
import { render } from 'preact';
import { vi } from 'vitest';
import { act } from 'preact/test-utils';
import { ClientContext, ViewerContext } from './components/context.js';
import { setSocketFactory } from './live.js';

// Component tests poll for live counts: no WebSocket (happy-dom has one, which would try to
// reach a server). A test of the subscription sets its own fake with setSocketFactory().
setSocketFactory(null);

/** @type {HTMLElement[]} */
const mounted = [];

/**
 * @param {import('preact').ComponentChild} ui
 * @param {{client?: any, viewer?: any}} [options] viewer: who is signed in (role, tenant)
 */
export function mount(ui, options = {}) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  mounted.push(container);
  let tree = options.viewer ? <ViewerContext.Provider value={options.viewer}>{ui}</ViewerContext.Provider> : ui;
  tree = options.client ? <ClientContext.Provider value={options.client}>{tree}</ClientContext.Provider> : tree;
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

/**
 * Lets pending promises (fetch mocks) settle and Preact re-render: enough rounds for an
 * action's answer and the read it starts (fetch, JSON, the paged list's page).
 */
export async function flush() {
  for (let i = 0; i < 10; i++) {
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
 * A fetch double answering GraphQL by operation name. REST calls (no GraphQL body) reach
 * the handler as op "GET /api/v2/…" with variables null; a `text` answer is sent as is.
 * @param {(op: string, variables: any, init: RequestInit) => {status?: number, body?: any, text?: string,
 *   headers?: Record<string, string>} | Promise<{status?: number, body?: any, text?: string, headers?: Record<string, string>}>} handler
 */
export function fakeFetch(handler) {
  /** @type {{op: string, variables: any, headers: Record<string, string>, url: string}[]} */
  const calls = [];
  /** @type {typeof fetch} */
  const fn = async (url, init = {}) => {
    let op;
    let variables = null;
    if (typeof init.body === 'string') {
      const parsed = JSON.parse(init.body);
      variables = parsed.variables;
      op = /(?:query|mutation)\s+(\w+)/.exec(parsed.query)?.[1] ?? '';
    } else {
      op = `${init.method || 'GET'} ${url}`;
    }
    calls.push({ op, variables, headers: /** @type {Record<string, string>} */ (init.headers), url: String(url) });
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const { status = 200, body, text, headers } = await handler(op, variables, init);
    return new Response(text ?? (body === undefined ? '' : JSON.stringify(body)), {
      status,
      headers: headers ?? { 'Content-Type': 'application/json' },
    });
  };
  return { fetch: fn, calls };
}

/**
 * An XMLHttpRequest double for uploads: the test drives progress and the answer.
 */
export function fakeXhr() {
  /** @type {any[]} */
  const instances = [];
  class FakeXHR {
    constructor() {
      /** @type {any} */
      this.upload = {};
      /** @type {Record<string, string>} */
      this.headers = {};
      this.status = 0;
      this.responseText = '';
      this.aborted = false;
      /** @type {any} */
      this.onload = null;
      /** @type {any} */
      this.onerror = null;
      /** @type {any} */
      this.onabort = null;
      instances.push(this);
    }
    /** @param {string} method @param {string} url */
    open(method, url) {
      this.method = method;
      this.url = url;
    }
    /** @param {string} name @param {string} value */
    setRequestHeader(name, value) {
      this.headers[name] = value;
    }
    /** @param {any} body */
    send(body) {
      this.body = body;
    }
    abort() {
      this.aborted = true;
      this.onabort?.();
    }
    /** @param {number} loaded @param {number} total */
    progress(loaded, total) {
      this.upload.onprogress?.({ loaded, total, lengthComputable: true });
    }
    /** @param {number} status @param {any} body */
    respond(status, body) {
      this.upload.onload?.();
      this.status = status;
      this.responseText = JSON.stringify(body);
      this.onload?.();
    }
    fail() {
      this.onerror?.();
    }
  }
  return { XHR: /** @type {any} */ (FakeXHR), instances };
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

/** The answer of SerialRequests for a product nobody requested yet (an expanded product reads it). */
export const noSerialRequests = { body: { data: { serialRequests: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } } };

/** A signed-in viewer of the demo MAH (tenant T1) with the given role. */
export const mahViewer = (/** @type {string} */ role) => ({ tenant: { id: 't1', name: 'Demo Pharma' }, role });

/** Sets a form control's value the way a user does (input + change events). */
export function setValue(/** @type {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} */ el, /** @type {string} */ value) {
  act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** Submits a form the way its submit button does. */
export function submit(/** @type {HTMLFormElement} */ form) {
  act(() => {
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

/** The button whose text is `text` (exactly, trimmed). */
export function button(/** @type {ParentNode} */ root, /** @type {string | RegExp} */ text) {
  const all = [.../** @type {NodeListOf<HTMLButtonElement>} */ (root.querySelectorAll('button'))];
  const found = all.find((b) => (typeof text === 'string' ? b.textContent?.trim() === text : text.test(b.textContent || '')));
  if (!found) throw new Error(`no button ${text}: ${all.map((b) => b.textContent).join(' | ')}`);
  return found;
}

/** The form control labelled `text` (by <label for>). */
export function byLabel(/** @type {ParentNode} */ root, /** @type {string | RegExp} */ text) {
  const labels = [...root.querySelectorAll('label')];
  const label = labels.find((l) => (typeof text === 'string' ? l.textContent?.trim() === text : text.test(l.textContent || '')));
  if (!label) throw new Error(`no label ${text}: ${labels.map((l) => l.textContent).join(' | ')}`);
  const id = label.getAttribute('for');
  const el = id ? /** @type {HTMLElement} */ (root).querySelector(`[id="${id}"]`) : label.querySelector('input, select, textarea');
  if (!el) throw new Error(`label ${text} has no control`);
  return /** @type {any} */ (el);
}

/** The signature a test signs with (see sign). */
export const SIGNATURE = Object.freeze({ password: 'the person password', meaning: 'APPROVED', reason: 'Batch 7 closed' });

/** Fills in the signature dialog the way a person does. */
export function sign(/** @type {ParentNode} */ root, { password, meaning, reason } = SIGNATURE) {
  setValue(byLabel(root, 'Your password'), password);
  setValue(byLabel(root, 'Meaning'), meaning);
  setValue(byLabel(root, 'Why you sign'), reason);
}
