import { widgetContract, LABEL, type WidgetCase } from '../testing/widget-contract.ts';

const localDateTime = (text: string) => new Date(text).toISOString();

/** Every widget of the theme, through the same contract. */
const cases: WidgetCase[] = [
  {
    name: 'text',
    control: 'input[type=text]',
    property: { type: 'string', minLength: 3 },
    invalidKeys: 'ab',
    error: `${LABEL} must be at least 3 characters`,
    keys: 'abc',
    value: 'abc',
  },
  {
    name: 'textarea',
    control: 'textarea',
    property: { type: 'string', maxLength: 3 },
    options: { multi: true },
    invalidKeys: 'abcd',
    error: `${LABEL} must be at most 3 characters`,
    keys: 'a{Enter}b',
    value: 'a\nb',
  },
  {
    name: 'integer (updown)',
    control: 'input[type=number]',
    property: { type: 'integer', min: 1, max: 5 },
    invalidKeys: '9',
    error: `${LABEL} must be at most 5`,
    keys: '{ArrowUp}{ArrowUp}',
    value: 2,
  },
  {
    name: 'number',
    control: 'input[type=number]',
    property: { type: 'number', min: 0, max: 1 },
    invalidKeys: '1.5',
    error: `${LABEL} must be at most 1`,
    keys: '0.25',
    value: 0.25,
  },
  {
    name: 'checkbox (boolean)',
    control: 'input[type=checkbox]',
    property: { type: 'boolean' },
    // A box that must be ticked (terms of use, say): the translation never makes one, the theme supports it.
    adjust: (field) => {
      field.const = true;
    },
    invalidKeys: '  ',
    error: `${LABEL} must be true`,
    keys: ' ',
    value: true,
  },
  {
    name: 'select (enum)',
    control: 'select',
    property: { type: 'string', enum: ['red', 'green'] },
    invalidKeys: '{ArrowDown}{ArrowUp}',
    error: `${LABEL} is required`,
    keys: '{ArrowDown}{ArrowDown}',
    value: 'green',
  },
  {
    name: 'select (oneOf)',
    control: 'select',
    property: {
      type: 'string',
      oneOf: [
        { title: 'Free', const: 'free' },
        { title: 'Pro', const: 'pro' },
      ],
    },
    invalidKeys: '{ArrowDown}{ArrowUp}',
    error: `${LABEL} is required`,
    keys: '{ArrowDown}',
    value: 'free',
  },
  {
    name: 'radio',
    control: 'input[type=radio]',
    property: { type: 'string', enum: ['red', 'green', 'blue'] },
    rjsf: { 'ui:widget': 'radio' },
    invalidKeys: '',
    error: `${LABEL} is required`,
    keys: '{ArrowDown}',
    value: 'green',
  },
  {
    name: 'checkboxes (multi-select)',
    control: 'input[type=checkbox]',
    property: { type: 'array', uniqueItems: true, items: { type: 'string', enum: ['email', 'sms', 'push'] } },
    invalidKeys: '  ',
    error: `${LABEL} must have at least 1 option`,
    keys: ' ',
    value: ['email'],
  },
  {
    name: 'date',
    control: 'input[type=date]',
    property: { type: 'string', format: 'date' },
    invalidKeys: '01',
    error: `${LABEL} is required`,
    keys: '01052024',
    value: '2024-01-05',
  },
  {
    name: 'time',
    control: 'input[type=time]',
    property: { type: 'string', format: 'time' },
    invalidKeys: '09',
    error: `${LABEL} is required`,
    keys: '0930A',
    value: '09:30:00',
  },
  {
    name: 'date-time',
    control: 'input[type=datetime-local]',
    property: { type: 'string', format: 'date-time' },
    invalidKeys: '0105',
    error: `${LABEL} is required`,
    keys: '01052024{ArrowRight}0930A',
    value: localDateTime('2024-01-05T09:30'),
  },
];

widgetContract(cases);
