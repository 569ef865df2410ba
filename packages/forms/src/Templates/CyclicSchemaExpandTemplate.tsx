import {
  ID_KEY,
  TranslatableString,
  type CyclicSchemaExpandProps,
  type FormContextType,
  type RJSFSchema,
  type StrictRJSFSchema,
} from '@rjsf/utils';

/** A recursive schema stops here until expanded (rjsf's, without inline styles). */
export default function CyclicSchemaExpandTemplate<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>({ name, fieldPathId, registry, onExpand }: CyclicSchemaExpandProps<T, S, F>) {
  const { translateString } = registry;
  return (
    <div className="field" part="field">
      <p className="field__hint" part="field-hint">{translateString(TranslatableString.CycleDetected, [name])}</p>
      <button
        id={`${fieldPathId[ID_KEY]}-button`}
        type="button"
        className="button button--small"
        onClick={() => onExpand(fieldPathId[ID_KEY])}
      >
        {translateString(TranslatableString.ExpandButton)}
      </button>
    </div>
  );
}
