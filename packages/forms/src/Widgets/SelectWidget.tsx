import { useCallback, type ChangeEvent, type FocusEvent } from 'react';
import {
  enumOptionSelectedValue,
  enumOptionValueDecoder,
  enumOptionValueEncoder,
  getOptionValueFormat,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
  type TranslatableString,
  type WidgetProps,
} from '@rjsf/utils';
import { FormString } from '../strings.ts';
import { hasValue } from '../context.ts';
import { describedBy, invalid } from '../Templates/aria.ts';
import CheckboxesWidget from './CheckboxesWidget.tsx';

/**
 * A single choice (`enum`, or `oneOf` of `{const, title}`): a native `<select>` (arrow keys change
 * it). A multiple choice renders as checkboxes.
 */
export default function SelectWidget<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: WidgetProps<T, S, F>) {
  const { schema, id, htmlName, options, value, required, disabled, readonly, multiple, autofocus, placeholder } =
    props;
  const { onChange, onBlur, onFocus, rawErrors } = props;
  const { enumOptions = [], enumDisabled, emptyValue } = options;
  const format = getOptionValueFormat(options);
  const decode = useCallback(
    (raw: string) => enumOptionValueDecoder<S>(raw, enumOptions, format, emptyValue),
    [enumOptions, format, emptyValue],
  );
  const handleChange = useCallback((e: ChangeEvent<HTMLSelectElement>) => onChange(decode(e.target.value)), [
    onChange,
    decode,
  ]);
  const handleBlur = useCallback((e: FocusEvent<HTMLSelectElement>) => onBlur(id, decode(e.target.value)), [
    onBlur,
    id,
    decode,
  ]);
  const handleFocus = useCallback((e: FocusEvent<HTMLSelectElement>) => onFocus(id, decode(e.target.value)), [
    onFocus,
    id,
    decode,
  ]);

  if (multiple) return <CheckboxesWidget<T, S, F> {...props} />;

  const common = {
    id,
    name: htmlName || id,
    className: 'select',
    part: 'field-select',
    required,
    'aria-invalid': invalid(rawErrors),
    'aria-describedby': describedBy(props),
  };
  const selected = enumOptionSelectedValue<S>(value, enumOptions, false, format, '');
  return (
    <select
      {...common}
      value={typeof selected === 'string' ? selected : String(selected ?? '')}
      disabled={disabled || readonly}
      autoFocus={autofocus}
      onChange={handleChange}
      onBlur={handleBlur}
      onFocus={handleFocus}
    >
      {(schema.default === undefined || !hasValue(value)) && <option value="">{placeholder || props.registry.translateString(FormString.Choose as TranslatableString)}</option>}
      {enumOptions.map(({ value: optionValue, label }, i) => (
        <option
          key={String(optionValue)}
          value={enumOptionValueEncoder(optionValue, i, format)}
          disabled={Array.isArray(enumDisabled) && enumDisabled.includes(optionValue)}
        >
          {label}
        </option>
      ))}
    </select>
  );
}
