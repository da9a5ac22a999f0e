import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api.js';
import { act } from 'preact/test-utils';
import { button, byLabel, mount, setValue, unmountAll } from '../test-utils.jsx';
import {
  emptySignature,
  MAX_SIGNATURE_REASON,
  REAUTH_FAILED,
  REAUTH_MESSAGE,
  SignatureDialog,
  signatureError,
  signatureInput,
  signatureProblem,
  usedSignature,
} from './SignatureDialog.jsx';

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

describe('<SignatureDialog> for a person signed in with the provider', () => {
  const ssoViewer = { tenant: { id: 'VGVuYW50OjE', name: 'Demo Pharma' }, role: 'ADMIN', user: { name: 'Alice', email: 'a@x', role: 'admin', signsWith: 'provider' } };
  const post = (data, origin = window.location.origin) => act(() => window.dispatchEvent(new MessageEvent('message', { data, origin })));

  it('asks for no password: signing in again at the provider, in a window, makes it ready', () => {
    const open = vi.spyOn(window, 'open').mockReturnValue(/** @type {any} */ ({}));
    let value = emptySignature();
    const onChange = vi.fn((v) => {
      value = v;
    });
    const el = mount(<SignatureDialog idPrefix="s" statement="x" value={value} onChange={onChange} />, { viewer: ssoViewer });
    expect(onChange).toHaveBeenLastCalledWith({ ...emptySignature(), byProvider: true });
    expect(el.querySelector('input[type=password]')).toBeNull();
    act(() => button(el, 'Sign in again with your provider').click());
    expect(open).toHaveBeenCalledWith('/auth/oidc/VGVuYW50OjE/start?reauth=1', 'serialpool-reauth', 'popup,width=520,height=700');
    post({ type: REAUTH_MESSAGE }, 'https://evil.example'); // another site's message counts for nothing
    expect(value.reauthenticated).toBeUndefined();
    post({ type: REAUTH_MESSAGE });
    expect(value).toMatchObject({ byProvider: true, reauthenticated: true });
    open.mockRestore();
  });

  it('says when the provider did not sign the person in again', () => {
    const el = mount(<SignatureDialog idPrefix="s" statement="x" value={{ ...emptySignature(), byProvider: true }} onChange={() => {}} />, { viewer: ssoViewer });
    post({ type: REAUTH_FAILED, code: 'FORBIDDEN', reason: 'account' });
    expect(el.querySelector('[data-testid=signature-reauth] .field-error').textContent).toBe('Your provider did not sign you in again: account.');
  });
});

describe('signatureProblem / signatureInput / signatureError', () => {
  it('by the provider: needs the re-authentication, sends no password, and serves one signature', () => {
    const s = { password: '', meaning: 'APPROVED', reason: 'why', byProvider: true };
    expect(signatureProblem(s)).toBe('Sign in again with your provider to sign.');
    expect(signatureProblem({ ...s, reauthenticated: true })).toBeNull();
    expect(signatureInput({ ...s, reauthenticated: true })).toEqual({ meaning: 'APPROVED', reason: 'why' });
    expect(usedSignature({ ...s, reauthenticated: true })).toEqual({ ...s, reauthenticated: false });
  });

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
