import { afterEach, describe, expect, it } from 'vitest';
import { Highlight, splitMatches } from './highlight.jsx';
import { mount, unmountAll } from './test-utils.jsx';

afterEach(unmountAll);

describe('splitMatches', () => {
  it('marks every case-insensitive occurrence', () => {
    expect(splitMatches('Amoxicillin 500 mg capsules', 'CAP')).toEqual([
      { text: 'Amoxicillin 500 mg ', match: false },
      { text: 'cap', match: true },
      { text: 'sules', match: false },
    ]);
    expect(splitMatches('abcABCabc', 'bc').filter((p) => p.match).map((p) => p.text)).toEqual(['bc', 'BC', 'bc']);
  });

  it('treats the query literally, not as a regular expression', () => {
    expect(splitMatches('Paracetamol (500 mg)', '(5')).toEqual([
      { text: 'Paracetamol ', match: false },
      { text: '(5', match: true },
      { text: '00 mg)', match: false },
    ]);
    expect(splitMatches('a.b', '.*')).toEqual([{ text: 'a.b', match: false }]);
  });

  it('ignores surrounding blanks in the query and returns the text whole when nothing matches', () => {
    expect(splitMatches('04012345000019', '  0123 ')).toEqual([
      { text: '04', match: false },
      { text: '0123', match: true },
      { text: '45000019', match: false },
    ]);
    expect(splitMatches('Ibuprofen', 'xyz')).toEqual([{ text: 'Ibuprofen', match: false }]);
    expect(splitMatches('Ibuprofen', '')).toEqual([{ text: 'Ibuprofen', match: false }]);
  });
});

describe('<Highlight>', () => {
  it('wraps matches in <mark> and keeps the full text', () => {
    const el = mount(<p><Highlight text="Amoxicillin 500 mg capsules" query="amox" /></p>);
    const marks = el.querySelectorAll('mark');
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toBe('Amox');
    expect(el.textContent).toBe('Amoxicillin 500 mg capsules');
  });

  it('renders no <mark> without a query', () => {
    const el = mount(<p><Highlight text="Amoxicillin" query="" /></p>);
    expect(el.querySelector('mark')).toBeNull();
    expect(el.textContent).toBe('Amoxicillin');
  });
});
