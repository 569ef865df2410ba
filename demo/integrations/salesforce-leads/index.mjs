// A run that fails: the (pretend) Salesforce API refuses the session, and the script exits 1.
const source = process.env.PAN_CFG_LEAD_SOURCE ?? 'Web';
console.error(`Creating leads with source ${source}`);
console.error('POST /services/data/v60.0/sobjects/Lead -> 401');
console.error('\u001b[31mError: INVALID_SESSION_ID: Session expired or invalid\u001b[0m');
process.exitCode = 1;
