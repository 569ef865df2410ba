import { useCallback, type ChangeEvent, type FocusEvent } from 'react';
import type { FormContextType, RJSFSchema, StrictRJSFSchema, WidgetProps } from '@rjsf/utils';
import { describedBy, invalid } from '../Templates/aria.ts';

/** Multi-line text (`options.multi` in PANDIUM.yaml, or `ui:widget: textarea`). */
export default function TextareaWidget<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: WidgetProps<T, S, F>) {
  const { id, htmlName, options, placeholder, value, required, disabled, readonly, autofocus, rawErrors } = props;
  const { onChange, onBlur, onFocus } = props;
  const handleChange = useCallback(
    ({ target }: ChangeEvent<HTMLTextAreaElement>) => onChange(target.value === '' ? options.emptyValue : target.value),
    [onChange, options.emptyValue],
  );
  const handleBlur = useCallback(({ target }: FocusEvent<HTMLTextAreaElement>) => onBlur(id, target.value), [onBlur, id]);
  const handleFocus = useCallback(({ target }: FocusEvent<HTMLTextAreaElement>) => onFocus(id, target.value), [
    onFocus,
    id,
  ]);
  return (
    <textarea
      id={id}
      name={htmlName || id}
      className="input input--multiline"
      part="field-input"
      value={value ?? ''}
      placeholder={placeholder || undefined}
      required={required}
      disabled={disabled}
      readOnly={readonly}
      autoFocus={autofocus}
      rows={typeof options.rows === 'number' ? options.rows : 4}
      aria-invalid={invalid(rawErrors)}
      aria-describedby={describedBy(props)}
      onChange={handleChange}
      onBlur={handleBlur}
      onFocus={handleFocus}
    />
  );
}
