const key = `${process.env.PAN_CFG_FILE_PREFIX ?? ''}${new Date().toISOString().slice(0, 10)}.csv`;
console.error(`Writing s3://${process.env.PAN_CFG_S3_BUCKET_NAME}/${key}`);
console.log(JSON.stringify({ last_key: key }));
