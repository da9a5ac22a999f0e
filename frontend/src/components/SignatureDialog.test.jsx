import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api.js';
import { byLabel, mount, setValue, unmountAll } from '../test-utils.jsx';
import { emptySignature, MAX_SIGNATURE_REASON, SignatureDialog, signatureError, signatureInput, signatureProblem } from './SignatureDialog.jsx';

afterEach(unmountAll);

describe('<SignatureDialog>', () => {
  it('states what is signed and reports each field it changes', () => {
    const onChange = vi.fn();
    const el = mount(<SignatureDialog idPrefix="s" statement="Release 12 serials of X" value={emptySignature()} onChange={onChange} />);
    expect(el.querySelector('[data-testid=signature-statement]').textContent).toBe('You are signing: Release 12 serials of X');
    expect(byLabel(el, 'Your password').type).toBe('password');
    expect([...byLabel(el, 'Meaning').options].map((o) => o.value)).toEqual(['PERFORMED', 'REVIEWED', 'APPROVED']);
    setValue(byLabel(el, 'Your password'), 'pw');
    expect(onChange).toHaveBeenLastCalledWith({ password: 'pw', meaning: 'PERFORMED', reason: '' });
    setValue(byLabel(el, 'Meaning'), 'REVIEWED');
    expect(onChange).toHaveBeenLastCalledWith({ password: '', meaning: 'REVIEWED', reason: '' });
    setValue(byLabel(el, 'Why you sign'), 'QA');
    expect(onChange).toHaveBeenLastCalledWith({ password: '', meaning: 'PERFORMED', reason: 'QA' });
    expect(el.querySelector('[data-testid=signature-problem]')).toBeNull();
  });

  it('shows what is missing', () => {
    const el = mount(<SignatureDialog idPrefix="s" statement="x" value={emptySignature()} onChange={() => {}} problem="Enter your password to sign." />);
    expect(el.querySelector('[data-testid=signature-problem]').textContent).toBe('Enter your password to sign.');
    expect(byLabel(el, 'Your password').getAttribute('aria-invalid')).toBe('true');
  });
});

describe('signatureProblem / signatureInput / signatureError', () => {
  it('needs a password and a reason of 1 to 500 characters', () => {
    const ok = { password: 'p', meaning: 'APPROVED', reason: ' why ' };
    expect(signatureProblem(ok)).toBeNull();
    expect(signatureProblem({ ...ok, password: '' })).toBe('Enter your password to sign.');
    expect(signatureProblem({ ...ok, reason: ' \n ' })).toBe('Say why you sign.');
    expect(signatureProblem({ ...ok, reason: 'é'.repeat(MAX_SIGNATURE_REASON) })).toBeNull();
    expect(signatureProblem({ ...ok, reason: 'x'.repeat(MAX_SIGNATURE_REASON + 1) })).toBe('The reason can have at most 500 characters.');
    expect(signatureInput(ok)).toEqual({ password: 'p', meaning: 'APPROVED', reason: 'why' });
  });

  it('words a wrong password plainly and leaves other errors alone', () => {
    const wrong = new ApiError('signature: invalid', { code: 'SIGNATURE_INVALID', status: 403 });
    expect(signatureError(wrong)).toMatchObject({ code: 'SIGNATURE_INVALID', message: 'The password is not right: nothing was signed or changed.' });
    const other = new ApiError('no such product', { code: 'NOT_FOUND' });
    expect(signatureError(other)).toBe(other);
  });
});
