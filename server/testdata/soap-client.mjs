// Calls one of serialpool's SOAP endpoints with the npm `soap` client, which
// builds its calls from our WSDL alone. Input (stdin): {"url", "operation",
// "user", "key", "calls": [args of the operation, ...]}; output (stdout): one
// JSON answer per call, {"result": ...} or {"fault": {status, body}}.
import soap from 'soap';

const input = JSON.parse(await new Promise((resolve) => {
  let s = '';
  process.stdin.on('data', (d) => { s += d; });
  process.stdin.on('end', () => resolve(s));
}));
const client = await soap.createClientAsync(`${input.url}?wsdl`);
client.setSecurity(new soap.BasicAuthSecurity(input.user, input.key));
const out = [];
for (const args of input.calls) {
  try {
    const [result] = await client[`${input.operation}Async`](args);
    out.push({ result });
  } catch (err) {
    out.push({ fault: { status: err.response?.status ?? 0, body: String(err.body ?? err.message) } });
  }
}
process.stdout.write(JSON.stringify(out));
