const PROPERTY_SCOPE = /^#\/properties\/([^/]+)$/;
const DEFINITION_REF = /^#\/definitions\/([^/]+)$/;

/** `'#/properties/foo'` -> `'foo'`; `undefined` for anything else. */
export function propertyNameFromScope(scope: string): string | undefined {
  return PROPERTY_SCOPE.exec(scope)?.[1];
}

/** `'#/definitions/foo'` -> `'foo'`; `undefined` for anything else. */
export function definitionNameFromRef(ref: string): string | undefined {
  return DEFINITION_REF.exec(ref)?.[1];
}
