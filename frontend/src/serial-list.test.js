import { describe, expect, it } from 'vitest';
import { describeSerialList, MAX_RELEASE, parseSerialList, splitCsvLine } from './serial-list.js';

describe('parseSerialList (Release textarea)', () => {
  it('takes one serial per line, trimmed, ignoring blank lines and any line ending', () => {
    const list = parseSerialList('  A1 \r\nB2\n\n\rC3\r\n');
    expect(list.values).toEqual(['A1', 'B2', 'C3']);
    expect(list.duplicates).toBe(0);
    expect(list.blank).toBe(2); // \n\n\r makes two empty lines; the final newline is not one
    expect(list.header).toBeNull();
  });

  it('drops repeated serials, keeping the first position', () => {
    const list = parseSerialList('A\nB\nA\nC\nB\nA');
    expect(list.values).toEqual(['A', 'B', 'C']);
    expect(list.duplicates).toBe(3);
  });

  it('keeps characters of GS1 set 82 that look like CSV (commas, quotes) when there is no header', () => {
    expect(parseSerialList('AB,12\n"X"\n%&*+-./:;<=>?_').values).toEqual(['AB,12', '"X"', '%&*+-./:;<=>?_']);
  });

  it('reads the serial column of a pasted CSV export with a header', () => {
    const csv = 'product_code,serial,assigned_at\n04012340051006,A1,2026-11-25\n04012340051006,"B,2",2026-11-25\n';
    const list = parseSerialList(csv);
    expect(list.header).toBe('product_code,serial,assigned_at');
    expect(list.values).toEqual(['A1', 'B,2']);
  });

  it('skips the one-column "serial" header of a request export', () => {
    expect(parseSerialList('serial\nA1\nA2').values).toEqual(['A1', 'A2']);
    // "value" alone could be a real serial: only a header when it names a column among others
    expect(parseSerialList('value\nA1').values).toEqual(['value', 'A1']);
  });

  it('is empty for whitespace only', () => {
    expect(parseSerialList(' \n\t\n')).toMatchObject({ values: [], duplicates: 0 });
  });

  it('describes the list for the live count', () => {
    expect(describeSerialList(parseSerialList('A'))).toBe('1 serial');
    expect(describeSerialList(parseSerialList('serial\nA\nB\nA'))).toBe('2 serials · 1 duplicate dropped · CSV header skipped');
    expect(describeSerialList(parseSerialList('A\nA\nA\nB'))).toBe('2 serials · 2 duplicates dropped');
    expect(MAX_RELEASE).toBe(100_000);
  });
});

describe('splitCsvLine', () => {
  it('splits on commas outside quotes and unescapes doubled quotes', () => {
    expect(splitCsvLine('a,"b,c",d')).toEqual(['a', 'b,c', 'd']);
    expect(splitCsvLine('"say ""hi""",x')).toEqual(['say "hi"', 'x']);
    expect(splitCsvLine('a,,')).toEqual(['a', '', '']);
  });
});
