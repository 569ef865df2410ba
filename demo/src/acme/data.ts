import { createHmac, timingSafeEqual } from 'node:crypto';

/** The pretend "Acme CRM" the demo's OAuth2 provider and API stand for: its users and their data. */

export interface AcmeUser {
  /** The OAuth `sub`. */
  id: string;
  email: string;
  name: string;
}

export const ACME_PASSWORD = 'acme';

export const acmeUsers: AcmeUser[] = [
  { id: 'ada', email: 'ada@acme.test', name: 'Ada Lovelace' },
  { id: 'grace', email: 'grace@acme.test', name: 'Grace Hopper' },
];

export const findAcmeUser = (id: string) => acmeUsers.find((u) => u.id === id);

/** The user with this email and password, if they match (the password compared in constant time). */
export function checkAcmeLogin(email: string, password: string): AcmeUser | undefined {
  const user = acmeUsers.find((u) => u.email === email.trim().toLowerCase());
  const given = Buffer.from(password);
  const expected = Buffer.from(ACME_PASSWORD);
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return user && ok ? user : undefined;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
  company: string;
  created_at: string;
}

/** Each user's contacts when the API starts (the API keeps its own copy; new ones live in memory). */
export function seedContacts(): Map<string, Contact[]> {
  const at = '2026-01-05T09:00:00Z';
  return new Map([
    [
      'ada',
      [
        { id: 'c-101', name: 'Charles Babbage', email: 'charles@engines.test', company: 'Analytical Engines', created_at: at },
        { id: 'c-102', name: 'Mary Somerville', email: 'mary@royal-society.test', company: 'Royal Society', created_at: at },
        { id: 'c-103', name: 'Michael Faraday', email: 'michael@royal-institution.test', company: 'Royal Institution', created_at: at },
      ],
    ],
    [
      'grace',
      [
        { id: 'c-201', name: 'Howard Aiken', email: 'howard@harvard-mark.test', company: 'Harvard Mark I', created_at: at },
        { id: 'c-202', name: 'Jean Sammet', email: 'jean@cobol.test', company: 'CODASYL', created_at: at },
      ],
    ],
  ]);
}

/** "Acme Billing", reached with an API key (the demo's API-key connector). */
export interface BillingAccount {
  account_id: string;
  owner: string;
  api_key: string;
}

export interface Invoice {
  id: string;
  customer: string;
  amount_cents: number;
  currency: string;
  status: 'open' | 'paid';
  issued_on: string;
}

/**
 * The two billing accounts and their API keys. The keys are derived from a secret of the demo's
 * data directory, so they stay the same from one `npm start` to the next (a stored key keeps working).
 */
export function billingAccounts(secret: string): BillingAccount[] {
  const key = (accountId: string) =>
    `acme-demo-key-${createHmac('sha256', secret).update(`acme-billing:${accountId}`).digest('base64url').slice(0, 24)}`;
  return [
    { account_id: 'ACME-1001', owner: 'Ada Lovelace', api_key: key('ACME-1001') },
    { account_id: 'ACME-1002', owner: 'Grace Hopper', api_key: key('ACME-1002') },
  ];
}

export const invoicesByAccount: Record<string, Invoice[]> = {
  'ACME-1001': [
    { id: 'INV-2026-001', customer: 'Analytical Engines', amount_cents: 125_000, currency: 'EUR', status: 'paid', issued_on: '2026-01-10' },
    { id: 'INV-2026-002', customer: 'Royal Society', amount_cents: 48_000, currency: 'EUR', status: 'open', issued_on: '2026-02-03' },
    { id: 'INV-2026-003', customer: 'Royal Institution', amount_cents: 9_900, currency: 'EUR', status: 'open', issued_on: '2026-02-17' },
  ],
  'ACME-1002': [
    { id: 'INV-2026-101', customer: 'Harvard Mark I', amount_cents: 310_000, currency: 'USD', status: 'open', issued_on: '2026-01-22' },
    { id: 'INV-2026-102', customer: 'CODASYL', amount_cents: 72_500, currency: 'USD', status: 'paid', issued_on: '2026-02-01' },
  ],
};

/** A stable secret for one purpose, derived from the demo's persisted secret. */
export const deriveSecret = (secret: string, purpose: string) => createHmac('sha256', secret).update(purpose).digest('base64url');
