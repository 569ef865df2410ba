import { useCallback, type ChangeEvent, type FocusEvent } from 'react';
import {
  getInputProps,
  type BaseInputTemplateProps,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
} from '@rjsf/utils';
import { describedBy, invalid } from './aria.ts';

/**
 * The `<input>` behind the text, number, date, time and date-time widgets: labelled by the field's
 * `<label for>`, described by its error, hint and help, `aria-invalid` while it shows an error.
 */
export default function BaseInputTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: BaseInputTemplateProps<T, S, F>) {
  const {
    id,
    htmlName,
    value,
    required,
    readonly,
    disabled,
    autofocus,
    placeholder,
    onBlur,
    onFocus,
    onChange,
    onChangeOverride,
    options,
    schema,
    rawErrors,
    type,
  } = props;
  const inputProps = getInputProps<T, S, F>(schema, type, options);
  const numeric = inputProps.type === 'number';
  const inputValue = numeric ? (value || value === 0 ? value : '') : (value ?? '');

  const handleChange = useCallback(
    ({ target }: ChangeEvent<HTMLInputElement>) =>
      onChange(target.value === '' ? options.emptyValue : target.value),
    [onChange, options.emptyValue],
  );
  const handleBlur = useCallback(({ target }: FocusEvent<HTMLInputElement>) => onBlur(id, target.value), [onBlur, id]);
  const handleFocus = useCallback(({ target }: FocusEvent<HTMLInputElement>) => onFocus(id, target.value), [onFocus, id]);

  return (
    <input
      id={id}
      name={htmlName || id}
      className="input"
      part="field-input"
      {...inputProps}
      value={inputValue}
      placeholder={placeholder || undefined}
      required={required}
      readOnly={readonly}
      disabled={disabled}
      autoFocus={autofocus}
      aria-invalid={invalid(rawErrors)}
      aria-describedby={describedBy(props)}
      onChange={onChangeOverride || handleChange}
      onBlur={handleBlur}
      onFocus={handleFocus}
    />
  );
}
