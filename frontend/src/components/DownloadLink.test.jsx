import { afterEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { fakeFetch, flush, mount, unmountAll } from '../test-utils.jsx';
import { DownloadLink } from './DownloadLink.jsx';

describe('DownloadLink', () => {
  afterEach(() => {
    unmountAll();
    vi.restoreAllMocks();
  });

  function setup() {
    const fake = fakeFetch(() => ({ text: 'a,b\n', headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="PO-1-2026-12-01.csv"' } }));
    const saved = vi.fn();
    const el = mount(
      <DownloadLink path="/api/v2/audit.csv?action=x" filename="fallback.csv" onSaved={saved}>
        CSV
      </DownloadLink>,
      { client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }) },
    );
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x');
    return { fake, saved, link: /** @type {HTMLAnchorElement} */ (el.querySelector('a')) };
  }

  /** @param {HTMLAnchorElement} link @param {MouseEventInit} init */
  const press = (link, init) => {
    let prevented = false;
    act(() => {
      const e = new MouseEvent('click', { bubbles: true, cancelable: true, ...init });
      link.dispatchEvent(e);
      prevented = e.defaultPrevented;
    });
    return prevented;
  };

  it('is a real link to the file, which a plain click fetches and saves under the server\'s name', async () => {
    const { fake, saved, link } = setup();
    expect(link.getAttribute('href')).toBe('/api/v2/audit.csv?action=x');
    expect(press(link, { button: 0 })).toBe(true);
    await flush();
    expect(fake.calls.map((c) => c.url)).toEqual(['/api/v2/audit.csv?action=x']);
    expect(saved).toHaveBeenCalledWith('PO-1-2026-12-01.csv', expect.any(Blob));
  });

  it('leaves a modified click to the browser (a new tab opens the link with the session)', async () => {
    const { fake, link } = setup();
    for (const init of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }]) {
      expect(press(link, { button: 0, ...init })).toBe(false);
    }
    await flush();
    expect(fake.calls).toEqual([]);
  });
});
