console.error(`Creating leads with source ${process.env.PAN_CFG_LEAD_SOURCE ?? 'Web'}`);
console.log(JSON.stringify({ created: 0 }));
