// A long run that logs steadily: exports rows in batches, one progress line per batch.
const bucket = process.env.PAN_CFG_S3_BUCKET_NAME;
const key = `${process.env.PAN_CFG_FILE_PREFIX ?? ''}${new Date().toISOString().slice(0, 10)}.csv`;
const batches = 30;
console.error(`Writing s3://${bucket}/${key} in ${batches} batches (${process.env.PAN_CFG_S3_REGION ?? 'us-east-1'})`);
let batch = 0;
const timer = setInterval(() => {
  batch += 1;
  const colour = batch % 10 === 0 ? '\u001b[32m' : '\u001b[90m';
  console.error(`${colour}batch ${batch}/${batches}: ${batch * 500} rows written\u001b[0m`);
  if (batch === batches) {
    clearInterval(timer);
    console.error(`\u001b[1mDone:\u001b[0m ${batches * 500} rows`);
    console.log(JSON.stringify({ last_key: key, rows: batches * 500 }));
  }
}, 1000);
