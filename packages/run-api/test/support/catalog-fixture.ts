import type { Schedule } from '@pan/contract';

/**
 * A small catalog seeded by `startTestStack()` for server, component and e2e-style tests.
 * Two end users: `user-sales` (xti.user_group "sales") and `user-eng` (xti.user_group "engineering").
 */
export interface FixtureIntegration {
  slug: string;
  name: string;
  type: 'internal' | 'external';
  short_description: string;
  long_description: string;
  categories: string[];
  tags: string[];
  flag?: { name: string; color: string };
  external_url?: string;
  connectors?: string[];
  /** Empty or absent: visible to every group. */
  visible_to_groups?: string[];
  default_schedule?: Schedule;
}

export const fixtureCategories = [
  { slug: 'crm', name: 'CRM' },
  { slug: 'messaging', name: 'Messaging' },
  { slug: 'storage', name: 'Storage' },
];

export const fixtureIntegrations: FixtureIntegration[] = [
  {
    slug: 'hubspot-contacts',
    name: 'HubSpot Contacts',
    type: 'internal',
    short_description: 'Sync contacts both ways with HubSpot.',
    long_description: 'Keeps your contacts in step with HubSpot.\n\nRuns every hour by default.',
    categories: ['crm'],
    tags: ['contacts', 'two-way'],
    flag: { name: 'Popular', color: '#b45309' },
    connectors: ['hubspot'],
    default_schedule: { type: 'interval', every: 1, unit: 'hours' },
  },
  {
    slug: 'slack-alerts',
    name: 'Slack Alerts',
    type: 'internal',
    short_description: 'Post alerts to a Slack channel.',
    long_description: 'Sends a message to the channel you pick whenever something happens.',
    categories: ['messaging'],
    tags: ['notifications'],
  },
  {
    slug: 's3-export',
    name: 'S3 Export',
    type: 'internal',
    short_description: 'Export records to an S3 bucket as CSV.',
    long_description: 'Writes a CSV file to your bucket on a schedule.',
    categories: ['storage'],
    tags: ['files', 'export'],
    visible_to_groups: ['engineering'],
  },
  {
    slug: 'salesforce-leads',
    name: 'Salesforce Leads',
    type: 'internal',
    short_description: 'Push new leads to Salesforce.',
    long_description: 'Creates a Salesforce lead for every new sign-up.',
    categories: ['crm'],
    tags: ['leads'],
    visible_to_groups: ['sales'],
  },
  {
    slug: 'zapier',
    name: 'Zapier',
    type: 'external',
    short_description: 'Connect to thousands of apps through Zapier.',
    long_description: 'Zapier is configured on zapier.com.',
    categories: ['messaging', 'crm'],
    tags: ['no-code'],
    external_url: 'https://zapier.com/apps/example/integrations',
  },
];

export const fixtureUsers = {
  sales: { sub: 'user-sales', xti: { user_group: 'sales' } },
  engineering: { sub: 'user-eng', xti: { user_group: 'engineering' } },
} as const;
