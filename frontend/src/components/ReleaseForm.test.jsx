import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../api.js';
import { button, fakeFetch, flush, mount, sign, SIGNATURE, submit, typeInto, unmountAll } from '../test-utils.jsx';
import { ReleaseForm } from './ReleaseForm.jsx';

afterEach(unmountAll);

function setup(handler) {
  const fake = fakeFetch(handler);
  const onDone = vi.fn();
  const el = mount(<ReleaseForm code="04012340051006" idPrefix="rel" onDone={onDone} />, {
    client: createClient({ fetch: fake.fetch, getCsrfToken: () => 'k' }),
  });
  return { el, fake, onDone, area: el.querySelector('textarea'), form: el.querySelector('form') };
}

describe('<ReleaseForm>', () => {
  it('counts the pasted serials live and sends them deduplicated', async () => {
    const { el, fake, onDone, area, form } = setup(() => ({ body: { data: { releaseSerials: { released: 3 } } } }));
    expect(el.querySelector('label').textContent).toBe('Serials to release (one per line)');
    expect(area.getAttribute('aria-describedby')).toBe('rel-serials-hint');
    typeInto(area, 'A1\nB2\n\nA1\nC3\n');
    expect(el.querySelector('[data-testid=release-count]').textContent.trim()).toBe('3 serials · 1 duplicate dropped');
    expect(button(el, 'Release 3 serials')).toBeTruthy();
    submit(form);
    await flush();
    // Asked first: nothing is sent before the confirmation.
    expect(fake.calls).toHaveLength(0);
    expect(el.querySelector('[data-testid=confirm] .callout-title').textContent).toBe('Release 3 serials back to Available?');
    expect(el.querySelector('[data-testid=signature-statement]').textContent).toBe('You are signing: Release 3 serials of 04012340051006');
    sign(el);
    button(el, 'Yes, release 3 serials').click();
    await flush();
    expect(fake.calls[0].op).toBe('ReleaseSerials');
    expect(fake.calls[0].variables).toEqual({ input: { productCode: '04012340051006', serials: ['A1', 'B2', 'C3'] }, signature: SIGNATURE });
    expect(el.querySelector('[role=status]').textContent).toBe('Released 3 serials; they are Available again.');
    expect(onDone).toHaveBeenCalledWith(3);
    expect(area.value).toBe(''); // ready for the next batch
  });

  it('asks for serials before sending anything', () => {
    const { el, fake, area, form } = setup(() => ({ body: {} }));
    submit(form);
    expect(fake.calls).toHaveLength(0);
    expect(el.querySelector('.field-error').textContent).toBe('Enter the serials to release, one per line.');
    expect(area.getAttribute('aria-invalid')).toBe('true');
    expect(area.getAttribute('aria-describedby')).toBe('rel-serials-hint rel-serials-error');
    expect(document.activeElement).toBe(area);
  });

  it('shows each refused serial and the rule when the server refuses the batch', async () => {
    const { el, onDone, area, form } = setup(() => ({
      body: {
        data: null,
        errors: [
          {
            message: "2 of the batch's rows were rejected, nothing was stored",
            extensions: {
              code: 'BAD_USER_INPUT',
              rows: [
                { row: 1, value: 'EXT1', code: 'external', reason: 'external serials can never be released' },
                { row: 3, value: 'PK1', code: 'has_pack_events', reason: 'the serial has pack events' },
              ],
              total: 2,
            },
          },
        ],
      },
    }));
    typeInto(area, 'EXT1\nOK1\nPK1');
    submit(form);
    await flush();
    sign(el);
    button(el, 'Yes, release 3 serials').click();
    await flush();
    expect(el.querySelector('[role=alert]').textContent).toContain('No serials were released');
    const cells = [...el.querySelectorAll('.row-errors tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(cells).toEqual([
      ['1', 'EXT1', 'external serials can never be released'],
      ['3', 'PK1', 'the serial has pack events'],
    ]);
    expect(el.querySelector('.row-errors-summary').textContent).toBe('2 rows were refused; nothing was changed.');
    expect(onDone).not.toHaveBeenCalled();
    expect(area.value).toBe('EXT1\nOK1\nPK1'); // kept, to fix and resend
  });

  it('says one serial in the singular, and Back releases nothing', async () => {
    const { el, fake, area, form } = setup(() => ({ body: { data: { releaseSerials: { released: 1 } } } }));
    typeInto(area, 'A1');
    expect(button(el, 'Release 1 serial')).toBeTruthy();
    submit(form);
    await flush();
    button(el, 'Back').click();
    await flush();
    expect(el.querySelector('[data-testid=confirm]')).toBeNull();
    expect(fake.calls).toHaveLength(0);
    submit(form);
    await flush();
    sign(el);
    button(el, 'Yes, release 1 serial').click();
    await flush();
    expect(el.querySelector('[role=status]').textContent).toBe('Released 1 serial; it is Available again.');
    // A new mistake clears the old note: a message belongs to the last action.
    submit(form);
    await flush();
    expect(el.querySelector('[role=status]')).toBeNull();
    expect(el.querySelector('.field-error').textContent).toBe('Enter the serials to release, one per line.');
  });

  it('sends nothing unsigned, and a wrong password says so in words', async () => {
    const { el, fake, onDone, area, form } = setup(() => ({
      body: { data: null, errors: [{ message: 'signature: the password is wrong', extensions: { code: 'SIGNATURE_INVALID' } }] },
    }));
    typeInto(area, 'A1');
    submit(form);
    await flush();
    button(el, 'Yes, release 1 serial').click();
    await flush();
    expect(fake.calls).toHaveLength(0);
    expect(el.querySelector('[data-testid=signature-problem]').textContent).toBe('Enter your password to sign.');
    sign(el, { ...SIGNATURE, reason: '  ' });
    button(el, 'Yes, release 1 serial').click();
    await flush();
    expect(fake.calls).toHaveLength(0);
    expect(el.querySelector('[data-testid=signature-problem]').textContent).toBe('Say why you sign.');
    sign(el, { ...SIGNATURE, password: 'wrong password!' });
    button(el, 'Yes, release 1 serial').click();
    await flush();
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0].variables.signature).toEqual({ ...SIGNATURE, password: 'wrong password!' });
    const error = el.querySelector('[data-testid=action-error]');
    expect(error.dataset.code).toBe('SIGNATURE_INVALID');
    expect(error.querySelector('.callout-message').textContent).toBe('The password is not right: nothing was signed or changed.');
    expect(onDone).not.toHaveBeenCalled();
    expect(area.value).toBe('A1'); // kept, to sign again
  });
});
