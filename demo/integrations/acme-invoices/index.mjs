// Lists the account's invoices from Acme Billing with its API key (an API-key connector: the
// fields the user entered arrive as PAN_SEC_ACME-BILLING_API_KEY and PAN_SEC_ACME-BILLING_ACCOUNT_ID).
const key = process.env['PAN_SEC_ACME-BILLING_API_KEY'];
const account = process.env['PAN_SEC_ACME-BILLING_ACCOUNT_ID'];
const base = process.env.PAN_CFG_ACME_API_URL || 'http://127.0.0.1:3201';
const status = process.env.PAN_CFG_STATUS || 'open';

if (!key || !account) {
  console.error('Acme Billing is not connected: enter its API key and account ID in this integration\'s settings.');
  process.exit(1);
}

const url = new URL('/v1/invoices', base);
url.searchParams.set('account_id', account);
url.searchParams.set('status', status);
const response = await fetch(url, { headers: { 'x-acme-key': key, accept: 'application/json' } });
const body = await response.json().catch(() => ({}));
if (!response.ok) {
  console.error(`Acme Billing answered ${response.status}: ${body.message ?? body.error ?? response.statusText}`);
  process.exit(1);
}

const money = (cents, currency) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(cents / 100);
console.error(`Account ${body.account_id}: ${body.total} ${status === 'all' ? '' : `${status} `}invoice(s)`);
for (const i of body.invoices) console.error(`  ${i.id}  ${i.issued_on}  ${i.customer}  ${money(i.amount_cents, i.currency)}  ${i.status}`);
const totals = {};
for (const i of body.invoices) totals[i.currency] = (totals[i.currency] ?? 0) + i.amount_cents;
console.log(JSON.stringify({ account_id: body.account_id, status, invoices: body.total, total_cents: totals, exported_at: new Date().toISOString() }));
