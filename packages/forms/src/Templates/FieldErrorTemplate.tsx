import { errorId, type FieldErrorProps, type FormContextType, type RJSFSchema, type StrictRJSFSchema } from '@rjsf/utils';

/**
 * A field's errors, under the control. `role="alert"`: a screen reader announces them when they
 * appear, and the control's `aria-describedby` points here so they are read again on focus.
 */
export default function FieldErrorTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ errors = [], fieldPathId }: FieldErrorProps<T, S, F>) {
  const messages = errors.filter(Boolean);
  if (!messages.length) return null;
  return (
    <div id={errorId(fieldPathId)} className="field__error" part="field-error" role="alert">
      {messages.map((message, index) => (
        <p key={index} className="field__error-message">
          <svg className="field__error-icon" viewBox="0 0 20 20" aria-hidden="true">
            <circle cx="10" cy="10" r="7.5" />
            <path d="M10 6.5v4M10 13.5v.01" />
          </svg>
          {message}
        </p>
      ))}
    </div>
  );
}
