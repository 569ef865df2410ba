import type { FormContextType, RJSFSchema, StrictRJSFSchema, TitleFieldProps } from '@rjsf/utils';
import { RequiredMarker } from './FieldTemplate.tsx';

/** The title of an object or a list of items: a `<legend>` (these render inside a `<fieldset>`). */
export default function TitleFieldTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ id, title, required, optionalDataControl }: TitleFieldProps<T, S, F>) {
  if (!title) return null;
  return (
    <legend id={id} className="group__title" part="group-legend">
      {title}
      {required && <RequiredMarker group />}
      {optionalDataControl}
    </legend>
  );
}
