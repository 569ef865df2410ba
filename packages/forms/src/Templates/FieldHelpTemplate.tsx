import { helpId, type FieldHelpProps, type FormContextType, type RJSFSchema, type StrictRJSFSchema } from '@rjsf/utils';

/** `ui:help` text under a field (plain text). */
export default function FieldHelpTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ fieldPathId, help }: FieldHelpProps<T, S, F>) {
  if (!help) return null;
  return (
    <p id={helpId(fieldPathId)} className="field__help" part="field-help">
      {help}
    </p>
  );
}
