import type { FormContextType, RJSFSchema, StrictRJSFSchema, WrapIfAdditionalTemplateProps } from '@rjsf/utils';

/**
 * Settings forms never allow additional properties (`additionalProperties: false`), so this only
 * wraps the field, without rjsf's key editor (and without its inline styles).
 */
export default function WrapIfAdditionalTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ classNames, children }: WrapIfAdditionalTemplateProps<T, S, F>) {
  return <div className={classNames}>{children}</div>;
}
