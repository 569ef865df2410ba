/**
 * The settings form's strings in the element's language, for @pan/forms's `strings`: rjsf's
 * `TranslatableString` texts and the form's own (@pan/forms `FormString`), keyed by their English
 * text; `%1`, `%2` are rjsf's parameters and stay as they are in every translation.
 * Call it while the element renders (`renderIn`): `msg()` reads the locale then.
 */
import { currentCatalogue, msg } from '../../internal/locale.ts';

const cache = new Map<string, Readonly<Record<string, string>>>();

export function formStrings(): Readonly<Record<string, string>> {
  const locale = currentCatalogue();

  let strings = cache.get(locale);
  if (strings) return strings;
  strings = {
    // rjsf's TranslatableString
    Item: msg('Item'),
    'Missing items definition': msg('Missing items definition'),
    'No items yet. Use the button below to add some.': msg('No items yet. Use the button below to add some.'),
    Yes: msg('Yes'),
    No: msg('No'),
    Close: msg('Close'),
    Errors: msg('Errors'),
    'New Value': msg('New Value'),
    Add: msg('Add'),
    'Add Item': msg('Add Item'),
    Copy: msg('Copy'),
    'Expand Cycle': msg('Expand Cycle'),
    'Move down': msg('Move down'),
    'Move up': msg('Move up'),
    Remove: msg('Remove'),
    Now: msg('Now'),
    Clear: msg('Clear'),
    'Select a date': msg('Select a date'),
    Preview: msg('Preview'),
    'Decrease value by 1': msg('Decrease value by 1'),
    'Increase value by 1': msg('Increase value by 1'),
    'Add data for optional field': msg('Add data for optional field'),
    'Remove data for optional field': msg('Remove data for optional field'),
    'No data for optional field': msg('No data for optional field'),
    Type: msg('Type'),
    Value: msg('Value'),
    'clear input': msg('clear input'),
    'Unknown field type %1': msg('Unknown field type %1'),
    'Option %1': msg('Option %1'),
    '%1 option %2': msg('%1 option %2'),
    '%1 Key': msg('%1 Key'),
    '%1 (deprecated)': msg('%1 (deprecated)'),
    'Circular reference ($ref cycle) detected for field "%1". You may choose to expand to the next cycle break': msg(
      'Circular reference ($ref cycle) detected for field "%1". You may choose to expand to the next cycle break',
    ),
    'Invalid "%1" object field configuration: _%2_.': msg('Invalid "%1" object field configuration: _%2_.'),
    'Unsupported field schema.': msg('Unsupported field schema.'),
    'Unsupported field schema for field `%1`.': msg('Unsupported field schema for field `%1`.'),
    'Unsupported field schema: _%1_.': msg('Unsupported field schema: _%1_.'),
    'Unsupported field schema for field `%1`: _%2_.': msg('Unsupported field schema for field `%1`: _%2_.'),
    '**%1** (%2, %3 bytes)': msg('**%1** (%2, %3 bytes)'),
    // @pan/forms's FormString
    'Load options': msg('Load options'),
    'Loading options…': msg('Loading options…'),
    'The options for this field are not loaded yet.': msg('The options for this field are not loaded yet.'),
    'Choose…': msg('Choose…'),
    Save: msg('Save'),
    'Choose %1 first': msg('Choose %1 first'),
    '%1 %2': msg('%1 %2', { desc: "A field's label, then a phrase about it: Count / must be at least 1" }),
    // The validation messages: every template of @pan/pandium-yaml's SETTINGS_MESSAGE_TEMPLATES
    // (a test holds them to it); %1 is a number, a list or a name.
    'is required': msg('is required'),
    'is not a setting of this integration': msg('is not a setting of this integration'),
    'Options are not loaded yet': msg('Options are not loaded yet'),
    'There are no options to choose from': msg('There are no options to choose from'),
    'Choose "%1" first': msg('Choose "%1" first'),
    'There are no options for the chosen "%1"': msg('There are no options for the chosen "%1"'),
    'The settings %1': msg('The settings %1', { desc: '%1 is a validation phrase, e.g. "must be an object"' }),
    'must be %1': msg('must be %1', { desc: '%1 is a kind of value ("a whole number") or a value' }),
    'must be at least %1': msg('must be at least %1'),
    'must be at most %1': msg('must be at most %1'),
    'must be greater than %1': msg('must be greater than %1'),
    'must be less than %1': msg('must be less than %1'),
    'must be a multiple of %1': msg('must be a multiple of %1'),
    'must be one of: %1': msg('must be one of: %1'),
    'must be one of: %1, … (%2 in all)': msg('must be one of: %1, … (%2 in all)'),
    'is not one of the options': msg('is not one of the options'),
    'is not one of the allowed values': msg('is not one of the allowed values'),
    'must be a date (YYYY-MM-DD)': msg('must be a date (YYYY-MM-DD)'),
    'must be a time (HH:MM or HH:MM:SS)': msg('must be a time (HH:MM or HH:MM:SS)'),
    'must be a date and time with a time zone (YYYY-MM-DDTHH:MM:SSZ)': msg('must be a date and time with a time zone (YYYY-MM-DDTHH:MM:SSZ)'),
    'must be a valid %1': msg('must be a valid %1'),
    'must match the pattern %1': msg('must match the pattern %1'),
    'must be at least %1 character': msg('must be at least %1 character'),
    'must be at least %1 characters': msg('must be at least %1 characters'),
    'must be at most %1 character': msg('must be at most %1 character'),
    'must be at most %1 characters': msg('must be at most %1 characters'),
    'must have at least %1 item': msg('must have at least %1 item'),
    'must have at least %1 items': msg('must have at least %1 items'),
    'must have at most %1 item': msg('must have at most %1 item'),
    'must have at most %1 items': msg('must have at most %1 items'),
    'must have at least %1 option': msg('must have at least %1 option'),
    'must have at least %1 options': msg('must have at least %1 options'),
    'must have at most %1 option': msg('must have at most %1 option'),
    'must have at most %1 options': msg('must have at most %1 options'),
    'must not list the same value twice': msg('must not list the same value twice'),
    'is not allowed': msg('is not allowed'),
    'is not valid': msg('is not valid'),
    // The kinds of value in "must be %1" (TYPE_WORDS)
    'text': msg('text', { desc: 'a kind of value: "must be text"' }),
    'a whole number': msg('a whole number'),
    'a number': msg('a number'),
    'true or false': msg('true or false'),
    'a list': msg('a list'),
    'an object': msg('an object'),
    'empty': msg('empty', { desc: 'a kind of value: "must be empty"' }),
  };
  cache.set(locale, strings);
  return strings;
}
