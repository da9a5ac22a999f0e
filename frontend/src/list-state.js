// @ts-check
/**
 * Where a list stands, kept in its address so that a reload, back/forward and a copied link
 * show the same view: the product list's search, filters, order, page size and page, and
 * the serials table's status, search, page size and page.
 *
 * A page is named by a cursor: `after` (the page after that row) or, for the product list,
 * `before` (the page before that row, read in the reverse order), so every page can be
 * left both ways without remembering the pages before it. `page` only numbers it.
 */
import { PAGE_SIZE as DEFAULT_PAGE_SIZE } from './api.js';
import { POOL_PATH, serialsPath } from './router.js';
import { SCHEMA_LABELS, SOURCE_LABELS } from './format.js';

/** Page sizes offered; PAGE_SIZE (50) is the default. */
export const PAGE_SIZES = Object.freeze([25, 50, 100, 200]);

/** The product list's columns that sort, by their name in the address, with the server's order field. */
export const PRODUCT_SORTS = Object.freeze({
  code: 'CODE',
  schema: 'CODE_SCHEMA',
  name: 'NAME',
  source: 'SOURCE',
  available: 'AVAILABLE',
});

/** @typedef {keyof typeof PRODUCT_SORTS} ProductSort */

/**
 * @typedef {object} ProductView
 * @property {string} search
 * @property {string} source '' or a SerialSource
 * @property {string} schema '' or a ProductCodeSchema
 * @property {ProductSort} sort
 * @property {boolean} desc
 * @property {number} size
 * @property {string | null} after
 * @property {string | null} before
 * @property {number} page 0 for the first
 */

/** The longest cursor taken from an address (the server's own limit). */
const MAX_CURSOR = 200;

/** @param {URLSearchParams} params @param {string} name */
function cursorParam(params, name) {
  const v = params.get(name);
  return v && v.length <= MAX_CURSOR ? v : null;
}

/** @param {URLSearchParams} params */
function sizeParam(params) {
  const n = Number(params.get('size'));
  return PAGE_SIZES.includes(n) ? n : DEFAULT_PAGE_SIZE;
}

/** @param {URLSearchParams} params */
function pageParam(params) {
  const n = Number(params.get('page'));
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The product list's view from its address; anything unknown falls back to the default.
 * @param {URLSearchParams} params
 * @returns {ProductView}
 */
export function productView(params) {
  const source = params.get('source') || '';
  const schema = params.get('schema') || '';
  const sort = /** @type {ProductSort} */ (params.get('sort') || 'code');
  const after = cursorParam(params, 'after');
  const before = after ? null : cursorParam(params, 'before');
  return {
    search: (params.get('search') || '').trim(),
    source: Object.hasOwn(SOURCE_LABELS, source) ? source : '',
    schema: Object.hasOwn(SCHEMA_LABELS, schema) ? schema : '',
    sort: Object.hasOwn(PRODUCT_SORTS, sort) ? sort : 'code',
    desc: params.get('dir') === 'desc',
    size: sizeParam(params),
    after,
    before,
    page: after || before ? pageParam(params) : 0,
  };
}

/**
 * The address of a product list view; defaults are left out (the plain list is POOL_PATH).
 * @param {Partial<ProductView>} view
 */
export function productViewPath(view) {
  const p = new URLSearchParams();
  if (view.search) p.set('search', view.search);
  if (view.source) p.set('source', view.source);
  if (view.schema) p.set('schema', view.schema);
  if (view.sort && view.sort !== 'code') p.set('sort', view.sort);
  if (view.desc) p.set('dir', 'desc');
  if (view.size && view.size !== DEFAULT_PAGE_SIZE) p.set('size', String(view.size));
  if (view.after) p.set('after', view.after);
  else if (view.before) p.set('before', view.before);
  if ((view.after || view.before) && view.page) p.set('page', String(view.page));
  const q = p.toString();
  return q ? `${POOL_PATH}?${q}` : POOL_PATH;
}

/**
 * The `products` arguments of a view: a `before` page is read in the reverse order after
 * that row, and its rows turned round (`reverse`). Omitted arguments stay out of the request.
 * @param {ProductView} view
 */
export function productArgs(view) {
  const reverse = !!view.before;
  const desc = view.desc !== reverse;
  const ordered = view.sort !== 'code' || desc;
  return {
    variables: {
      search: view.search || null,
      source: view.source || undefined,
      codeSchema: view.schema || undefined,
      orderBy: ordered ? { field: PRODUCT_SORTS[view.sort], direction: desc ? 'DESC' : 'ASC' } : undefined,
      first: view.size,
      after: view.after || view.before || null,
    },
    reverse,
  };
}

/**
 * @typedef {object} SerialsView
 * @property {string} status '' (all), AVAILABLE or ASSIGNED
 * @property {string} search the start of a serial
 * @property {number} size
 * @property {string | null} after
 * @property {number} page
 */

/**
 * The serials table's view from its address.
 * @param {URLSearchParams} params
 * @returns {SerialsView}
 */
export function serialsView(params) {
  const status = params.get('status') || '';
  const after = cursorParam(params, 'after');
  return {
    status: status === 'AVAILABLE' || status === 'ASSIGNED' ? status : '',
    search: (params.get('search') || '').trim().slice(0, 20),
    size: sizeParam(params),
    after,
    page: after ? pageParam(params) : 0,
  };
}

/**
 * The address of a serials table view.
 * @param {string} code
 * @param {Partial<SerialsView>} view
 */
export function serialsViewPath(code, view) {
  const base = serialsPath(code);
  const p = new URLSearchParams();
  if (view.status) p.set('status', view.status);
  if (view.search) p.set('search', view.search);
  if (view.size && view.size !== DEFAULT_PAGE_SIZE) p.set('size', String(view.size));
  if (view.after) {
    p.set('after', view.after);
    if (view.page) p.set('page', String(view.page));
  }
  const q = p.toString();
  return q ? `${base}?${q}` : base;
}
