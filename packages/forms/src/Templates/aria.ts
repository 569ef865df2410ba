import { ariaDescribedByIds, type FormContextType, type RJSFSchema, type StrictRJSFSchema, type WidgetProps } from '@rjsf/utils';

type DescribedProps<T, S extends StrictRJSFSchema, F extends FormContextType> = Pick<
  WidgetProps<T, S, F>,
  'id' | 'schema' | 'options' | 'rawErrors'
>;

/**
 * `aria-describedby` for a control: rjsf's ids (`ariaDescribedByIds`: error, description, help)
 * limited to the elements that are on the page, so it never points at nothing.
 */
export function describedBy<T, S extends StrictRJSFSchema, F extends FormContextType>(
  props: DescribedProps<T, S, F>,
): string | undefined {
  const [error, description, help] = ariaDescribedByIds(props.id).split(' ');
  const ids: string[] = [];
  if (props.rawErrors?.length) ids.push(error!);
  if (props.options.description || props.schema.description) ids.push(description!);
  if (props.options.help) ids.push(help!);
  return ids.length ? ids.join(' ') : undefined;
}

/** `aria-invalid` for a control: only when it shows an error. */
export function invalid(rawErrors: readonly string[] | undefined): true | undefined {
  return rawErrors?.length ? true : undefined;
}
