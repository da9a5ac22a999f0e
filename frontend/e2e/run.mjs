// End-to-end test of the serialpool web app in a real browser (Debian's chromium driven by
// playwright-core; no browser is ever downloaded).
//
//   SERIALPOOL_URL=http://127.0.0.1:8080 \
//   SERIALPOOL_KEYS='{"keys":{"mah_admin":"…","mah_operator":"…","mah_viewer":"…","cmo_admin":"…"}}' \
//   npm run e2e [-- --only partners,sscc]
//
// The server must already hold the demo data (`serialpool seed-demo`). Expected values are
// read from the GraphQL API with the same keys, never hard-coded. One file per area in
// areas/, each a flow that runs and fails alone (`--only AREA`, or E2E_ONLY=AREA); all of
// them run by default. A screenshot of every step goes to frontend/e2e/screenshots/, named
// <area>-NN-<step>.png.
import { after, before } from 'node:test';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BASE, closeBrowser, KEYS, launch, SHOTS } from './harness.mjs';
import signin from './areas/signin.mjs';
import products from './areas/products.mjs';
import cmo from './areas/cmo.mjs';
import packHistory from './areas/pack-history.mjs';
import operator from './areas/operator.mjs';
import partners from './areas/partners.mjs';
import sscc from './areas/sscc.mjs';

/** In the order of a user's first visit; each area seeds or reads what it needs itself. */
const AREAS = { signin, products, cmo, 'pack-history': packHistory, operator, partners, sscc };

const { values } = parseArgs({ options: { only: { type: 'string' } }, strict: true });
const only = (values.only ?? process.env.E2E_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only.filter((a) => !(a in AREAS));
if (unknown.length) {
  console.error(`e2e: no area ${unknown.join(', ')}; the areas are ${Object.keys(AREAS).join(', ')}.`);
  process.exit(2);
}
if (!BASE || !KEYS?.mah_admin || !KEYS?.cmo_admin) {
  console.error(
    'e2e: set SERIALPOOL_URL (a running, demo-seeded server) and SERIALPOOL_KEYS ' +
      '(the JSON of `serialpool seed-demo --json`, with keys.mah_admin and keys.cmo_admin).',
  );
  process.exit(2);
}
rmSync(SHOTS, { recursive: true, force: true });

before(launch);
after(closeBrowser);

for (const [name, register] of Object.entries(AREAS)) {
  if (!only.length || only.includes(name)) register();
}
