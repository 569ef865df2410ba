import type { ReactElement } from 'react';
import {
  ariaDescribedByIds,
  getUiOptions,
  titleId,
  type FieldTemplateProps,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
  type TranslatableString,
} from '@rjsf/utils';
import { FormString } from '../strings.ts';
import { SETTINGS_MESSAGE_TEMPLATES } from '@pan/pandium-yaml';
import { dynamicInfo, hasValue, useRootValue, type SettingsFormContext } from '../context.ts';
import { describedBy } from './aria.ts';

/**
 * The required marker after a label. The control itself carries `required`, so the asterisk is
 * hidden from screen readers; a group (legend) has no such control and says "(required)" instead.
 */
export function RequiredMarker({ group = false }: { group?: boolean }) {
  return (
    <span className="field__required">
      <span aria-hidden="true">*</span>
      {group && <span className="sr-only"> (required)</span>}
    </span>
  );
}

/** A small spinner (decorative: the text next to it says what is happening). */
export function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

/** A single control (not an object or a list of items, which title their own fieldset). */
function isControl(props: FieldTemplateProps<any, any, any>): boolean {
  const { schema, registry } = props;
  if (schema.type === 'object') return false;
  return schema.type !== 'array' || registry.schemaUtils.isMultiSelect(schema);
}

/** Whether a (resolved) field schema offers options: `enum`/`oneOf`, on itself or its items. */
function hasOptions(schema: Record<string, any>): boolean {
  const holder = schema.type === 'array' ? (schema.items ?? {}) : schema;
  return Array.isArray(holder.enum) || Array.isArray(holder.oneOf);
}

/** Widgets that draw their own label: a single checkbox (label after it), checkbox and radio groups (legend). */
function ownsLabel(props: FieldTemplateProps<any, any, any>, widget: unknown): boolean {
  const { schema, registry } = props;
  if (schema.type === 'boolean') return widget === undefined || widget === 'checkbox';
  if (widget === 'checkboxes' || widget === 'radio') return true;
  return schema.type === 'array' && widget === undefined && registry.schemaUtils.isMultiSelect(schema);
}

/**
 * Every field: label (tied to the control with `for`), hint, the control, a status line for
 * dynamic selectors whose options are loading, errors and help. A dynamic selector with no
 * options yet shows that, with a "Load options" button, instead of its control.
 */
