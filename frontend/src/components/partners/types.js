// @ts-check
/**
 * What the Partners page shows.
 * @typedef {{id?: string, tenant: {id: string, name: string}, role: 'MAH' | 'CMO', createdAt?: string,
 *   endedAt?: string | null, endedBy?: {name: string} | null, endReason?: string | null}} Partner
 * @typedef {{id: string, code: string, expiresAt: string}} Invitation
 * @typedef {{id: string, createdAt: string, expiresAt: string}} OpenInvitation
 * @typedef {{id: string, code: string, name: string, requestCap?: number, owner: {id: string},
 *   pool: {available: number, assigned: number}}} Product
 */
export {};
