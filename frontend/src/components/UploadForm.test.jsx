import { afterEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { createClient } from '../api.js';
import { button, fakeFetch, fakeXhr, flush, mount, submit, unmountAll } from '../test-utils.jsx';
import { UploadForm } from './UploadForm.jsx';

afterEach(unmountAll);

const wait = (ms) => act(() => new Promise((r) => setTimeout(r, ms)));

/** Chooses a file in the file input (what a user's pick does). */
async function choose(el, text, name = 'serials.csv') {
  const input = el.querySelector('input[type=file]');
  const file = new File([text], name, { type: 'text/csv' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await flush();
  await wait(5);
  return file;
}

function setup({ source = 'SAP_ATTP', intake = () => ({ body: { state: 'RUNNING', rowsRead: 2 } }) } = {}) {
  const fake = fakeFetch((op) => (op.startsWith('GET /api/v2/intake/') ? intake() : { body: {} }));
  const xhr = fakeXhr();
  const onDone = vi.fn();
  const client = createClient({ fetch: fake.fetch, XMLHttpRequest: xhr.XHR, getCsrfToken: () => 'k' });
  const el = mount(<UploadForm product={{ code: '04012340051013', source }} idPrefix="up" onDone={onDone} pollMs={5} />, { client });
  return { el, fake, xhr, onDone, form: el.querySelector('form') };
}

const bar = (el) => el.querySelector('[role=progressbar]');
const label = (el) => el.querySelector('[data-testid=upload-progress-label]').textContent;

describe('<UploadForm>', () => {
  it('defaults the source to the product’s and offers EXTERNAL beside it', () => {
    const { el } = setup();
    const select = el.querySelector('select');
    expect(select.value).toBe('SAP_ATTP');
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['SAP_ATTP', 'SAP ATTP'],
      ['EXTERNAL', 'External (Manufacturer API)'],
    ]);
    const snm = setup({ source: 'SNM' });
    expect([...snm.el.querySelector('select').options].map((o) => o.value)).toEqual(['EXTERNAL']);
  });

  it('counts the file’s rows, then shows bytes sent, rows read and the stored result', async () => {
    const { el, fake, xhr, onDone, form } = setup();
    const file = await choose(el, 'serial\nA1\nA2\nA3\nA40\n'); // 20 bytes
    expect(el.querySelector('[data-testid=upload-file-info]').textContent).toMatch(/^serials\.csv · \d+ B · 4 serials \(header skipped\)$/);
    submit(form);
    await flush();
    const request = xhr.instances[0];
    expect(request.url).toBe('/api/v2/products/04012340051013/serials?source=SAP_ATTP');
    expect(request.body).toBe(file);
    expect(request.headers['Content-Type']).toBe('text/csv');
    const key = request.headers['Idempotency-Key'];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(bar(el).getAttribute('aria-valuenow')).toBe('0');
    expect(button(el, 'Uploading…').disabled).toBe(true);
    expect(button(el, 'Cancel')).toBeTruthy();

    act(() => request.progress(file.size / 2, file.size));
    expect(bar(el).getAttribute('aria-valuenow')).toBe('45');
    expect(label(el)).toBe('45% · Sending · 10 B of 20 B');

    act(() => request.progress(file.size, file.size));
    await wait(30); // the progress endpoint is asked by the same key
    expect(fake.calls.some((c) => c.op === `GET /api/v2/intake/${key}`)).toBe(true);
    expect(label(el)).toBe('90% · Storing · 2 of 4 rows read');

    act(() => request.respond(201, { batchId: 9, productCode: '04012340051013', source: 'SAP_ATTP', accepted: 4, duplicates: 0, replayed: false }));
    await flush();
    expect(bar(el).getAttribute('aria-valuenow')).toBe('100');
    expect(el.querySelector('.progress-fill').style.width).toBe('100%');
    expect(label(el)).toBe('100% · Stored · 4 rows');
    expect(el.querySelector('[data-testid=action-success]').textContent).toBe(
      'Stored 4 serials from SAP ATTP (batch 9); they are Available.',
    );
    expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ accepted: 4 }));
    const polls = fake.calls.length;
    await wait(30);
    expect(fake.calls.length).toBe(polls); // polling stopped
  });

  it('lists the refused rows of a rejected file, and a new upload gets a new key', async () => {
    const { el, xhr, onDone, form } = setup({ intake: () => ({ status: 404, body: { errors: [{ message: 'no batch', extensions: { code: 'NOT_FOUND' } }] } }) });
    await choose(el, 'A1\nBAD VALUE\n');
    submit(form);
    await flush();
    act(() =>
      xhr.instances[0].respond(400, {
        errors: [
          {
            message: "1 of the batch's rows were rejected, nothing was stored",
            extensions: { code: 'BAD_USER_INPUT', rows: [{ row: 2, value: 'BAD VALUE', code: 'serial_charset', reason: "character ' ' is not in GS1 character set 82" }], total: 1 },
          },
        ],
      }),
    );
    await flush();
    expect(el.querySelector('[role=alert]').textContent).toContain('Nothing was stored');
    expect([...el.querySelector('.row-errors tbody tr').children].map((c) => c.textContent)).toEqual([
      '2',
      'BAD VALUE',
      "character ' ' is not in GS1 character set 82",
    ]);
    expect(el.querySelector('.row-errors tbody tr').dataset.code).toBe('serial_charset'); // the rule, not as text
    expect(el.querySelector('[role=progressbar]')).toBeNull(); // refused: no bar, the error says why
    expect(onDone).not.toHaveBeenCalled();
    submit(form);
    await flush();
    expect(xhr.instances[1].headers['Idempotency-Key']).not.toBe(xhr.instances[0].headers['Idempotency-Key']);
  });

  it('retries a lost upload with the same idempotency key (stored at most once)', async () => {
    const { el, xhr, form } = setup();
    await choose(el, 'A1\n');
    submit(form);
    await flush();
    act(() => xhr.instances[0].fail());
    await flush();
    expect(el.querySelector('[role=alert]').textContent).toContain('did not reach the server');
    expect(el.querySelector('.upload-progress').classList.contains('is-failed')).toBe(true);
    expect(label(el)).toBe('0% · Stopped');
    submit(form);
    await flush();
    expect(xhr.instances[1].headers['Idempotency-Key']).toBe(xhr.instances[0].headers['Idempotency-Key']);
  });

  it('needs a file, and a file with serials', async () => {
    const { el, xhr, form } = setup();
    submit(form);
    expect(el.querySelector('.field-error').textContent).toBe('Choose a CSV file of serials.');
    expect(document.activeElement).toBe(el.querySelector('input[type=file]'));
    await choose(el, 'serial\n\n');
    submit(form);
    expect(el.querySelector('.field-error').textContent).toBe('The file has no serials.');
    expect(xhr.instances).toHaveLength(0);
  });

  it('cancels an upload in flight', async () => {
    const { el, xhr, form } = setup();
    await choose(el, 'A1\n');
    submit(form);
    await flush();
    act(() => button(el, 'Cancel').click());
    await flush();
    expect(xhr.instances[0].aborted).toBe(true);
    expect(el.querySelector('[role=alert]').textContent).toContain('The upload was cancelled; nothing was stored.');
    expect(el.querySelector('[role=progressbar]')).toBeNull();
  });
});
