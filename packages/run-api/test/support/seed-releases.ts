import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { create } from 'tar';
import { parsePandiumYaml } from '@pan/pandium-yaml';
import type { Db } from '../../src/platform/db/pool.ts';
import { findIntegrationId } from '../../src/modules/catalog/store.ts';
import { createRelease } from '../../src/modules/catalog/store.ts';

/** PANDIUM.yaml of the fixture integrations that get a release (`seedReleases: true`). */
export const fixtureReleases: Record<string, string> = {
  'hubspot-contacts': `version: 0.4
base: node:20
run: node index.mjs
connectors: [hubspot]
configs:
  schema:
    type: object
    required: [direction]
    properties:
      direction:
        type: string
        oneOf:
          - { title: To HubSpot, const: to_hubspot }
          - { title: From HubSpot, const: from_hubspot }
          - { title: Both ways, const: both }
        default: both
      records_per_page: { type: integer, min: 1, max: 100, default: 20 }
      note: { type: string }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Sync direction, scope: '#/properties/direction' }
      - { type: Control, label: Records per page, scope: '#/properties/records_per_page' }
      - { type: Control, label: Note, scope: '#/properties/note', options: { multi: true } }
`,
  'slack-alerts': `version: 0.4
base: node:20
run: node index.mjs
configs:
  schema:
    type: object
    definitions:
      channels: { enum: [placeholder] }
    properties:
      channel: { type: string, $ref: '#/definitions/channels' }
      mention_here: { type: boolean, default: false }
  uischema:
    type: VerticalLayout
    elements:
      - { type: Control, label: Channel, scope: '#/properties/channel' }
      - { type: Control, label: Mention @here, scope: '#/properties/mention_here' }
`,
};

/**
 * The script of each fixture release (`index.mjs`). HubSpot logs to stderr, counts its runs
 * through the context chain, echoes webhook payloads and fails when its note is "fail"; Slack publishes its channels on init.
 */
export const fixtureScripts: Record<string, string> = {
  'hubspot-contacts': `import { readFileSync } from 'node:fs';
const previous = JSON.parse(process.env.PAN_CTX_LAST_SUCCESSFUL_RUN_STD_OUT || '{}');
const triggers = JSON.parse(process.env.PAN_CTX_RUN_TRIGGERS);
console.error('Syncing contacts (' + process.env.PAN_CFG_DIRECTION + ')');
for (const trigger of triggers) {
  if (trigger.payload) console.error('payload: ' + readFileSync(trigger.payload.file, 'utf8'));
}
// A failed run on demand (e.g. to replay it): the note "fail".
if (process.env.PAN_CFG_NOTE === 'fail') {
  console.error('Failing, as the note asks');
  process.exit(1);
}
const lines = Number(process.env.PAN_CFG_RECORDS_PER_PAGE || 3);
for (let i = 1; i <= lines; i++) console.error('contact ' + i + ' synced');
console.log(JSON.stringify({ runs: (previous.runs || 0) + 1 }));
`,
  'slack-alerts': `if (process.env.PAN_CTX_RUN_MODE === 'init') {
  console.error('Listing channels');
  console.log(JSON.stringify({ channels: ['#general', '#alerts', '#sales'] }));
} else {
  console.error('Posting to ' + process.env.PAN_CFG_CHANNEL);
  console.log(JSON.stringify({ posted: true }));
}
`,
};

/** Stores a release made of `files` (PANDIUM.yaml included) as `pan release push` would, as the default. */
export async function storeScriptRelease(db: Db, accountId: string, integrationId: string, files: Record<string, string>): Promise<void> {
  const yaml = files['PANDIUM.yaml'];
  if (yaml === undefined) throw new Error('A release needs a PANDIUM.yaml');
  const parsed = parsePandiumYaml(yaml);
  if (!parsed.ok) throw new Error(`Invalid PANDIUM.yaml: ${JSON.stringify(parsed.errors)}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'pan-script-release-'));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
    const chunks: Buffer[] = [];
    for await (const chunk of create({ gzip: true, cwd: dir, portable: true }, Object.keys(files))) chunks.push(chunk as Buffer);
    await createRelease(db, {
      accountId,
      integrationId,
      pandiumYaml: yaml,
      spec: parsed.spec,
      warnings: parsed.warnings,
      archive: Buffer.concat(chunks),
      makeDefault: true,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Stores one release per entry of `fixtureReleases`, as `pan release push` would. */
export async function seedFixtureReleases(db: Db, accountId: string): Promise<void> {
  for (const [slug, yaml] of Object.entries(fixtureReleases)) {
    const integrationId = await findIntegrationId(db, accountId, slug);
    if (!integrationId) throw new Error(`No fixture integration ${slug}`);
    await storeScriptRelease(db, accountId, integrationId, {
      'PANDIUM.yaml': yaml,
      'index.mjs': fixtureScripts[slug] ?? 'console.log(JSON.stringify({ ok: true }));\n',
    });
  }
}
