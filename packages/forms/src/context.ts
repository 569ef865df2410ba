/**
 * What the theme's templates and widgets read besides rjsf's own props: the form context passed
 * through rjsf (`formContext`), and the root form data (a React context the root
 * ObjectFieldTemplate provides, so a dependent selector sees its parent's value).
 */
import { createContext, useContext } from 'react';
import type { DynamicFieldInfo } from '@pan/pandium-yaml';

/** rjsf `formContext` for this theme. */
export interface SettingsFormContext {
  /** The user pressed "Load options" on a dynamic selector that has no options yet. */
  onLoadOptions?: (definition: string, field: string) => void;
  /** Definitions whose options are being loaded (an init run in progress). */
  loadingOptions?: readonly string[];
  /** The label of each top-level property (for "Choose <parent> first"). */
  labels?: Readonly<Record<string, string>>;
}

const RootData = createContext<Readonly<Record<string, unknown>>>({});

export const RootDataProvider = RootData.Provider;

/** The whole form's current data (the root object). */
export function useRootData(): Readonly<Record<string, unknown>> {
  return useContext(RootData);
}

/** The `dynamic` ui option of a field, if it is a dynamic selector. */
export function dynamicInfo(options: Record<string, unknown> | undefined): DynamicFieldInfo | undefined {
  const dynamic = options?.dynamic;
  return dynamic && typeof dynamic === 'object' && typeof (dynamic as DynamicFieldInfo).definition === 'string'
    ? (dynamic as DynamicFieldInfo)
    : undefined;
}

/** Whether a value counts as "chosen" for a dependent selector's parent. */
export function hasValue(value: unknown): boolean {
  return !(value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0));
}
