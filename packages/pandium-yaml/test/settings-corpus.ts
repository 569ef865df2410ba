/**
 * One corpus of settings values, valid and invalid, that every validator of a settings form must
 * judge alike: the server's ajv (packages/run-api/test/modules/tenants/corpus.test.ts) and the browser's
 * @cfworker/json-schema (packages/forms). Plain data and types only: no node imports.
 *
 * Each case: build the form with `buildSettingsForm(configs, {audience, dynamicOptions})`, validate
 * `value`, then
 * - `valid`: whether there must be no error at all;
 * - `fields`: for an invalid value, exactly the fields the errors name (order free; `''` = the
 *   settings as a whole); `tags[1]` is an element of a list;
 * - `errors`: where given, exactly these errors (order free): the wording both sides must share.
 *
 * Where the two validators are known to differ, the schema is built so that they agree and a case
 * pins it: `format: time` is a pattern (both libraries want a time zone there; a time input gives
 * none), `date-time` carries a pattern for its offset (ajv-formats accepts `+0200`, cfworker does
 * not), unknown formats are dropped (cfworker's `email` is looser than ajv's).
 */
import type { Audience, ConfigsSection, DynamicOptions, PropertySchema, SettingsError } from '../src/index.ts';

export interface SettingsCorpusCase {
  name: string;
  configs: ConfigsSection;
  dynamicOptions?: DynamicOptions | null;
  /** Default `user`. */
  audience?: Audience;
  value: unknown;
  valid: boolean;
  fields?: string[];
  errors?: SettingsError[];
}

interface ConfigsOptions {
  required?: string[];
  definitions?: Record<string, PropertySchema & { dependsOn?: string }>;
  /** Properties drawn by an `admin: true` Control. */
  admin?: string[];
  /** Properties drawn by a MultiSelectControl. */
  multiSelect?: string[];
}

/** A configs section with one Control per property, in order. */
function configs(properties: Record<string, PropertySchema>, options: ConfigsOptions = {}): ConfigsSection {
  return {
    schema: {
      type: 'object',
      properties,
      ...(options.required ? { required: options.required } : {}),
      ...(options.definitions ? { definitions: options.definitions } : {}),
    },
    uischema: {
      type: 'VerticalLayout',
      elements: Object.keys(properties).map((name) => ({
        type: options.multiSelect?.includes(name) ? ('MultiSelectControl' as const) : ('Control' as const),
        scope: `#/properties/${name}`,
        ...(options.admin?.includes(name) ? { admin: true } : {}),
      })),
    },
  };
}

/** Every static kind of field. Required: `name`, `region`; `secret_note` is admin-only. */
const KITCHEN = configs(
  {
    name: { type: 'string' },
    region: { type: 'string', enum: ['us-east-1', 'eu-west-1'] },
    enabled: { type: 'boolean' },
    count: { type: 'integer', min: 1, max: 100 },
    ratio: { type: 'number', min: 0, max: 1 },
    start_date: { type: 'string', format: 'date' },
    start_time: { type: 'string', format: 'time' },
    run_at: { type: 'string', format: 'date-time' },
    plan: {
      type: 'string',
      oneOf: [
        { title: 'Free', const: 'free' },
        { title: 'Pro', const: 'pro' },
      ],
    },
    channels: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['email', 'sms', 'push'] } },
    secret_note: { type: 'string' },
    contact_email: { type: 'string', format: 'email' },
  },
  { required: ['name', 'region'], admin: ['secret_note'], multiSelect: ['channels'] },
);
const BASE = { name: 'Acme', region: 'us-east-1' };

/** An admin-only property that is also required. */
const ADMIN_REQUIRED = configs(
  { label: { type: 'string' }, api_base: { type: 'string' } },
  { required: ['label', 'api_base'], admin: ['api_base'] },
);

