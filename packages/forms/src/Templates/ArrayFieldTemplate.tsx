import {
  buttonId,
  descriptionId,
  getUiOptions,
  titleId,
  type ArrayFieldTemplateProps,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
} from '@rjsf/utils';
import { RequiredMarker } from './FieldTemplate.tsx';

/** A list of items: a `<fieldset>` titled by its legend, the items, then "Add". */
export default function ArrayFieldTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: ArrayFieldTemplateProps<T, S, F>) {
  const { canAdd, disabled, readonly, fieldPathId, uiSchema, items, onAddClick, registry, required, schema, title } =
    props;
  const options = getUiOptions<T, S, F>(uiSchema);
  const label = options.title || title;
  const description = options.description || schema.description;
  const { AddButton } = registry.templates.ButtonTemplates;
  return (
    <fieldset className="group group--array" part="group" id={fieldPathId.$id}>
      {label && (
        <legend className="group__title" part="group-legend" id={titleId(fieldPathId)}>
          {label}
          {required && <RequiredMarker group />}
        </legend>
      )}
      {description && (
        <p className="field__hint" part="field-hint" id={descriptionId(fieldPathId)}>
          {description}
        </p>
      )}
      {props.optionalDataControl}
      <ol className="array__items">{items}</ol>
      {canAdd && (
        <AddButton
          id={buttonId(fieldPathId, 'add')}
          className="array__add"
          onClick={onAddClick}
          disabled={disabled || readonly}
          uiSchema={uiSchema}
          registry={registry}
        />
      )}
    </fieldset>
  );
}
