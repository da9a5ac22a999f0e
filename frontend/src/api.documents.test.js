// @vitest-environment node
// The contract between the web app and the server, without a browser: every GraphQL
// document the app sends is valid against the schema, schema/*.graphqls (fields, arguments,
// variable types), so a renamed field or a changed argument fails here instead of in production.
import { readdirSync, readFileSync } from 'node:fs';
import { buildSchema, NoDeprecatedCustomRule, parse, specifiedRules, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as api from './api.js';

const schemaDir = new URL('../../schema/', import.meta.url);
const schemaFiles = readdirSync(schemaDir).filter((name) => name.endsWith('.graphqls'));
const schema = buildSchema(schemaFiles.map((name) => readFileSync(new URL(name, schemaDir), 'utf8')).join('\n'));

/** Every exported string of api.js that is a GraphQL operation. */
const documents = Object.entries(api).filter(
  /** @returns {entry is [string, string]} */ (entry) => typeof entry[1] === 'string' && /^\s*(query|mutation|subscription)\b/.test(entry[1]),
);

/**
 * The errors of one document: its syntax, then its validity against the schema.
 * @param {string} text
 */
function documentErrors(text) {
  let doc;
  try {
    doc = parse(text);
  } catch (error) {
    return [String(error)];
  }
  // A deprecated field is still valid, but the app should not be the client that keeps it alive.
  return validate(schema, doc, [...specifiedRules, NoDeprecatedCustomRule]).map((e) => e.message);
}

describe('GraphQL documents of api.js against schema/*.graphqls', () => {
  it('reads the whole schema, one file per domain', () => {
    expect(schemaFiles).toContain('schema.graphqls');
    expect(schemaFiles.length).toBeGreaterThan(10);
  });

  it('finds every document the source declares', () => {
    const source = readFileSync(new URL('./api.js', import.meta.url), 'utf8');
    const declared = [...source.matchAll(/export const (\w+) = \/\* GraphQL \*\//g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThan(20);
    expect(documents.map(([name]) => name).sort()).toEqual(declared.sort());
  });

  it.each(documents)('%s is valid', (_name, text) => {
    expect(documentErrors(text)).toEqual([]);
  });

  it('names every operation once (the test doubles and the server logs tell them apart by name)', () => {
    const names = documents.map(([, text]) => {
      const op = parse(text).definitions.find((d) => d.kind === 'OperationDefinition');
      return op && 'name' in op ? op.name?.value : undefined;
    });
    expect(names.every(Boolean)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('catches drift: a misspelt field, an unknown argument, a wrong variable type', () => {
    expect(documentErrors('query P { products(first: 1) { edges { node { cdoe } } } }')).toEqual([
      'Cannot query field "cdoe" on type "Product". Did you mean "code"?',
    ]);
    expect(documentErrors('query P { ssccPool(kode: "1") { code } }').join('\n')).toMatch(/Unknown argument "kode"/);
    expect(documentErrors('query P($c: Int!) { ssccPool(code: $c) { code } }').join('\n')).toMatch(/Variable "\$c" of type "Int!"/);
    expect(documentErrors('mutation G { generateSerials(input: {productCode: "1", count: 1}) { duplicates } }').join('\n')).toMatch(
      /The field IntakeResult.duplicates is deprecated/,
    );
  });
});
