import { useCallback, type ChangeEvent, type FocusEvent } from 'react';
import {
  enumOptionsDeselectValue,
  enumOptionsIsSelected,
  enumOptionsSelectValue,
  enumOptionValueDecoder,
  enumOptionValueEncoder,
  getOptionValueFormat,
  optionId,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
  type WidgetProps,
} from '@rjsf/utils';
import { describedBy, invalid } from '../Templates/aria.ts';
import { RequiredMarker } from '../Templates/FieldTemplate.tsx';

/**
 * A multi-select (array of options): a group of checkboxes titled by its legend. Tab reaches
 * each box, Space toggles it.
 */
export default function CheckboxesWidget<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: WidgetProps<T, S, F>) {
  const { id, htmlName, disabled, readonly, options, value, autofocus, label, hideLabel, required, rawErrors } = props;
  const { onChange, onBlur, onFocus } = props;
  const { enumOptions = [], enumDisabled, emptyValue } = options;
  const format = getOptionValueFormat(options);
  const selected: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const described = describedBy(props);

  const handleBlur = useCallback(
    ({ target }: FocusEvent<HTMLInputElement>) =>
      onBlur(id, enumOptionValueDecoder<S>(target.value, enumOptions, format, emptyValue)),
    [onBlur, id, enumOptions, format, emptyValue],
  );
  const handleFocus = useCallback(
    ({ target }: FocusEvent<HTMLInputElement>) =>
      onFocus(id, enumOptionValueDecoder<S>(target.value, enumOptions, format, emptyValue)),
    [onFocus, id, enumOptions, format, emptyValue],
  );

  return (
    <fieldset className="choices">
      <legend className={hideLabel ? 'sr-only' : 'field__label'} part="field-label">
        {label}
        {required && <RequiredMarker group />}
      </legend>
      {enumOptions.map((option, index) => {
        const checked = enumOptionsIsSelected<S>(option.value, selected as any);
        const itemDisabled = Array.isArray(enumDisabled) && enumDisabled.includes(option.value);
        const handleChange = (event: ChangeEvent<HTMLInputElement>) =>
          onChange(
            event.target.checked
              ? enumOptionsSelectValue<S>(index, selected as any, enumOptions)
              : enumOptionsDeselectValue<S>(index, selected as any, enumOptions),
          );
        return (
          <div key={String(option.value)} className="choice">
            <input
              type="checkbox"
              id={optionId(id, index)}
              name={htmlName || id}
              className="choice__input"
              part="field-checkbox"
              value={enumOptionValueEncoder(option.value, index, format)}
              checked={checked}
              disabled={disabled || readonly || itemDisabled}
              autoFocus={autofocus && index === 0}
              aria-invalid={invalid(rawErrors)}
              aria-describedby={described}
              onChange={handleChange}
              onBlur={handleBlur}
              onFocus={handleFocus}
            />
            <label htmlFor={optionId(id, index)} className="choice__label" part="field-choice-label">
              {option.label}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}
