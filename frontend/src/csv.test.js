import { describe, expect, it } from 'vitest';
import { csvFilename, readAll, toCsv } from './csv.js';

describe('CSV', () => {
  it('quotes what needs quoting, with CRLF line ends', () => {
    expect(toCsv(['code', 'name'], [['04012340051013', 'Amoxicillin, 500 mg'], ['1', 'say "hi"'], ['2', null], ['3', ' x']])).toBe(
      'code,name\r\n04012340051013,"Amoxicillin, 500 mg"\r\n1,"say ""hi"""\r\n2,\r\n3," x"\r\n',
    );
  });

  it('keeps a spreadsheet from running a cell as a formula, as the server’s exports do', () => {
    expect(toCsv(['serial', 'n'], [['+A1', -5], ['=1+2', 0], ['-x', 1], ['@a', 2], ['A-1', 3]])).toBe(
      "serial,n\r\n'+A1,-5\r\n'=1+2,0\r\n'-x,1\r\n'@a,2\r\nA-1,3\r\n",
    );
  });

  it('names a file by its UTC day, also just before midnight in a zone east of UTC', () => {
    expect(csvFilename('products', new Date('2026-12-02T23:30:00Z'))).toBe('products-2026-12-02.csv');
    expect(csvFilename('products', new Date('2026-12-03T00:30:00+02:00'))).toBe('products-2026-12-02.csv');
  });

  it('reads every page in order, following endCursor', async () => {
    const pages = { null: { edges: [{ node: 1 }, { node: 2 }], pageInfo: { hasNextPage: true, endCursor: 'c2' } },
      c2: { edges: [{ node: 3 }], pageInfo: { hasNextPage: false, endCursor: 'c3' } } };
    const asked = [];
    const progress = [];
    const all = await readAll(async (after) => (asked.push(after), pages[String(after)]), (n) => progress.push(n));
    expect(all).toEqual([1, 2, 3]);
    expect(asked).toEqual([null, 'c2']);
    expect(progress).toEqual([2, 3]);
  });
});
