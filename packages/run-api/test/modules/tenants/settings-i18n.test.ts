import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { InstallPlan, Tenant } from '@pan/contract';
import { startTenantHarness, type Harness } from './tenant-harness.ts';

/**
 * PANDIUM.yaml `i18n` reaches the elements with the release's settings form (`settings_form.i18n`),
 * while the server validates settings with the form's schema exactly as without it.
 */
const I18N_YAML = `version: 1.0
run: node index.js
configs:
  schema:
    type: object
    required: [tone]
    properties:
      tone: { type: string, oneOf: [{ title: Friendly, const: f }, { title: Formal, const: x }] }
  uischema:
    type: VerticalLayout
    elements:
      - type: Section
        label: Message
        elements:
          - { type: Control, scope: '#/properties/tone', label: Tone, hintText: How it sounds }
i18n:
  de:
    "uischema#/elements/0": { label: Nachricht }
    "uischema#/elements/0/elements/0": { label: Tonfall, hintText: Wie es klingt }
    "#/properties/tone/oneOf/1": { title: Förmlich }
`;

const GERMAN = {
  '/schema/properties/tone/title': 'Tonfall',
  '/schema/properties/tone/oneOf/1/title': 'Förmlich',
  '/uiSchema/tone/ui:title': 'Tonfall',
  '/uiSchema/tone/ui:description': 'Wie es klingt',
  '/uiSchema/ui:options/layout/elements/0/label': 'Nachricht',
};

let h: Harness;

beforeAll(async () => {
  h = await startTenantHarness(inject('pgClusterUrl'));
  await h.release(h.stack.accountId, 'draft', I18N_YAML);
});

afterAll(async () => {
  await h?.stop();
});

describe('settings_form.i18n', () => {
  it('comes with the install plan and the tenant; validation stays the untranslated form', async () => {
    const jwt = await h.token({ sub: 'i18n-user' });
    const plan = await h.call('GET', '/marketplace/integrations/draft/install', jwt);
    expect(plan.statusCode, plan.body).toBe(200);
    const form = plan.json<InstallPlan>().settings_form;
    expect(form.i18n).toEqual({ de: GERMAN });
    expect(form.schema).toMatchObject({ properties: { tone: { title: 'Tone', oneOf: [{ title: 'Friendly' }, { title: 'Formal' }] } } });

    const refused = await h.call('POST', '/marketplace/tenants', jwt, { integration: 'draft', configs: { tone: 'loud' } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ errors: [{ field: 'tone' }] });

    const installed = await h.call('POST', '/marketplace/tenants', jwt, { integration: 'draft', configs: { tone: 'x' } });
    expect(installed.statusCode, installed.body).toBe(201);
    const tenant = installed.json<Tenant>();
    expect(tenant.configs).toEqual({ tone: 'x' });
    const read = await h.call('GET', `/marketplace/tenants/${tenant.id}`, jwt);
    expect(read.json<Tenant>().settings_form.i18n).toEqual({ de: GERMAN });
  });

  it('is absent when PANDIUM.yaml has none', async () => {
    const jwt = await h.token({ sub: 'i18n-other' });
    const plan = await h.call('GET', '/marketplace/integrations/channels/install', jwt);
    expect(plan.statusCode, plan.body).toBe(200);
    expect(plan.json<InstallPlan>().settings_form).not.toHaveProperty('i18n');
  });
});
