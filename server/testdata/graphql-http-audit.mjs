// Runs the GraphQL over HTTP audit suite of graphql-http against a running
// serialpool (SERIALPOOL_URL) with an API key (SERIALPOOL_KEY) and prints the
// results as JSON, one object per audit, for server/graphqlhttp_test.go.
import { serverAudits } from 'graphql-http';

const key = process.env.SERIALPOOL_KEY;
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
};
const results = [];
for (const audit of serverAudits({ url: `${process.env.SERIALPOOL_URL}/graphql`, fetchFn })) {
  const r = await audit.fn();
  results.push({ id: audit.id, name: audit.name, status: r.status, reason: r.reason ?? '' });
}
console.log(JSON.stringify(results));
