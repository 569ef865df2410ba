// Reads the connected user's contacts from the Acme API with the Acme CRM OAuth access token.
// The token arrives as PAN_SEC_ACME-CRM_ACCESS_TOKEN (refreshed by the platform before the run);
// it is sent to the API and never written anywhere. The log (stderr) says what was fetched.
const token = process.env['PAN_SEC_ACME-CRM_ACCESS_TOKEN'];
const base = process.env.PAN_CFG_ACME_API_URL || 'http://127.0.0.1:3201';
const max = Number(process.env.PAN_CFG_MAX_CONTACTS || 25);
const company = (process.env.PAN_CFG_COMPANY || '').trim().toLowerCase();

if (!token) {
  console.error('Acme CRM is not connected: connect it in this integration\'s settings, then run again.');
  process.exit(1);
}

async function call(path) {
  const response = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    console.error(`Acme API ${path} answered ${response.status}: ${body.message ?? body.error ?? response.statusText}`);
    process.exit(1);
  }
  return body;
}

const me = await call('/me');
console.error(`Signed in to Acme CRM as ${me.name} <${me.email}> (scopes: ${me.scopes.join(' ') || 'none'})`);
const { contacts } = await call('/contacts');
const wanted = contacts.filter((c) => !company || c.company.toLowerCase() === company).slice(0, max);
console.error(`Fetched ${contacts.length} contacts; syncing ${wanted.length}${company ? ` of ${process.env.PAN_CFG_COMPANY}` : ''}`);
for (const c of wanted) console.error(`  ${c.name} <${c.email}>${c.company ? `, ${c.company}` : ''}`);

// The context the next run gets as PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT.
console.log(JSON.stringify({ acme_user: me.email, synced: wanted.length, total_contacts: contacts.length, synced_at: new Date().toISOString() }));
