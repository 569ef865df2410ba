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

/** Text glyphs, not SVG: a list of 100 items has 300 of these buttons, and glyphs paint cheaply. */
const GLYPHS: Record<string, string> = {
  'arrow-up': '↑',
  'arrow-down': '↓',
  copy: '⧉',
  remove: '✕',
  plus: '+',
};

/** A small button with an icon; its accessible name is the `title` (also shown as a tooltip). */
function IconButton<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>(
  props: IconButtonProps<T, S, F> & { label: string; part: string },
) {
  const { icon, iconType, label, part, className, uiSchema, registry, style, title, ...rest } = props;
  void style; // never inline styles (strict CSP)
  return (
    <button
      type="button"
      {...rest}
      className={`button button--small button--icon${iconType === 'danger' ? ' button--danger-ghost' : ''} ${className ?? ''}`}
      part={part}
      title={title ?? label}
      aria-label={title ?? label}
    >
      <span className="button__glyph" aria-hidden="true">
        {GLYPHS[typeof icon === 'string' ? icon : ''] ?? ''}
      </span>
    </button>
  );
}

/** `part` names the button for a host's `::part()` (documented on `<pan-settings-form>`). */
function makeIconButton(icon: string, text: TranslatableString, part: string, iconType?: string) {
  return function Button<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>(
    props: IconButtonProps<T, S, F>,
  ) {
    const label = props.registry.translateString(text);
    return <IconButton<T, S, F> {...props} icon={icon} iconType={iconType} label={label} part={part} />;
  };
}

export const MoveUpButton = makeIconButton('arrow-up', TranslatableString.MoveUpButton, 'array-move-up-button');
export const MoveDownButton = makeIconButton('arrow-down', TranslatableString.MoveDownButton, 'array-move-down-button');
export const CopyButton = makeIconButton('copy', TranslatableString.CopyButton, 'array-copy-button');
export const RemoveButton = makeIconButton('remove', TranslatableString.RemoveButton, 'array-remove-button', 'danger');
export const ClearButton = makeIconButton('remove', TranslatableString.ClearButton, 'clear-button');

/** "Add item" under a list (text and icon). */
export function AddButton<T = any, S extends StrictRJSFSchema = RJSFSchema, F extends FormContextType = any>(
  props: IconButtonProps<T, S, F>,
) {
  const { className, uiSchema, registry, style, icon, iconType, ...rest } = props;
  void style;
  return (
    <button type="button" {...rest} className={`button button--small ${className ?? ''}`} part="array-add-button">
      <span className="button__glyph" aria-hidden="true">
        {GLYPHS.plus}
      </span>
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
