// @ts-check
/**
 * A product code checked as it is typed, by the rules the server enforces (gs1/ on the
 * server, which checks again): GS1 check digits for GTIN-8/12/13/14, NTIN and NDC (a GTIN
 * with "03" after the indicator digit), and the PZN and mod-97 checks of a PPN.
 */

/**
 * The GS1 check digit of the digits before it: weights 3, 1, 3, … from the right.
 * @param {string} body digits only
 */
export function gs1CheckDigit(body) {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return String((10 - (sum % 10)) % 10);
}

/**
 * What is wrong with a code of a schema, in words, or null when it is valid ('' is
 * "nothing typed yet": no complaint).
 * @param {string} code
 * @param {string} schema GTIN, NTIN, NDC or PPN
 * @returns {string | null}
 */
export function productCodeProblem(code, schema) {
  const c = code.trim();
  if (!c) return null;
  if (schema === 'PPN') return ppnProblem(c);
  if (!/^\d+$/.test(c)) return 'A code of this kind has digits only.';
  const lengths = schema === 'NTIN' ? [14] : schema === 'NDC' ? [12, 13, 14] : [8, 12, 13, 14];
  if (!lengths.includes(c.length)) {
    return `${schema === 'GTIN' ? 'A GTIN' : `An ${schema}`} has ${lengths.join(', ').replace(/, (\d+)$/, ' or $1')} digits; this has ${c.length}.`;
  }
  const check = gs1CheckDigit(c.slice(0, -1));
  if (check !== c.at(-1)) return `The check digit should be ${check}, not ${c.at(-1)}.`;
  if (schema === 'NDC' && c.padStart(14, '0').slice(1, 3) !== '03') return 'An NDC GTIN has 03 after the indicator digit (a GTIN-12 starts with 3).';
  return null;
}

/** IFA: "11" + PZN8 (digits 1..7 weighted 1..7, mod 11) + two check digits (ASCII × 2, 3, …, mod 97). @param {string} c */
function ppnProblem(c) {
  if (!/^11\d{8}[0-9]{2}$/.test(c)) return 'A PPN is 11, the 8-digit PZN and two check digits (12 characters).';
  const pzn = c.slice(2, 10);
  const pznCheck = [...pzn.slice(0, 7)].reduce((s, d, i) => s + Number(d) * (i + 1), 0) % 11;
  if (pznCheck === 10 || String(pznCheck) !== pzn[7]) return `The PZN ${pzn} has a wrong check digit.`;
  const check = String([...c.slice(0, 10)].reduce((s, ch, i) => s + ch.charCodeAt(0) * (i + 2), 0) % 97).padStart(2, '0');
  if (check !== c.slice(10)) return `The check digits should be ${check}, not ${c.slice(10)}.`;
  return null;
}
