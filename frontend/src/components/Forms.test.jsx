import { afterEach, describe, expect, it } from 'vitest';
import { mount, unmountAll } from '../test-utils.jsx';
import { ActionError, refusedMessage, RowErrors, rowErrorSummary } from './Forms.jsx';

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

  it('renders one table row per refused row: line, serial and reason (the rule as data-code, not as text)', () => {
    const el = mount(<RowErrors rows={rows} total={2} />);
    const trs = [...el.querySelectorAll('tbody tr')];
    expect(trs.map((tr) => [...tr.children].map((c) => c.textContent))).toEqual([
      ['2', 'NOPE', 'no such serial in your pool'],
      ['7', '(empty)', 'length: 0 characters, want 1 to 20'],
    ]);
    expect(trs.map((tr) => tr.dataset.code)).toEqual(['not_found', 'serial_length']);
    // The table scrolls inside a labelled, focusable region.
    const region = el.querySelector('[role=region]');
    expect(region.getAttribute('aria-label')).toBe('Refused rows');
    expect(region.tabIndex).toBe(0);
  });

  it('announces the error in words (no raw code) but not the whole table', () => {
    const error = { message: "2 of the batch's rows were rejected", code: 'BAD_USER_INPUT', rows, total: 2 };
    const el = mount(<ActionError error={error} title="No serials were released" />);
    const alert = el.querySelector('[role=alert]');
    expect(alert.textContent).toBe('No serials were released2 lines were refused. Nothing was changed.');
    expect(el.querySelector('[data-testid=action-error]').dataset.code).toBe('BAD_USER_INPUT');
    expect(alert.querySelector('table')).toBeNull();
    expect(el.querySelectorAll('.row-errors tbody tr')).toHaveLength(2);
  });

  it('shows a plain error without a table', () => {
    const el = mount(<ActionError error={{ message: 'Only 3 serials are available', code: 'INSUFFICIENT_SERIALS' }} />);
    expect(el.querySelector('[role=alert]').textContent).toBe('Only 3 serials are available');
    expect(el.querySelector('table')).toBeNull();
  });

  it('names the one refused serial in a sentence, not “1 of the batch’s rows … row 1”', () => {
    const one = [{ row: 1, value: 'NOPE', code: 'not_found', reason: 'no such serial in your pool' }];
    expect(refusedMessage(one, 1)).toBe('“NOPE” (line 1) was refused: no such serial in your pool. Nothing was changed.');
    const error = { message: "1 of the batch's rows were rejected, nothing was stored; first: row 1", code: 'BAD_USER_INPUT', rows: one, total: 1 };
    const el = mount(<ActionError error={error} />);
    expect(el.textContent).not.toMatch(/rows were|BAD_USER_INPUT|row 1/);
    expect(el.querySelector('.row-errors-summary')).toBeNull();
    expect(el.querySelectorAll('.row-errors tbody tr')).toHaveLength(1);
    expect(refusedMessage([{ row: 4, value: '', code: 'x', reason: 'empty serial' }], 1)).toBe(
      'The empty line 4 was refused: empty serial. Nothing was changed.',
    );
    expect(refusedMessage(one, 250)).toBe('250 lines were refused. Nothing was changed.');
  });
});
