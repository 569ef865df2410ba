const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS || '[]');
console.error(`Handling ${triggers.length} trigger(s) for ${process.env.PAN_CFG_REPOSITORY}`);
console.log(JSON.stringify({ handled: triggers.length }));
