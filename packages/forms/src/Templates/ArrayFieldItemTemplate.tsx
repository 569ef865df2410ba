import {
  getTemplate,
  getUiOptions,
  type ArrayFieldItemTemplateProps,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
} from '@rjsf/utils';

/** One item of a list, with its move/copy/remove buttons beside it. */
export default function ArrayFieldItemTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: ArrayFieldItemTemplateProps<T, S, F>) {
  const { children, buttonsProps, hasToolbar, registry, uiSchema } = props;
  const Buttons = getTemplate<'ArrayFieldItemButtonsTemplate', T, S, F>(
    'ArrayFieldItemButtonsTemplate',
    registry,
    getUiOptions<T, S, F>(uiSchema),
  );
  return (
    <li className="array__item">
      <div className="array__item-body">{children}</div>
      {hasToolbar && (
        <div className="array__toolbar">
          <Buttons {...buttonsProps} />
        </div>
      )}
    </li>
  );
}
