// Builds an EPCIS 2.0 EPCISDocument with the npm package epcis2.js, as a
// line's or partner's system using that library would send it. Input
// (stdin): {"events": [{"type", "eventTime", "offset", "epcs", "parent",
// "action", "bizStep", "disposition", "lot", "expiry"}, ...]}; output
// (stdout): the document as JSON.
import epcis2 from 'epcis2.js';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));
const doc = new epcis2.EPCISDocument();
for (const spec of input.events) {
  const e = spec.type === 'AggregationEvent' ? new epcis2.AggregationEvent() : new epcis2.ObjectEvent();
  e.setEventTime(spec.eventTime).setEventTimeZoneOffset(spec.offset).setAction(spec.action);
  if (spec.type === 'AggregationEvent') {
    e.setParentId(spec.parent);
    spec.epcs.forEach((epc) => e.addChildEPC(epc));
  } else {
    spec.epcs.forEach((epc) => e.addEPC(epc));
  }
  if (spec.bizStep) e.setBizStep(spec.bizStep);
  if (spec.disposition) e.setDisposition(spec.disposition);
  if (spec.lot || spec.expiry) {
    const ilmd = {};
    if (spec.lot) ilmd['cbvmda:lotNumber'] = spec.lot;
    if (spec.expiry) ilmd['cbvmda:itemExpirationDate'] = spec.expiry;
    e.setIlmd(new epcis2.Ilmd(ilmd));
  }
  doc.addEvent(e);
}
const built = doc.toObject();
const { success, errors } = epcis2.validateEpcisDocument(built, false);
if (!success) {
  process.stderr.write(`epcis2.js built an invalid document: ${JSON.stringify(errors)}\n`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(built));
