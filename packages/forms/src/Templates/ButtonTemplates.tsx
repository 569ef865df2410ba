import {
  getSubmitButtonOptions,
  TranslatableString,
  type FormContextType,
  type IconButtonProps,
  type RJSFSchema,
  type StrictRJSFSchema,
  type SubmitButtonProps,
  type TemplatesType,
} from '@rjsf/utils';

/** The form's submit button (`ui:submitButtonOptions`: `submitText`, `norender`). */
export function SubmitButton<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>({
  uiSchema,
}: SubmitButtonProps<T, S, F>) {
  const { submitText, norender, props = {} } = getSubmitButtonOptions<T, S, F>(uiSchema);
  if (norender) return null;
  return (
    <div className="form__actions">
      <button type="submit" {...props} className="button button--primary">
        {submitText}
      </button>
    </div>
  );
}

const PATHS: Record<string, string> = {
  'arrow-up': 'M10 15.5v-11M5.5 9 10 4.5 14.5 9',
  'arrow-down': 'M10 4.5v11M5.5 11l4.5 4.5 4.5-4.5',
  copy: 'M7.5 7.5h8v8h-8zM4.5 12.5v-8h8',
  remove: 'M5.5 5.5l9 9M14.5 5.5l-9 9',
  plus: 'M10 4.5v11M4.5 10h11',
};

/** A small button with an icon; its accessible name is the `title` (also shown as a tooltip). */
function IconButton<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>(
  props: IconButtonProps<T, S, F> & { label: string },
) {
  const { icon, iconType, label, className, uiSchema, registry, style, title, ...rest } = props;
  void style; // never inline styles (strict CSP)
  return (
    <button
      type="button"
      {...rest}
      className={`button button--small button--icon${iconType === 'danger' ? ' button--danger-ghost' : ''} ${className ?? ''}`}
      title={title ?? label}
      aria-label={title ?? label}
    >
      <svg className="icon" viewBox="0 0 20 20" aria-hidden="true">
        <path d={PATHS[typeof icon === 'string' ? icon : ''] ?? ''} />
      </svg>
    </button>
  );
}

function makeIconButton(icon: string, text: TranslatableString, iconType?: string) {
  return function Button<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>(
    props: IconButtonProps<T, S, F>,
  ) {
    const label = props.registry.translateString(text);
    return <IconButton<T, S, F> {...props} icon={icon} iconType={iconType} label={label} />;
  };
}

export const MoveUpButton = makeIconButton('arrow-up', TranslatableString.MoveUpButton);
export const MoveDownButton = makeIconButton('arrow-down', TranslatableString.MoveDownButton);
export const CopyButton = makeIconButton('copy', TranslatableString.CopyButton);
export const RemoveButton = makeIconButton('remove', TranslatableString.RemoveButton, 'danger');
export const ClearButton = makeIconButton('remove', TranslatableString.ClearButton);

/** "Add item" under a list (text and icon). */
export function AddButton<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>(
  props: IconButtonProps<T, S, F>,
) {
  const { className, uiSchema, registry, style, icon, iconType, ...rest } = props;
  void style;
  return (
    <button type="button" {...rest} className={`button button--small ${className ?? ''}`}>
      <svg className="icon" viewBox="0 0 20 20" aria-hidden="true">
        <path d={PATHS.plus} />
      </svg>
      {registry.translateString(TranslatableString.AddItemButton)}
    </button>
  );
}

export function generateButtonTemplates<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(): TemplatesType<T, S, F>['ButtonTemplates'] {
  return { SubmitButton, AddButton, CopyButton, MoveDownButton, MoveUpButton, RemoveButton, ClearButton };
}
