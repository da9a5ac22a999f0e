// @ts-check
/**
 * What the signed-in key may do, for hiding actions it cannot (the server enforces the
 * same rules; this only keeps the screens honest). VIEWER reads; OPERATOR also moves
 * serials (generate, request, release, upload, pack events, assign to a partner); ADMIN
 * also creates products, partnerships and SSCC pools and sets limits.
 */

/**
 * @typedef {{tenant: {id: string, name: string}, role: string,
 *   user?: {name: string, email: string, role?: string, signsWith?: string}}} Viewer
 * @typedef {{code: string, source: string, owner: {id: string, name: string}}} ProductLike
 * @typedef {'generate' | 'request' | 'release' | 'upload' | 'limits'} ProductAction
 */

/** @param {string | undefined} role */
export function canOperate(role) {
  return role === 'OPERATOR' || role === 'ADMIN';
}

/** @param {string | undefined} role */
export function canAdminister(role) {
  return role === 'ADMIN';
}

/** True when the viewer's tenant owns the product (the MAH), not a partner seeing it. */
export function ownsProduct(/** @type {Viewer} */ viewer, /** @type {ProductLike} */ product) {
  return product.owner?.id === viewer.tenant.id;
}

/** Sources a web upload can name for a product: its own (when received) or EXTERNAL. */
export const UPLOAD_SOURCES = Object.freeze(['SAP_ATTP', 'SAP_ICH', 'TRACELINK', 'EXTERNAL']);

/** @param {string} productSource */
export function uploadSourcesFor(productSource) {
  return UPLOAD_SOURCES.filter((s) => s === productSource || s === 'EXTERNAL');
}

/**
 * The operator actions an expanded product offers this viewer, in toolbar order.
 * @param {Viewer} viewer
 * @param {ProductLike} product
 * @returns {ProductAction[]}
 */
export function productActions(viewer, product) {
  /** @type {ProductAction[]} */
  const actions = [];
  if (!canOperate(viewer.role)) return actions;
  const own = ownsProduct(viewer, product);
  if (own && product.source === 'SNM') actions.push('generate');
  actions.push('request', 'release');
  if (own && product.source !== 'PARTNER') actions.push('upload');
  if (own && canAdminister(viewer.role)) actions.push('limits');
  return actions;
}
