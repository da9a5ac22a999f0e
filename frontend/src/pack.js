// @ts-check
/**
 * Pack status rules, as the schema states them, so the form offers only the events that
 * can apply (the server enforces them and names the rule when it refuses):
 *   ACTIVE (or UNKNOWN) → COMMISSION → COMMISSIONED → DECOMMISSION (reason) → DECOMMISSIONED
 *   DECOMMISSIONED → REACTIVATE → COMMISSIONED, unless the reason was DESTROYED, STOLEN or EXPORTED.
 */

/** Reasons whose decommissioning can never be undone. */
export const FINAL_REASONS = Object.freeze(['DESTROYED', 'STOLEN', 'EXPORTED']);

export const PACK_EVENTS = /** @type {const} */ (['COMMISSION', 'DECOMMISSION', 'REACTIVATE']);

/**
 * For each pack event: null when it can apply to a pack in this status, else why not.
 * @param {string} packStatus
 * @param {string | null | undefined} reason the last decommissioning's reason
 * @returns {Record<'COMMISSION' | 'DECOMMISSION' | 'REACTIVATE', string | null>}
 */
export function eventRules(packStatus, reason) {
  return {
    COMMISSION:
      packStatus === 'ACTIVE' || packStatus === 'UNKNOWN' ? null : `Needs an active pack; this one is ${lower(packStatus)}.`,
    DECOMMISSION: packStatus === 'COMMISSIONED' ? null : `Needs a commissioned pack; this one is ${lower(packStatus)}.`,
    REACTIVATE:
      packStatus !== 'DECOMMISSIONED'
        ? `Needs a decommissioned pack; this one is ${lower(packStatus)}.`
        : reason && FINAL_REASONS.includes(reason)
          ? `A pack decommissioned as ${lower(reason).replace('_', ' ')} can never be reactivated.`
          : null,
  };
}

/** @param {string} s */
function lower(s) {
  return s.toLowerCase();
}

/**
 * A datetime-local value ("2026-11-25T08:30") as RFC 3339 in the browser's zone, or null
 * when empty (the server then takes "now").
 * @param {string} local
 */
export function localToIso(local) {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
