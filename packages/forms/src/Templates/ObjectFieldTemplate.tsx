import type { ReactNode } from 'react';
import {
  descriptionId,
  getUiOptions,
  titleId,
  type FormContextType,
  type ObjectFieldTemplatePropertyType,
  type ObjectFieldTemplateProps,
  type RJSFSchema,
  type StrictRJSFSchema,
} from '@rjsf/utils';
import type { LayoutNode } from '@pan/pandium-yaml';
import { usePublishRootData } from '../context.ts';
import { RequiredMarker } from './FieldTemplate.tsx';

type Properties = ReadonlyMap<string, ObjectFieldTemplatePropertyType>;

/**
 * Draws one layout node. Controls are the rendered rjsf fields; a Control whose property is not
 * in the form (an admin-only one for an end user) draws nothing.
 */
function renderNode(node: LayoutNode, properties: Properties, key: string, baseId: string): ReactNode {
  switch (node.type) {
    case 'Control': {
      const property = properties.get(node.property);
      return property ? <div key={key} className="layout__control">{property.content}</div> : null;
    }
    case 'Label':
      return (
        <p key={key} className="layout__label" part="layout-label">
          {node.text}
        </p>
      );
    case 'Divider':
      return <hr key={key} className="layout__divider" />;
    case 'HorizontalLayout':
      return (
        <div key={key} className="layout layout--horizontal">
          {node.elements.map((child, i) => renderNode(child, properties, `${key}-${i}`, baseId))}
        </div>
      );
    case 'VerticalLayout':
      return (
        <div key={key} className="layout layout--vertical">
          {node.elements.map((child, i) => renderNode(child, properties, `${key}-${i}`, baseId))}
        </div>
      );
    case 'Section': {
      const headingId = `${baseId}__section${key}`;
      return (
        <section
          key={key}
          className="layout layout--section"
          part="section"
          aria-labelledby={node.label ? headingId : undefined}
        >
          {node.label && (
            <h3 className="layout__title" part="section-title" id={headingId}>
              {node.label}
            </h3>
          )}
          {node.hint && <p className="layout__hint" part="field-hint">{node.hint}</p>}
          {node.elements.map((child, i) => renderNode(child, properties, `${key}-${i}`, baseId))}
        </section>
      );
    }
    case 'Group':
      return (
        <fieldset key={key} className="layout layout--group" part="group">
          {node.label && <legend className="layout__title" part="group-legend">{node.label}</legend>}
          {node.hint && <p className="layout__hint" part="field-hint">{node.hint}</p>}
          {node.elements.map((child, i) => renderNode(child, properties, `${key}-${i}`, baseId))}
        </fieldset>
      );
    default:
      return null;
  }
}

/**
 * Objects. The root object draws `uiSchema['ui:options'].layout` (Sections, Groups, horizontal
 * rows, labels, dividers, and each Control's field) and publishes the root data (dependent
 * selectors read their parent's value from it). Without a layout, or for a nested
 * object, the properties go one under the other inside a `<fieldset>`.
 */
export default function ObjectFieldTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(props: ObjectFieldTemplateProps<T, S, F>) {
  const { fieldPathId, properties, uiSchema, title, description, required, formData, optionalDataControl, registry } =
    props;
  const options = getUiOptions<T, S, F>(uiSchema);
  const isRoot = fieldPathId.path.length === 0;
  usePublishRootData(registry, isRoot, formData);
  if (isRoot) {
    const layout = options.layout as LayoutNode | undefined;
    const byName = new Map(properties.map((p) => [p.name, p]));
    const content = layout
      ? renderNode(layout, byName, '', fieldPathId.$id)
      : properties.map((p) => (
          <div key={p.name} className="layout__control">
            {p.content}
          </div>
        ));
    return <div className="layout layout--root">{content}</div>;
  }
  const label = options.title ?? title;
  return (
    <fieldset className="group" part="group" id={fieldPathId.$id}>
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
      {optionalDataControl}
      {properties.map((p) => (
        <div key={p.name} className="layout__control">
          {p.content}
        </div>
      ))}
    </fieldset>
  );
}
