import { describe, expect, it } from 'vitest';
import { countFileRows, createRowCounter, formatBytes, uploadProgress } from './upload.js';

describe('row counting of a CSV file', () => {
  it('counts non-empty lines, skipping a serial/value header', () => {
    const c = createRowCounter();
    c.push('serial\nA1\nA2\n\nA3');
    expect(c.end()).toEqual({ rows: 3, header: true });
    const v = createRowCounter();
    v.push('"Value",91,92\r\nA,abcd,x\r\n');
    expect(v.end()).toEqual({ rows: 1, header: true });
  });

  it('counts files without a header, with CRLF and a final newline', () => {
    const c = createRowCounter();
    c.push('A1\r\nA2\r\n');
    expect(c.end()).toEqual({ rows: 2, header: false });
  });

  it('gives the same count whatever the chunk boundaries', () => {
    const text = 'serial\nABC\nDEF\n  \nGHI\n';
    for (let size = 1; size <= text.length; size++) {
      const c = createRowCounter();
      for (let i = 0; i < text.length; i += size) c.push(text.slice(i, i + size));
      expect(c.end()).toEqual({ rows: 3, header: true });
    }
  });

  it('leading blank lines do not hide a header', () => {
    const c = createRowCounter();
    c.push('\n\nserial\nX\n');
    expect(c.end()).toEqual({ rows: 1, header: true });
  });

  it('counts a File through its stream', async () => {
    const file = new File(['serial\n', 'A\nB\n', 'C'], 'x.csv', { type: 'text/csv' });
    expect(await countFileRows(file)).toEqual({ rows: 3, header: true });
  });
});

describe('uploadProgress', () => {
  const base = { sent: 0, size: 1000, rows: 100, rowsRead: null, stored: false };

  it('shows bytes sent while sending, up to 90 %', () => {
    expect(uploadProgress(base)).toEqual({ percent: 0, phase: 'sending', label: 'Sending · 0 B of 1000 B' });
    expect(uploadProgress({ ...base, sent: 500 })).toMatchObject({ percent: 45, phase: 'sending' });
    expect(uploadProgress({ ...base, sent: 1000 })).toMatchObject({ percent: 90, phase: 'storing', label: 'Storing' });
  });

  it('counts the rows the server has read up to 99 %, never 100 % before the result', () => {
    expect(uploadProgress({ ...base, sent: 1000, rowsRead: 95 })).toEqual({
      percent: 94,
      phase: 'storing',
      label: 'Storing · 95 of 100 rows read',
    });
    expect(uploadProgress({ ...base, sent: 1000, rowsRead: 100 }).percent).toBe(99);
    // The server's rows can run ahead of the browser's byte count (buffers).
    expect(uploadProgress({ ...base, sent: 400, rowsRead: 80 }).percent).toBe(79);
  });

  it('says how many serials it is storing once every row is read, instead of sitting at 99 %', () => {
    const big = { sent: 30e6, size: 30e6, rows: 1_000_000, rowsRead: 1_000_000, stored: false };
    expect(uploadProgress(big)).toEqual({ percent: 99, phase: 'storing', label: 'Storing 1,000,000 serials…' });
    expect(uploadProgress({ ...big, rows: 1, rowsRead: 1 }).label).toBe('Storing 1 serial…');
    expect(uploadProgress({ ...big, rowsRead: 999_999 }).label).toBe('Storing · 999,999 of 1,000,000 rows read');
  });

  it('is 100 % once stored', () => {
    expect(uploadProgress({ ...base, sent: 1000, rowsRead: 100, stored: true })).toEqual({
      percent: 100,
      phase: 'stored',
      label: 'Stored · 100 rows',
    });
  });

  it('copes with unknown sizes and rows', () => {
    expect(uploadProgress({ sent: 0, size: 0, rows: null, rowsRead: 7, stored: false })).toMatchObject({ percent: 0 });
    expect(uploadProgress({ sent: 10, size: 10, rows: null, rowsRead: 7, stored: false }).label).toBe('Storing · 7 rows read');
  });

  it('formats byte sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.00 GB');
  });
});
