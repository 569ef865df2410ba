import { useCallback, type FocusEvent } from 'react';
import {
  enumOptionsIsSelected,
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
 * A single choice as radio buttons (`ui:widget: radio`): a group titled by its legend. Tab reaches
 * the group, the arrow keys move the choice.
 */
export default function RadioWidget<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: WidgetProps<T, S, F>) {
  const { id, htmlName, disabled, readonly, options, value, autofocus, label, hideLabel, required, rawErrors } = props;
  const { onChange, onBlur, onFocus } = props;
  const { enumOptions = [], enumDisabled, emptyValue } = options;
  const format = getOptionValueFormat(options);
  const described = describedBy(props);
  const decode = useCallback(
    (raw: string) => enumOptionValueDecoder<S>(raw, enumOptions, format, emptyValue),
    [enumOptions, format, emptyValue],
  );
  const handleBlur = useCallback((e: FocusEvent<HTMLInputElement>) => onBlur(id, decode(e.target.value)), [
    onBlur,
    id,
    decode,
  ]);
  const handleFocus = useCallback((e: FocusEvent<HTMLInputElement>) => onFocus(id, decode(e.target.value)), [
    onFocus,
    id,
    decode,
  ]);
  return (
    <fieldset className="choices">
      <legend className={hideLabel ? 'sr-only' : 'field__label'} part="field-label">
        {label}
        {required && <RequiredMarker group />}
      </legend>
      {enumOptions.map((option, index) => (
        <div key={String(option.value)} className="choice">
          <input
            type="radio"
            id={optionId(id, index)}
            name={htmlName || id}
            className="choice__input"
            part="field-radio"
            value={enumOptionValueEncoder(option.value, index, format)}
            checked={enumOptionsIsSelected<S>(option.value, value)}
            required={required}
            disabled={disabled || readonly || (Array.isArray(enumDisabled) && enumDisabled.includes(option.value))}
            autoFocus={autofocus && index === 0}
            aria-invalid={invalid(rawErrors)}
            aria-describedby={described}
            onChange={() => onChange(option.value)}
            onBlur={handleBlur}
            onFocus={handleFocus}
          />
          <label htmlFor={optionId(id, index)} className="choice__label" part="field-choice-label">
            {option.label}
          </label>
        </div>
      ))}
    </fieldset>
  );
}