/** pokemon-of-the-day, as published: two dynamic selectors, both required. */
const POKEMON: ConfigsSection = {
  schema: {
    type: 'object',
    required: ['pokemon_type', 'slack_user'],
    definitions: {
      slack_users: { type: 'number', oneOf: [{ title: 'Placeholder', const: 'placeholder' }] },
      pokemon_types: { enum: ['placeholder'] },
    },
    properties: {
      pokemon_type: { type: 'string', $ref: '#/definitions/pokemon_types' },
      slack_user: { type: 'string', $ref: '#/definitions/slack_users' },
    },
  },
  uischema: {
    type: 'VerticalLayout',
    elements: [
      {
        type: 'Section',
        label: 'Configure Pokémon of the Day',
        elements: [
          { type: 'Control', label: 'Pokémon Type', scope: '#/properties/pokemon_type' },
          { type: 'Control', label: 'Slack User', scope: '#/properties/slack_user' },
        ],
      },
    ],
  },
};
const POKEMON_OPTIONS: DynamicOptions = {
  pokemon_types: ['fire', 'grass', 'electric'],
  slack_users: [
    { title: 'Ada', const: 'U01' },
    { title: 'Grace', const: 'U02' },
  ],
};

/** A dynamic selector with no type of its own: the options say what it is. */
const UNTYPED_DYNAMIC = configs(
  { page_size: { $ref: '#/definitions/page_sizes' } },
  { definitions: { page_sizes: { enum: ['placeholder'] } } },
);

/** A dynamic multi-select. */
const DYNAMIC_TAGS = configs(
  { tags: { type: 'array', uniqueItems: true, items: { type: 'string', $ref: '#/definitions/tag_options' } } },
  { definitions: { tag_options: { enum: ['placeholder'] } }, multiSelect: ['tags'] },
);

/** SPEC's dependent selectors. */
function food(options: { childRequired?: boolean } = {}): ConfigsSection {
  return configs(
    {
      food_type: { type: 'string', $ref: '#/definitions/food_type_options' },
      favorite_food: { type: 'string', $ref: '#/definitions/favorite_food_options' },
    },
    {
      definitions: {
        food_type_options: { enum: ['placeholder'] },
        favorite_food_options: { enum: ['placeholder'], dependsOn: 'food_type' },
      },
      ...(options.childRequired ? { required: ['favorite_food'] } : {}),
    },
  );
}
const FOOD = food();
const FOOD_OPTIONS: DynamicOptions = {
  food_type_options: ['Sweet', 'Savory', 'Spicy'],
  favorite_food_options: { Sweet: ['Chocolate', 'Caramel'], Savory: ['Chips', 'Pizza'] },
};

/** A static integer parent: the init run's map keys are strings, the parent's values numbers. */
const LEVELS = configs(
  {
    level: { type: 'integer', enum: [1, 2] },
    perk: { type: 'string', $ref: '#/definitions/perks' },
  },
  { definitions: { perks: { oneOf: [{ const: 'placeholder' }], dependsOn: 'level' } } },
);
const LEVEL_OPTIONS: DynamicOptions = {
  perks: { '1': [{ title: 'Bronze badge', const: 'bronze' }], '2': [{ title: 'Gold badge', const: 'gold' }] },
};

/** A dependent multi-select. */
const TOPICS = configs(
  {
    team: { type: 'string', enum: ['sales', 'support'] },
    topics: { type: 'array', uniqueItems: true, items: { type: 'string', $ref: '#/definitions/topic_options' } },
  },
  { definitions: { topic_options: { enum: ['placeholder'], dependsOn: 'team' } }, multiSelect: ['topics'] },
);
const TOPIC_OPTIONS: DynamicOptions = { topic_options: { sales: ['leads', 'deals'], support: ['tickets'] } };

