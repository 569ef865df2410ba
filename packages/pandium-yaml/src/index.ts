export { parsePandiumYaml } from './parse.ts';
export { formatDiagnostic, type Severity } from './diagnostics.ts';
export { definitionNameFromRef, propertyNameFromScope } from './refs.ts';
export { TOP_LEVEL_KEYS } from './validate-document.ts';
export * from './types.ts';
export type * from './settings-form/contract.ts';