export default function FieldTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: FieldTemplateProps<T, S, F>) {
  const {
    id,
    fieldPathId,
    label,
    children,
    errors,
    help,
    description,
    rawDescription,
    rawHelp,
    rawErrors,
    hidden,
    required,
    displayLabel,
    disabled,
    readonly,
    registry,
    uiSchema,
    schema,
    classNames,
  } = props;
  if (hidden) return <div className="field field--hidden">{children}</div>;
  // The root object: its layout is drawn by ObjectFieldTemplate; form-level errors go after it.
  if (fieldPathId.path.length === 0) {
    return (
      <div className="form__body">
        {children}
        {errors}
      </div>
    );
  }

  const options = getUiOptions<T, S, F>(uiSchema);
  const context = (registry.formContext ?? {}) as SettingsFormContext;
  const dynamic = dynamicInfo(options as Record<string, unknown>);
  const loading = Boolean(dynamic && context.loadingOptions?.includes(dynamic.definition));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const className = [
    'field',
    type ? `field--${type}` : '',
    rawErrors?.length ? 'field--invalid' : '',
    options.fullWidth ? 'field--full' : '',
    classNames ?? '',
  ]
    .filter(Boolean)
    .join(' ');

  if (dynamic && !dynamic.loaded) {
    const name = String(fieldPathId.path.at(-1) ?? '');
    const [errorRef, descriptionRef, helpRef] = ariaDescribedByIds(id).split(' ');
    const noticeId = `${id}__dynamic`;
    const described = [
      noticeId,
      rawErrors?.length ? errorRef : '',
      rawDescription ? descriptionRef : '',
      rawHelp ? helpRef : '',
    ]
      .filter(Boolean)
      .join(' ');
    const busy = loading || disabled || readonly;
    return (
      <div className={`${className} field--dynamic`} part="field" role="group" aria-labelledby={titleId(id)}>
        <span className="field__label" part="field-label" id={titleId(id)}>
          {label}
          {required && <RequiredMarker group />}
        </span>
        {rawDescription ? description : null}
        <div className="dynamic">
          <p className="dynamic__text" id={noticeId}>
            {registry.translateString(FormString.OptionsNotLoaded as TranslatableString)}
          </p>
          <button
            type="button"
            id={id}
            className="button button--small dynamic__load"
            part="load-options-button"
            aria-describedby={described}
            aria-disabled={busy ? 'true' : undefined}
            onClick={() => {
              if (!busy) context.onLoadOptions?.(dynamic.definition, name);
            }}
          >
            {registry.translateString(FormString.LoadOptions as TranslatableString)}
          </button>

          <p className="field__status" role="status">
            {loading && (
              <>
                <Spinner />
                {registry.translateString(FormString.LoadingOptions as TranslatableString)}
              </>
            )}
          </p>
        </div>
        {errors}
        {help}
      </div>
    );
  }

  const labelled = ownsLabel(props, options.widget);
  const control = isControl(props);
  const field = (
    <div className={className} part="field">
      {!labelled && label && (displayLabel || control) && (
        // `label: false` (a Control that a Label names): still a label, for screen readers only.
        <label className={displayLabel ? 'field__label' : 'sr-only'} part="field-label" htmlFor={id}>
          {label}
          {required && <RequiredMarker />}
        </label>
      )}
      {(displayLabel || labelled || control) && rawDescription ? description : null}
      {children}
      {dynamic && (
        <p className="field__status" role="status">
          {loading && (
            <>
              <Spinner />
              {registry.translateString(FormString.LoadingOptions as TranslatableString)}
            </>
          )}
        </p>
      )}
      {errors}
      {help}
    </div>
  );
  // Only dependent selectors read the root data.
  return dynamic?.dependsOn === undefined ? (
    field
  ) : (
    <DependentField {...props} parent={dynamic.dependsOn} className={className}>
      {field}
    </DependentField>
  );
}

/**
 * A dependent selector whose parent has no value yet, or a value without options for it: a
 * disabled select that says why (its own widget would be a bare text box or a list editor).
 */
function DependentField(
  props: Omit<FieldTemplateProps<any, any, any>, 'children'> & { parent: string; className: string; children: ReactElement },
) {
  const { id, label, required, description, rawDescription, rawErrors, errors, help, schema, registry, parent } = props;
  const parentValue = useRootValue(registry, parent);
  const labels = (registry.formContext as SettingsFormContext | undefined)?.labels;
  const parentLabel = labels?.[parent] ?? parent;
  const translate = registry.translateString as (key: string, params?: string[]) => string;
  const reason = !hasValue(parentValue)
    ? translate(FormString.ChooseParentFirst, [parentLabel])
    : hasOptions(schema)
      ? undefined
      : translate(SETTINGS_MESSAGE_TEMPLATES.noOptionsForParent, [parentLabel]);
  if (!reason) return props.children;
  return (
    <div className={`${props.className} field--waiting`} part="field">
      <label className="field__label" part="field-label" htmlFor={id}>
        {label}
        {required && <RequiredMarker />}
      </label>
      {rawDescription ? description : null}
      <select
        id={id}
        className="select"
        part="field-select"
        disabled
        value=""
        aria-invalid={rawErrors?.length ? true : undefined}
        aria-describedby={describedBy({ id, schema, options: getUiOptions(props.uiSchema), rawErrors })}
        onChange={() => undefined}
      >
        <option value="">{reason}</option>
      </select>
      {errors}
      {help}
    </div>
  );
}