const KITCHEN_CASES: SettingsCorpusCase[] = [
  { name: 'the required fields only', configs: KITCHEN, value: BASE, valid: true },
  {
    name: 'every field a user may set',
    configs: KITCHEN,
    value: {
      ...BASE,
      enabled: true,
      count: 42,
      ratio: 0.25,
      start_date: '2024-02-29',
      start_time: '09:30',
      run_at: '2024-01-01T10:00:00Z',
      plan: 'pro',
      channels: ['email', 'push'],
      contact_email: 'anything goes here',
    },
    valid: true,
  },
  { name: 'a missing required string', configs: KITCHEN, value: { region: 'us-east-1' }, valid: false, errors: [{ field: 'name', message: 'is required' }] },
  { name: 'a missing required select', configs: KITCHEN, value: { name: 'Acme' }, valid: false, fields: ['region'] },
  { name: 'nothing at all', configs: KITCHEN, value: {}, valid: false, fields: ['name', 'region'] },
  { name: 'settings that are a list', configs: KITCHEN, value: [BASE], valid: false, fields: [''] },
  { name: 'settings that are null', configs: KITCHEN, value: null, valid: false, fields: [''] },
  { name: 'an empty string still counts as present', configs: KITCHEN, value: { ...BASE, name: '' }, valid: true },
  // Wrong types.
  { name: 'a number for a boolean', configs: KITCHEN, value: { ...BASE, enabled: 1 }, valid: false, errors: [{ field: 'enabled', message: 'must be true or false' }] },
  { name: 'a string for a boolean', configs: KITCHEN, value: { ...BASE, enabled: 'true' }, valid: false, fields: ['enabled'] },
  { name: 'a string for an integer', configs: KITCHEN, value: { ...BASE, count: '5' }, valid: false, errors: [{ field: 'count', message: 'must be a whole number' }] },
  { name: 'a fraction for an integer', configs: KITCHEN, value: { ...BASE, count: 2.5 }, valid: false, fields: ['count'] },
  { name: 'an object for an integer', configs: KITCHEN, value: { ...BASE, count: { value: 5 } }, valid: false, fields: ['count'] },
  { name: 'a whole number for a number', configs: KITCHEN, value: { ...BASE, ratio: 1 }, valid: true },
  { name: 'a string for a number', configs: KITCHEN, value: { ...BASE, ratio: '0.5' }, valid: false, fields: ['ratio'] },
  { name: 'a list for a string', configs: KITCHEN, value: { ...BASE, name: ['Acme'] }, valid: false, errors: [{ field: 'name', message: 'must be text' }] },
  { name: 'a number for a string', configs: KITCHEN, value: { ...BASE, name: 7 }, valid: false, fields: ['name'] },
  { name: 'null for a string', configs: KITCHEN, value: { ...BASE, name: null }, valid: false, fields: ['name'] },
  { name: 'a string for a multi-select', configs: KITCHEN, value: { ...BASE, channels: 'email' }, valid: false, errors: [{ field: 'channels', message: 'must be a list' }] },
  { name: 'a number for a select', configs: KITCHEN, value: { ...BASE, region: 1 }, valid: false, errors: [{ field: 'region', message: 'must be text' }] },
  // Bounds.
  { name: 'an integer at its bounds', configs: KITCHEN, value: { ...BASE, count: 100, ratio: 0 }, valid: true },
  { name: 'an integer under its minimum', configs: KITCHEN, value: { ...BASE, count: 0 }, valid: false, errors: [{ field: 'count', message: 'must be at least 1' }] },
  { name: 'an integer over its maximum', configs: KITCHEN, value: { ...BASE, count: 101 }, valid: false, errors: [{ field: 'count', message: 'must be at most 100' }] },
  { name: 'a number over its maximum', configs: KITCHEN, value: { ...BASE, ratio: 1.5 }, valid: false, fields: ['ratio'] },
  { name: 'a negative number under its minimum', configs: KITCHEN, value: { ...BASE, ratio: -0.1 }, valid: false, fields: ['ratio'] },
  // Formats.
  { name: 'a date on a leap day', configs: KITCHEN, value: { ...BASE, start_date: '2024-02-29' }, valid: true },
  { name: 'a date that does not exist', configs: KITCHEN, value: { ...BASE, start_date: '2023-02-29' }, valid: false, errors: [{ field: 'start_date', message: 'must be a date (YYYY-MM-DD)' }] },
  { name: 'a date without leading zeros', configs: KITCHEN, value: { ...BASE, start_date: '2024-1-5' }, valid: false, fields: ['start_date'] },
  { name: 'a date and time in a date field', configs: KITCHEN, value: { ...BASE, start_date: '2024-01-05T10:00:00Z' }, valid: false, fields: ['start_date'] },
  { name: 'a time as a time input gives it', configs: KITCHEN, value: { ...BASE, start_time: '09:30' }, valid: true },
  { name: 'a time with seconds', configs: KITCHEN, value: { ...BASE, start_time: '23:59:59' }, valid: true },
  { name: 'a time with a zone', configs: KITCHEN, value: { ...BASE, start_time: '09:30:00Z' }, valid: false, errors: [{ field: 'start_time', message: 'must be a time (HH:MM or HH:MM:SS)' }] },
  { name: 'a time past midnight', configs: KITCHEN, value: { ...BASE, start_time: '24:00' }, valid: false, fields: ['start_time'] },
  { name: 'a time without a leading zero', configs: KITCHEN, value: { ...BASE, start_time: '9:30' }, valid: false, fields: ['start_time'] },
  { name: 'a date-time with an offset', configs: KITCHEN, value: { ...BASE, run_at: '2024-01-01T10:00:00.123+02:00' }, valid: true },
  { name: 'a date-time without a zone', configs: KITCHEN, value: { ...BASE, run_at: '2024-01-01T10:00:00' }, valid: false, errors: [{ field: 'run_at', message: 'must be a date and time with a time zone (YYYY-MM-DDTHH:MM:SSZ)' }] },
  { name: 'a date-time with an offset without colon', configs: KITCHEN, value: { ...BASE, run_at: '2024-01-01T10:00:00+0200' }, valid: false, fields: ['run_at'] },
  { name: 'a date-time on a day that does not exist', configs: KITCHEN, value: { ...BASE, run_at: '2024-02-30T10:00:00Z' }, valid: false, fields: ['run_at'] },
  { name: 'a date in a date-time field', configs: KITCHEN, value: { ...BASE, run_at: '2024-01-01' }, valid: false, fields: ['run_at'] },
  // Options.
  { name: 'a value not among the options', configs: KITCHEN, value: { ...BASE, region: 'mars-1' }, valid: false, errors: [{ field: 'region', message: 'must be one of: us-east-1, eu-west-1' }] },
  { name: 'a labelled option by its value', configs: KITCHEN, value: { ...BASE, plan: 'free' }, valid: true },
  { name: 'a labelled option by its title', configs: KITCHEN, value: { ...BASE, plan: 'Pro' }, valid: false, errors: [{ field: 'plan', message: 'must be one of: Free (free), Pro (pro)' }] },
  { name: 'a labelled option that does not exist', configs: KITCHEN, value: { ...BASE, plan: 'enterprise' }, valid: false, fields: ['plan'] },
  { name: 'an empty multi-select', configs: KITCHEN, value: { ...BASE, channels: [] }, valid: true },
  { name: 'a multi-select with an unknown option', configs: KITCHEN, value: { ...BASE, channels: ['email', 'fax'] }, valid: false, fields: ['channels[1]'] },
  { name: 'a multi-select listing an option twice', configs: KITCHEN, value: { ...BASE, channels: ['sms', 'sms'] }, valid: false, errors: [{ field: 'channels', message: 'must not list the same value twice' }] },
  { name: 'a multi-select holding a number', configs: KITCHEN, value: { ...BASE, channels: [3] }, valid: false, fields: ['channels[0]'] },
  // Who may set what.
  { name: 'a field the integration does not have', configs: KITCHEN, value: { ...BASE, colour: 'red' }, valid: false, errors: [{ field: 'colour', message: 'is not a setting of this integration' }] },
  { name: 'an admin-only field sent by a user', configs: KITCHEN, value: { ...BASE, secret_note: 'hi' }, valid: false, fields: ['secret_note'] },
  { name: 'an admin-only field sent by an admin', configs: KITCHEN, audience: 'admin', value: { ...BASE, secret_note: 'hi' }, valid: true },
  { name: 'a required admin-only field is not required of users', configs: ADMIN_REQUIRED, value: { label: 'x' }, valid: true },
  { name: 'a required admin-only field is required of admins', configs: ADMIN_REQUIRED, audience: 'admin', value: { label: 'x' }, valid: false, fields: ['api_base'] },
  { name: 'several faults at once', configs: KITCHEN, value: { region: 'mars-1', count: 0, colour: 'red' }, valid: false, fields: ['name', 'region', 'count', 'colour'] },
];

