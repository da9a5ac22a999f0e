import { describe, expect, it } from 'vitest';
import { productArgs, productView, productViewPath, serialsView, serialsViewPath } from './list-state.js';

const view = (q) => productView(new URLSearchParams(q));

describe('product list view in the address', () => {
  it('reads defaults from a bare address and writes them back as the bare path', () => {
    const v = view('');
    expect(v).toEqual({ search: '', source: '', schema: '', sort: 'code', desc: false, size: 50, after: null, before: null, page: 0 });
    expect(productViewPath(v)).toBe('/pool/serial-numbers');
  });

  it('round-trips search, filters, order, page size and position', () => {
    const path = productViewPath({ search: 'amox', source: 'SAP_ATTP', schema: 'PPN', sort: 'available', desc: true, size: 100, after: 'YWJj', page: 2 });
    expect(path).toBe('/pool/serial-numbers?search=amox&source=SAP_ATTP&schema=PPN&sort=available&dir=desc&size=100&after=YWJj&page=2');
    expect(view(path.split('?')[1])).toEqual({ search: 'amox', source: 'SAP_ATTP', schema: 'PPN', sort: 'available', desc: true, size: 100, after: 'YWJj', before: null, page: 2 });
  });

  it('ignores what it does not know instead of sending it to the server', () => {
    const v = view('source=NOPE&schema=SSCC&sort=price&size=7&page=-3&before=' + 'x'.repeat(201));
    expect(v).toMatchObject({ source: '', schema: '', sort: 'code', size: 50, before: null, page: 0 });
    expect(view('page=4').page).toBe(0); // a page number without its cursor is the first page
  });

  it('sends only what differs from the server defaults (the plain list asks as before)', () => {
    expect(JSON.parse(JSON.stringify(productArgs(view('')).variables))).toEqual({ search: null, first: 50, after: null });
    expect(productArgs(view('sort=name&source=TRACELINK&schema=GTIN&size=25'))).toEqual({
      variables: { search: null, source: 'TRACELINK', codeSchema: 'GTIN', orderBy: { field: 'NAME', direction: 'ASC' }, first: 25, after: null },
      reverse: false,
    });
  });

  it('reads a page before a row in the reverse order, both ways round', () => {
    expect(productArgs(view('before=c1&page=1'))).toMatchObject({ variables: { orderBy: { field: 'CODE', direction: 'DESC' }, after: 'c1' }, reverse: true });
    expect(productArgs(view('sort=available&dir=desc&before=c1&page=3'))).toMatchObject({
      variables: { orderBy: { field: 'AVAILABLE', direction: 'ASC' }, after: 'c1' },
      reverse: true,
    });
  });
});

describe('serials table view in the address', () => {
  it('round-trips status, search, page size and position', () => {
    const path = serialsViewPath('0401/1', { status: 'ASSIGNED', search: 'A%1', size: 200, after: 'Yw', page: 3 });
    expect(path).toBe('/pool/products/0401%2F1/serials?status=ASSIGNED&search=A%251&size=200&after=Yw&page=3');
    expect(serialsView(new URLSearchParams(path.split('?')[1]))).toEqual({ status: 'ASSIGNED', search: 'A%1', size: 200, after: 'Yw', page: 3 });
    expect(serialsViewPath('04012345000019', { status: '', search: '', size: 50 })).toBe('/pool/products/04012345000019/serials');
    expect(serialsView(new URLSearchParams('status=USED&size=51'))).toEqual({ status: '', search: '', size: 50, after: null, page: 0 });
  });
});
