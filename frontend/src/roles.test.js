import { describe, expect, it } from 'vitest';
import { canAdminister, canOperate, ownsProduct, productActions, uploadSourcesFor } from './roles.js';

const mah = (role) => ({ tenant: { id: 'T1', name: 'Demo Pharma' }, role });
const cmo = (role) => ({ tenant: { id: 'T2', name: 'Demo CMO' }, role });
const product = (source, owner = 'T1') => ({ code: 'C', source, owner: { id: owner, name: 'x' } });

describe('roles', () => {
  it('viewers read, operators operate, admins also administer', () => {
    expect([canOperate('VIEWER'), canOperate('OPERATOR'), canOperate('ADMIN')]).toEqual([false, true, true]);
    expect([canAdminister('VIEWER'), canAdminister('OPERATOR'), canAdminister('ADMIN')]).toEqual([false, false, true]);
  });

  it('offers the product actions the role and the product allow', () => {
    expect(productActions(mah('VIEWER'), product('SNM'))).toEqual([]);
    expect(productActions(mah('OPERATOR'), product('SNM'))).toEqual(['generate', 'request', 'release', 'upload']);
    expect(productActions(mah('ADMIN'), product('SNM'))).toEqual(['generate', 'request', 'release', 'upload', 'limits']);
    // Generate is for SNM products only.
    expect(productActions(mah('OPERATOR'), product('SAP_ATTP'))).toEqual(['request', 'release', 'upload']);
    // A CMO requests and releases what was assigned to it; it neither generates, uploads nor sets limits.
    expect(ownsProduct(cmo('ADMIN'), product('PARTNER'))).toBe(false);
    expect(productActions(cmo('ADMIN'), product('PARTNER'))).toEqual(['request', 'release']);
  });

  it('uploads name the product’s own source, or EXTERNAL', () => {
    expect(uploadSourcesFor('SAP_ATTP')).toEqual(['SAP_ATTP', 'EXTERNAL']);
    expect(uploadSourcesFor('TRACELINK')).toEqual(['TRACELINK', 'EXTERNAL']);
    expect(uploadSourcesFor('SNM')).toEqual(['EXTERNAL']);
    expect(uploadSourcesFor('EXTERNAL')).toEqual(['EXTERNAL']);
  });
});
