import { afterEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from '../test-utils.jsx';
import { ActionError, RowErrors, rowErrorSummary } from './Forms.jsx';

afterEach(unmountAll);

const rows = [
  { row: 2, value: 'NOPE', code: 'not_found', reason: 'no such serial in your pool' },
  { row: 7, value: '', code: 'serial_length', reason: 'length: 0 characters, want 1 to 20' },
];

describe('refused rows', () => {
  it('words the summary, naming when only the first rows are listed', () => {
    expect(rowErrorSummary(1, 1)).toBe('1 row was refused; nothing was changed.');
    expect(rowErrorSummary(2, 2)).toBe('2 rows were refused; nothing was changed.');
    expect(rowErrorSummary(100, 2500)).toBe('2,500 rows were refused; nothing was changed. The first 100 are listed.');
  });

  it('renders one table row per refused row: row, serial, rule and reason', () => {
    const el = mount(<RowErrors rows={rows} total={2} />);
    const trs = [...el.querySelectorAll('tbody tr')];
    expect(trs.map((tr) => [...tr.children].map((c) => c.textContent))).toEqual([
      ['2', 'NOPE', 'not_found', 'no such serial in your pool'],
      ['7', '(empty)', 'serial_length', 'length: 0 characters, want 1 to 20'],
    ]);
    expect(trs.map((tr) => tr.dataset.code)).toEqual(['not_found', 'serial_length']);
    // The table scrolls inside a labelled, focusable region.
    const region = el.querySelector('[role=region]');
    expect(region.getAttribute('aria-label')).toBe('Refused rows');
    expect(region.tabIndex).toBe(0);
  });

  it('announces the error (message and code) but not the whole table', () => {
    const error = { message: "2 of the batch's rows were rejected", code: 'BAD_USER_INPUT', rows, total: 2 };
    const el = mount(<ActionError error={error} title="No serials were released" />);
    const alert = el.querySelector('[role=alert]');
    expect(alert.textContent).toBe("No serials were released2 of the batch's rows were rejected (BAD_USER_INPUT)");
    expect(alert.querySelector('table')).toBeNull();
    expect(el.querySelectorAll('.row-errors tbody tr')).toHaveLength(2);
  });

  it('shows a plain error without a table', () => {
    const el = mount(<ActionError error={{ message: 'Only 3 serials are available', code: 'INSUFFICIENT_SERIALS' }} />);
    expect(el.querySelector('[role=alert]').textContent).toBe('Only 3 serials are available (INSUFFICIENT_SERIALS)');
    expect(el.querySelector('table')).toBeNull();
  });
});
