// @ts-check
/** Display helpers shared by the pages. The UI is in English, so numbers use en-US grouping. */

const numberFormat = new Intl.NumberFormat('en-US');

/** @param {number | null | undefined} n */
export function formatCount(n) {
  return n == null ? '—' : numberFormat.format(n);
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/**
 * A count short enough for a small space (the donut's centre): exact below 100,000, then
 * "1.04M", "10B". Where it is shown, the exact number must be at hand too (tooltip, legend).
 * @param {number} n
 */
export function formatCompact(n) {
  return Math.abs(n) < 100_000 ? numberFormat.format(n) : compactFormat.format(n);
}

/**
 * A count of a plural noun that ends in "s" ("serials", "SSCCs"): "1 serial", "5 serials".
 * @param {number} n
 * @param {string} nouns
 */
export function countOf(n, nouns) {
  return plural(n, nouns.replace(/s$/, ''), nouns);
}

/**
 * A count with its noun in the right number: "1 serial", "2 serials", "1,000 SSCCs".
 * @param {number} n
 * @param {string} one the noun for one ("serial", "row", "entry")
 * @param {string} [many] the plural when it is not one + "s" ("entries")
 */
export function plural(n, one, many = `${one}s`) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** @param {number} part @param {number} whole */
export function formatPercent(part, whole) {
  if (!whole) return '0%';
  const p = (part / whole) * 100;
  if (p > 0 && p < 1) return '<1%';
  if (p < 100 && p > 99) return '>99%';
  return `${Math.round(p)}%`;
}

/** @param {number} n */
const pad = (n) => String(n).padStart(2, '0');

/** @typedef {'local' | 'UTC'} TimeZoneSetting */
const ZONE_KEY = 'serialpool.timeZone';
const ZONE_EVENT = 'serialpool:timezone';

/** Whether times are shown in the browser's zone or in UTC (kept in localStorage). @returns {TimeZoneSetting} */
export function timeZoneSetting() {
  try {
    return globalThis.localStorage?.getItem(ZONE_KEY) === 'UTC' ? 'UTC' : 'local';
  } catch {
    return 'local'; // storage blocked: the default
  }
}

/** @param {TimeZoneSetting} zone */
export function setTimeZoneSetting(zone) {
  try {
    globalThis.localStorage?.setItem(ZONE_KEY, zone);
  } catch {
    /* storage blocked: the setting lasts for this page only */
  }
  memoryZone = zone;
  globalThis.dispatchEvent?.(new Event(ZONE_EVENT));
}

/** The setting when localStorage refuses to keep it. @type {TimeZoneSetting | null} */
let memoryZone = null;
const currentZone = () => memoryZone ?? timeZoneSetting();

/** Calls fn whenever the time-zone setting changes; returns the unsubscribe. @param {() => void} fn */
export function onTimeZoneChange(fn) {
  globalThis.addEventListener?.(ZONE_EVENT, fn);
  return () => globalThis.removeEventListener?.(ZONE_EVENT, fn);
}

/** "UTC+01:00" for a Date's offset in the browser's zone; "UTC" for none. @param {Date} d */
export function utcOffset(d) {
  const minutes = -d.getTimezoneOffset();
  if (minutes === 0) return 'UTC';
  const a = Math.abs(minutes);
  return `UTC${minutes < 0 ? '−' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * An RFC 3339 time as "YYYY-MM-DD HH:MM:SS <zone>", in the zone of the setting (the
 * browser's, named by its offset, or UTC): unambiguous on a shop floor, whatever the locale.
 * @param {string | null | undefined} iso
 * @param {{zone?: TimeZoneSetting}} [options] zone: instead of the setting
 */
export function formatDateTime(iso, options = {}) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if ((options.zone ?? currentZone()) === 'UTC') {
    return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
  }
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${utcOffset(d)}`
  );
}

/** A clock time "HH:MM:SS <zone>" (today's, as in "updated at"), in the zone of the setting. @param {Date} d */
export function formatTime(d) {
  return formatDateTime(d.toISOString()).slice(11);
}

