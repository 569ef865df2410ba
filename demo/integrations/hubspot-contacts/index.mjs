// Context chaining: each run continues from the cursor the last successful run printed.
const last = JSON.parse(process.env.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT || '{}');
const cursor = Number(last.cursor ?? 0);
const direction = process.env.PAN_CFG_DIRECTION ?? 'both';
console.error(`Syncing contacts (${direction}) from cursor ${cursor}`);
const synced = 3;
console.error(`Synced ${synced} contacts`);
console.log(JSON.stringify({ cursor: cursor + synced }));
