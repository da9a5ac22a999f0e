// End-to-end test of the serialpool web app in a real browser (Debian's chromium driven by
// playwright-core; no browser is ever downloaded).
//
//   SERIALPOOL_URL=http://127.0.0.1:8080 DATABASE_URL=postgres://… npm run e2e [-- --only partners,sscc]
//
// One file per area in areas/, each a flow that runs and fails alone (`--only AREA`, or
// E2E_ONLY=AREA), in any order: before its first step it seeds tenants of its own (with
// bin/serialpool on DATABASE_URL, the server's database) and their products, serials and
// partnerships through the API, and it expects what it seeded. No demo data is needed.
// All areas run by default. A screenshot of every step goes to frontend/e2e/screenshots/,
// named <area>-NN-<step>.png.
import { after, before } from 'node:test';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BASE, closeBrowser, launch, SHOTS } from './harness.mjs';
import signin from './areas/signin.mjs';
import products from './areas/products.mjs';
import cmo from './areas/cmo.mjs';
import packHistory from './areas/pack-history.mjs';
import operator from './areas/operator.mjs';
import partners from './areas/partners.mjs';
import sscc from './areas/sscc.mjs';
import workday from './areas/workday.mjs';
import lists from './areas/lists.mjs';
import dashboard from './areas/dashboard.mjs';
import adminAudit from './areas/admin-audit.mjs';
import adminPackEvents from './areas/admin-pack-events.mjs';
import admin from './areas/admin.mjs';
import adminPartners from './areas/admin-partners.mjs';

/** In the order of a user's first visit; each area seeds what it needs itself. */
const AREAS = { signin, products, cmo, 'pack-history': packHistory, operator, partners, sscc, workday, lists, dashboard, 'admin-audit': adminAudit, 'admin-pack-events': adminPackEvents, admin, 'admin-partners': adminPartners };

const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
const only = (values.only ?? process.env.E2E_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((a) => !(a in AREAS));
if (unknown.length) {
  console.error(`e2e: no area ${unknown.join(', ')}; the areas are ${Object.keys(AREAS).join(', ')}.`);
  process.exit(2);
}
if (!BASE || !process.env.DATABASE_URL) {
  console.error('e2e: set SERIALPOOL_URL (a running server) and DATABASE_URL (its database, where the areas make their tenants).');
  process.exit(2);
}
rmSync(SHOTS, { recursive: true, force: true });

before(launch);
after(closeBrowser);

for (const [name, register] of Object.entries(AREAS)) {
  if (!only.length || only.includes(name)) register();
}
