import { TranslatableString, type ErrorListProps, type FormContextType, type RJSFSchema, type StrictRJSFSchema } from '@rjsf/utils';

/** A summary of every error (off in the settings form, where errors show on their fields). */
export default function ErrorListTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ errors, registry }: ErrorListProps<T, S, F>) {
  return (
    <div className="error-summary" part="error-summary" role="alert">
      <h3 className="error-summary__title">{registry.translateString(TranslatableString.ErrorsLabel)}</h3>
      <ul className="error-summary__list">
        {errors.map((error, i) => (
          <li key={i}>{error.stack}</li>
        ))}
      </ul>
    </div>
  );
}
