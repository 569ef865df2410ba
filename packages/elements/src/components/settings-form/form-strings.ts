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
  };
  cache.set(locale, strings);
  return strings;
}
