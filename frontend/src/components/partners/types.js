// @ts-check
/**
 * What the Partners page shows.
 * @typedef {{tenant: {id: string, name: string}, role: 'MAH' | 'CMO'}} Partner
 * @typedef {{id: string, code: string, expiresAt: string}} Invitation
 * @typedef {{id: string, createdAt: string, expiresAt: string}} OpenInvitation
 * @typedef {{id: string, code: string, name: string, requestCap?: number, owner: {id: string},
 *   pool: {available: number, assigned: number}}} Product
 */
export {};
