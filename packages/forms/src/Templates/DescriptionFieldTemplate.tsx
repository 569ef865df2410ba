import type { DescriptionFieldProps, FormContextType, RJSFSchema, StrictRJSFSchema } from '@rjsf/utils';

/** A field's hint (`ui:description`, from PANDIUM.yaml's `hintText`), as plain text. */
export default function DescriptionFieldTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ id, description }: DescriptionFieldProps<T, S, F>) {
  if (!description) return null;
  return (
    <p id={id} className="field__hint" part="field-hint">
      {description}
    </p>
  );
}