/** "YYYY-MM-DD" of a time in UTC (file names; exports are in UTC). @param {string | Date} t */
export function utcDate(t) {
  const d = typeof t === 'string' ? new Date(t) : t;
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

/** Labels of the SerialSource enum. */
export const SOURCE_LABELS = Object.freeze({
  SNM: 'SNM',
  SAP_ATTP: 'SAP ATTP',
  SAP_ICH: 'SAP ICH',
  TRACELINK: 'TraceLink',
  EXTERNAL: 'External (Manufacturer API)',
  PARTNER: 'Partner tenant',
});

/** @param {string} source */
export function sourceLabel(source) {
  return /** @type {Record<string, string>} */ (SOURCE_LABELS)[source] || source;
}

/** Labels of the ProductCodeSchema enum. */
export const SCHEMA_LABELS = Object.freeze({
  GTIN: 'GTIN',
  NTIN: 'NTIN',
  PPN: 'PPN',
  NDC: 'NDC',
});

/** @param {string} schema */
export function schemaLabel(schema) {
  return /** @type {Record<string, string>} */ (SCHEMA_LABELS)[schema] || schema;
}

/** @param {string} role */
export function roleLabel(role) {
  return { VIEWER: 'Viewer', OPERATOR: 'Operator', ADMIN: 'Admin' }[role] || role;
}

/** @param {string} status */
export function statusLabel(status) {
  return { AVAILABLE: 'Available', ASSIGNED: 'Assigned' }[status] || status;
}

/**
 * Pack statuses in words a packaging person uses, with what each means (the legend where
 * they are listed). ACTIVE is the schema's name for a serial no pack event has touched.
 */
export const PACK_STATUSES = Object.freeze([
  ['ACTIVE', 'Not commissioned yet', 'No pack event yet: the serial has not been commissioned.'],
  ['COMMISSIONED', 'Commissioned', 'On a pack that was commissioned (sellable).'],
  ['DECOMMISSIONED', 'Decommissioned', 'Taken out of the supply chain, with a reason.'],
  ['UNKNOWN', 'Unknown', 'Reported by an outside system without a state.'],
]);

/** @param {string} status pack status */
export function packStatusLabel(status) {
  return PACK_STATUSES.find(([s]) => s === status)?.[1] || status;
}

/** Decommission reasons in the order the EU FMD lists them, with labels. */
export const REASONS = Object.freeze([
  ['DESTROYED', 'Destroyed'],
  ['SAMPLED', 'Sampled'],
  ['SUPPLIED', 'Supplied'],
  ['STOLEN', 'Stolen'],
  ['EXPORTED', 'Exported'],
  ['FREE_SAMPLE', 'Free sample'],
  ['LOCKED', 'Locked'],
  ['CHECKED_OUT', 'Checked out'],
]);

/** @param {string | null | undefined} reason */
export function reasonLabel(reason) {
  if (!reason) return '';
  return REASONS.find(([r]) => r === reason)?.[1] || reason;
}

/** @param {string} event pack event */
export function eventLabel(event) {
  return { COMMISSION: 'Commission', DECOMMISSION: 'Decommission', REACTIVATE: 'Reactivate', PACK: 'Pack', UNPACK: 'Unpack' }[event] || event;
}

/** @param {string} role partner role */
export function partnerRoleLabel(role) {
  return { MAH: 'Marketing authorization holder', CMO: 'Contract manufacturer' }[role] || role;
}

/** @type {Record<string, string>} */
const SYSTEM_TASKS = { cli: 'Command line', replenish: 'Automatic replenishment', lockout: 'Sign-in lockout', sso: 'Single sign-on' };

/**
 * Who acted, as the audit records it but without internal ids: "Ann <a@x> (key:3)" →
 * "Ann <a@x>", "SAP ATTP (service account, key:4) (L3)" → "SAP ATTP (service account) (L3)",
 * "key:3" → "An API key", "tenant:2 key:3" → "A partner's API key", "tenant:2 Bo <b@y> (key:5)" →
 * "Bo <b@y> (partner)" (a partner's person, in entries both sides hold), "system:replenish" →
 * "Automatic replenishment (system)". Pages keep the recorded text in a tooltip.
 * @param {string} actor
 * @returns {string}
 */
export function actorLabel(actor) {
  if (actor.startsWith('system:')) {
    const task = actor.slice('system:'.length);
    return `${SYSTEM_TASKS[task] || task} (system)`;
  }
  const partner = /^tenant:\d+ /.exec(actor);
  if (partner) {
    const rest = actor.slice(partner[0].length);
    return /^key:\d+/.test(rest) ? `A partner's API key${rest.replace(/^key:\d+/, '')}` : `${actorLabel(rest)} (partner)`;
  }
  const key = /^key:\d+/.exec(actor);
  if (key) return `An API key${actor.slice(key[0].length)}`;
  return actor.replace(/ \((service account), key:\d+\)/, ' ($1)').replace(/ \(key:\d+\)/, '');
}

/** The actions of the audit trail, in the order the filter offers them, with labels. */
export const AUDIT_ACTIONS = Object.freeze([
  ['serials.request', 'Serials requested'],
  ['serials.assign_partner', 'Serials assigned to a partner'],
  ['serials.release', 'Serials released'],
  ['serials.receive', 'Serials received'],
  ['serials.receive_partner', 'Serials received from a partner'],
  ['serials.generate', 'Serials generated'],
  ['pack.events', 'Pack events recorded'],
  ['container.decommission', 'Container decommissioned with its contents'],
  ['product.create', 'Product created'],
  ['product.limits', 'Product limits changed'],
  ['channel.create', 'Channel created'],
  ['partnership.invite', 'Partner invitation created'],
  ['partnership.invite_revoke', 'Partner invitation revoked'],
  ['partnership.create', 'Partnership created'],
  ['partnership.accepted', 'Partner invitation accepted'],
  ['tenant.create', 'Tenant created'],
  ['key.create', 'API key created'],
  ['demo.seed', 'Demo data loaded'],
]);

/** @param {string} action an audit action such as serials.request; unknown ones as they are */
export function auditActionLabel(action) {
  return AUDIT_ACTIONS.find(([a]) => a === action)?.[1] || action;
}

/**
 * A number typed into a form: a whole number within bounds, or an error message.
 * @param {string} text
 * @param {{min: number, max?: number, name: string}} rule
 * @returns {{value: number, error: null} | {value: null, error: string}}
 */
export function parseCount(text, rule) {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (!t) return { value: null, error: `Enter ${rule.name}.` };
  if (!/^\d+$/.test(t)) return { value: null, error: `${capitalize(rule.name)} must be a whole number.` };
  const n = Number(t);
  if (n < rule.min) return { value: null, error: `${capitalize(rule.name)} must be at least ${formatCount(rule.min)}.` };
  if (rule.max != null && n > rule.max) {
    return { value: null, error: `${capitalize(rule.name)} must be at most ${formatCount(rule.max)}.` };
  }
  return { value: n, error: null };
}

/** @param {string} s */
function capitalize(s) {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

/**
 * An element id made from a kind and a server id (a global id may hold characters that
 * do not belong in an id or a CSS selector): "cmo-VGVuYW50OjI_".
 * @param {string} kind
 * @param {string} id
 */
export function domId(kind, id) {
  return `${kind}-${id}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
