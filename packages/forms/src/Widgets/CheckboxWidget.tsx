import { useCallback, type ChangeEvent, type FocusEvent } from 'react';
import {
  schemaRequiresTrueValue,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
  type WidgetProps,
} from '@rjsf/utils';
import { describedBy, invalid } from '../Templates/aria.ts';
import { RequiredMarker } from '../Templates/FieldTemplate.tsx';

/**
 * A boolean: a checkbox with its label after it. It is `required` only when it must be checked
 * (`const: true`); a required boolean may be false.
 */
export default function CheckboxWidget<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: WidgetProps<T, S, F>) {
  const { schema, id, htmlName, value, disabled, readonly, label, hideLabel, autofocus, required, rawErrors } = props;
  const { onChange, onBlur, onFocus } = props;
  const mustBeTrue = Boolean(required && schemaRequiresTrueValue<S>(schema));
  const handleChange = useCallback((e: ChangeEvent<HTMLInputElement>) => onChange(e.target.checked), [onChange]);
  const handleBlur = useCallback((e: FocusEvent<HTMLInputElement>) => onBlur(id, e.target.checked), [onBlur, id]);
  const handleFocus = useCallback((e: FocusEvent<HTMLInputElement>) => onFocus(id, e.target.checked), [onFocus, id]);
  return (
    <div className="choice">
      <input
        type="checkbox"
        id={id}
        name={htmlName || id}
        className="choice__input"
        part="field-checkbox"
        checked={value === true}
        required={mustBeTrue}
        disabled={disabled || readonly}
        autoFocus={autofocus}
        aria-invalid={invalid(rawErrors)}
        aria-describedby={describedBy(props)}
        onChange={handleChange}
        onBlur={handleBlur}
        onFocus={handleFocus}
      />
      <label htmlFor={id} className={hideLabel ? 'sr-only' : 'choice__label'} part="field-choice-label">
        {label}
        {mustBeTrue && <RequiredMarker />}
      </label>
    </div>
  );
}
