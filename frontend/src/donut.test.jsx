import { afterEach, describe, expect, it } from 'vitest';
import { donutLegend, PoolDonut, tooltipText } from './donut.jsx';
import { mount, unmountAll } from './test-utils.jsx';
import { act } from 'preact/test-utils';
import { render } from 'preact';

afterEach(unmountAll);

describe('donut legend', () => {
  it('lists Available then Assigned with counts and shares', () => {
    const items = donutLegend({ available: 12345, assigned: 4115, total: 16460 });
    expect(items.map((i) => [i.status, i.label, i.count, i.percent])).toEqual([
      ['AVAILABLE', 'Available', 12345, '75%'],
      ['ASSIGNED', 'Assigned', 4115, '25%'],
    ]);
  });

  it('handles an empty pool', () => {
    const items = donutLegend({ available: 0, assigned: 0, total: 0 });
    expect(items.map((i) => i.percent)).toEqual(['0%', '0%']);
  });

  it('formats the tooltip like "Available: 12,345"', () => {
    expect(tooltipText('Available', 12345)).toBe('Available: 12,345');
    expect(tooltipText('Assigned', 0)).toBe('Assigned: 0');
  });
});

describe('<PoolDonut>', () => {
  it('writes the counts as text for screen readers and hides the canvas from them', () => {
    const el = mount(<PoolDonut pool={{ available: 12345, assigned: 678, total: 13023, low: false }} label="04012345000019" />);
    const figure = el.querySelector('figure');
    expect(figure.getAttribute('aria-label')).toBe('Serial number pool of 04012345000019');
    const rows = [...el.querySelectorAll('.donut-legend li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual([
      'Available: 12,345 serials (95%)',
      'Assigned: 678 serials (5%)',
      'Total: 13,023 serials',
    ]);
    expect(el.querySelector('canvas').getAttribute('aria-hidden')).toBe('true');
    // The hover tooltip starts hidden.
    expect(el.querySelector('.donut-tooltip').hidden).toBe(true);
  });

  it('updates the legend when the counts change (live refresh)', () => {
    const container = mount(<PoolDonut pool={{ available: 10, assigned: 0, total: 10 }} label="X" />);
    act(() => {
      render(<PoolDonut pool={{ available: 7, assigned: 3, total: 10 }} label="X" />, container);
    });
    const counts = [...container.querySelectorAll('.legend-count')].map((n) => n.textContent);
    expect(counts).toEqual(['7 serials', '3 serials', '10 serials']);
  });
});