const DYNAMIC_CASES: SettingsCorpusCase[] = [
  { name: 'dynamic, not loaded: nothing sent is fine', configs: POKEMON, value: {}, valid: true },
  { name: 'dynamic, not loaded: a value is refused', configs: POKEMON, value: { pokemon_type: 'fire' }, valid: false, errors: [{ field: 'pokemon_type', message: 'Options are not loaded yet' }] },
  { name: 'dynamic, not loaded: the placeholder itself is refused', configs: POKEMON, value: { slack_user: 'placeholder' }, valid: false, fields: ['slack_user'] },
  { name: 'dynamic, not loaded: a wrong type says so too', configs: POKEMON, value: { pokemon_type: 5 }, valid: false, errors: [{ field: 'pokemon_type', message: 'Options are not loaded yet' }] },
  { name: 'dynamic, loaded: good values', configs: POKEMON, dynamicOptions: POKEMON_OPTIONS, value: { pokemon_type: 'fire', slack_user: 'U02' }, valid: true },
  { name: 'dynamic, loaded: required again', configs: POKEMON, dynamicOptions: POKEMON_OPTIONS, value: {}, valid: false, fields: ['pokemon_type', 'slack_user'] },
  { name: 'dynamic, loaded: a value from no list', configs: POKEMON, dynamicOptions: POKEMON_OPTIONS, value: { pokemon_type: 'water', slack_user: 'U01' }, valid: false, errors: [{ field: 'pokemon_type', message: 'must be one of: fire, grass, electric' }] },
  { name: 'dynamic, loaded: a labelled option by its title', configs: POKEMON, dynamicOptions: POKEMON_OPTIONS, value: { pokemon_type: 'fire', slack_user: 'Ada' }, valid: false, fields: ['slack_user'] },
  { name: 'dynamic, loaded for one definition only', configs: POKEMON, dynamicOptions: { pokemon_types: ['fire'] }, value: { pokemon_type: 'fire' }, valid: true },
  { name: 'dynamic, loaded for one definition only: the other still refuses', configs: POKEMON, dynamicOptions: { pokemon_types: ['fire'] }, value: { pokemon_type: 'fire', slack_user: 'U01' }, valid: false, fields: ['slack_user'] },
  { name: 'dynamic, a map for a plain definition counts as not loaded', configs: POKEMON, dynamicOptions: { pokemon_types: { a: ['fire'] } }, value: { pokemon_type: 'fire' }, valid: false, fields: ['pokemon_type'] },
  { name: 'dynamic, an empty list: no value can be chosen', configs: POKEMON, dynamicOptions: { pokemon_types: [] }, value: { pokemon_type: 'fire' }, valid: false, errors: [{ field: 'pokemon_type', message: 'There are no options to choose from' }] },
  { name: 'dynamic, an empty list: not required', configs: POKEMON, dynamicOptions: { pokemon_types: [], slack_users: [{ title: 'Ada', const: 'U01' }] }, value: { slack_user: 'U01' }, valid: true },
  { name: 'dynamic, junk in the list is skipped', configs: POKEMON, dynamicOptions: { pokemon_types: [null, { nested: true }, 'fire', ['x']] as unknown as string[], slack_users: ['U01'] }, value: { pokemon_type: 'fire', slack_user: 'U01' }, valid: true },
  { name: 'dynamic, numbers decide the type', configs: UNTYPED_DYNAMIC, dynamicOptions: { page_sizes: [10, 50, 100] }, value: { page_size: 50 }, valid: true },
  { name: 'dynamic, numbers decide the type: a string is refused', configs: UNTYPED_DYNAMIC, dynamicOptions: { page_sizes: [10, 50, 100] }, value: { page_size: '50' }, valid: false, fields: ['page_size'] },
  { name: 'dynamic multi-select, loaded', configs: DYNAMIC_TAGS, dynamicOptions: { tag_options: ['vip', 'churned'] }, value: { tags: ['vip'] }, valid: true },
  { name: 'dynamic multi-select, loaded: an unknown option', configs: DYNAMIC_TAGS, dynamicOptions: { tag_options: ['vip', 'churned'] }, value: { tags: ['vip', 'new'] }, valid: false, fields: ['tags[1]'] },
  { name: 'dynamic multi-select, not loaded: an empty list is fine', configs: DYNAMIC_TAGS, value: { tags: [] }, valid: true },
  { name: 'dynamic multi-select, not loaded: any option is refused', configs: DYNAMIC_TAGS, value: { tags: ['vip'] }, valid: false, errors: [{ field: 'tags', message: 'Options are not loaded yet' }] },
];

