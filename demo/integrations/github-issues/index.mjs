// Webhook-driven: each webhook trigger carries a payload file; print what arrived.
import { readFileSync } from 'node:fs';

const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS || '[]');
const repository = process.env.PAN_CFG_REPOSITORY;
console.error(`Handling ${triggers.length} trigger(s) for ${repository}`);
let issues = 0;
for (const trigger of triggers) {
  if (!trigger.payload) {
    console.error(`${trigger.source} trigger: nothing to read`);
    continue;
  }
  const body = readFileSync(trigger.payload.file, 'utf8');
  const what = trigger.event ? `${trigger.source} event ${trigger.event}` : trigger.source;
  console.error(`${what} payload (${trigger.payload.headers?.['content-type'] ?? 'no content type'}): ${body}`);
  try {
    const event = JSON.parse(body);
    if (event.issue) {
      issues += 1;
      console.error(`Issue #${event.issue.number ?? '?'} "${event.issue.title ?? ''}" ${event.action ?? 'received'}`);
    }
  } catch {
    console.error('The payload is not JSON: kept as received');
  }
}
if (triggers.length > 0 && !triggers.some((t) => t.payload)) {
  console.error(`Send a webhook to ${process.env.PAN_CTX_WEBHOOK_URL} to see its payload here`);
}
console.log(JSON.stringify({ handled: triggers.length, issues }));
