import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, productCodeProblem } from './product-code.js';

describe('product codes as typed', () => {
  it('accepts the GS1 vectors (DOMAIN.md) and the PPN example', () => {
    for (const code of ['02345673', '416000336108', '1234567890128', '12345678901231']) expect(productCodeProblem(code, 'GTIN')).toBeNull();
    expect(gs1CheckDigit('12345678901234567')).toBe('5'); // the SSCC vector 123456789012345675
    expect(productCodeProblem('12345678901231', 'NTIN')).toBeNull();
    expect(productCodeProblem('110375286414', 'PPN')).toBeNull();
    expect(productCodeProblem('00312345678906', 'NDC')).toBeNull();
    expect(productCodeProblem('', 'GTIN')).toBeNull();
  });

  it('says what is wrong: digits, length, check digit, NDC prefix, PZN and PPN checks', () => {
    expect(productCodeProblem('1234567890129', 'GTIN')).toBe('The check digit should be 8, not 9.');
    expect(productCodeProblem('12345', 'GTIN')).toBe('A GTIN has 8, 12, 13 or 14 digits; this has 5.');
    expect(productCodeProblem('1234567890128', 'NTIN')).toBe('An NTIN has 14 digits; this has 13.');
    expect(productCodeProblem('4012A', 'GTIN')).toBe('A code of this kind has digits only.');
    expect(productCodeProblem('1234567890128', 'NDC')).toBe('An NDC GTIN has 03 after the indicator digit (a GTIN-12 starts with 3).');
    expect(productCodeProblem('110375286415', 'PPN')).toBe('The check digits should be 14, not 15.');
    expect(productCodeProblem('110375286514', 'PPN')).toBe('The PZN 03752865 has a wrong check digit.');
    expect(productCodeProblem('1103752864', 'PPN')).toMatch(/^A PPN is 11/);
  });
});