const DEPENDENT_CASES: SettingsCorpusCase[] = [
  { name: 'dependent: a child of its parent', configs: FOOD, dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Sweet', favorite_food: 'Chocolate' }, valid: true },
  { name: 'dependent: the parent alone', configs: FOOD, dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Savory' }, valid: true },
  { name: 'dependent: a child of another parent', configs: FOOD, dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Sweet', favorite_food: 'Pizza' }, valid: false, errors: [{ field: 'favorite_food', message: 'must be one of: Chocolate, Caramel' }] },
  { name: 'dependent: a child without its parent', configs: FOOD, dynamicOptions: FOOD_OPTIONS, value: { favorite_food: 'Chips' }, valid: false, errors: [{ field: 'favorite_food', message: 'Choose "Food type" first' }] },
  { name: 'dependent: a parent value without child options', configs: FOOD, dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Spicy', favorite_food: 'Chips' }, valid: false, errors: [{ field: 'favorite_food', message: 'There are no options for the chosen "Food type"' }] },
  { name: 'dependent: a parent value from no list', configs: FOOD, dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Bitter' }, valid: false, fields: ['food_type'] },
  { name: 'dependent, required child: missing under a parent with options', configs: food({ childRequired: true }), dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Sweet' }, valid: false, errors: [{ field: 'favorite_food', message: 'is required' }] },
  { name: 'dependent, required child: not required under a parent without options', configs: food({ childRequired: true }), dynamicOptions: FOOD_OPTIONS, value: { food_type: 'Spicy' }, valid: true },
  { name: 'dependent, required child: not required without a parent', configs: food({ childRequired: true }), dynamicOptions: FOOD_OPTIONS, value: {}, valid: true },
  { name: 'dependent, child not loaded', configs: FOOD, dynamicOptions: { food_type_options: ['Sweet'] }, value: { food_type: 'Sweet', favorite_food: 'Chocolate' }, valid: false, errors: [{ field: 'favorite_food', message: 'Options are not loaded yet' }] },
  { name: 'dependent, a list for the child counts as not loaded', configs: FOOD, dynamicOptions: { food_type_options: ['Sweet'], favorite_food_options: ['Chocolate'] }, value: { food_type: 'Sweet', favorite_food: 'Chocolate' }, valid: false, fields: ['favorite_food'] },
  { name: 'dependent, parent not loaded: the child cannot be set', configs: FOOD, dynamicOptions: { favorite_food_options: { Sweet: ['Chocolate'] } }, value: { food_type: 'Sweet', favorite_food: 'Chocolate' }, valid: false, fields: ['food_type'] },
  { name: 'dependent on integers: a good child', configs: LEVELS, dynamicOptions: LEVEL_OPTIONS, value: { level: 2, perk: 'gold' }, valid: true },
  { name: 'dependent on integers: a child of the other level', configs: LEVELS, dynamicOptions: LEVEL_OPTIONS, value: { level: 1, perk: 'gold' }, valid: false, errors: [{ field: 'perk', message: 'must be one of: Bronze badge (bronze)' }] },
  { name: 'dependent on integers: the level as a string', configs: LEVELS, dynamicOptions: LEVEL_OPTIONS, value: { level: '1', perk: 'bronze' }, valid: false, fields: ['level', 'perk'] },
  { name: 'dependent multi-select: good options', configs: TOPICS, dynamicOptions: TOPIC_OPTIONS, value: { team: 'sales', topics: ['leads', 'deals'] }, valid: true },
  { name: 'dependent multi-select: an option of the other team', configs: TOPICS, dynamicOptions: TOPIC_OPTIONS, value: { team: 'support', topics: ['tickets', 'deals'] }, valid: false, fields: ['topics[1]'] },
  { name: 'dependent multi-select: options without a team', configs: TOPICS, dynamicOptions: TOPIC_OPTIONS, value: { topics: ['leads'] }, valid: false, errors: [{ field: 'topics', message: 'Choose "Team" first' }] },
  { name: 'dependent multi-select: an empty list without a team', configs: TOPICS, dynamicOptions: TOPIC_OPTIONS, value: { topics: [] }, valid: true },
];

export const settingsCorpus: readonly SettingsCorpusCase[] = [...KITCHEN_CASES, ...DYNAMIC_CASES, ...DEPENDENT_CASES];
