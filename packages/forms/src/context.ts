/**
 * What the theme's templates and widgets read besides rjsf's own props: the form context passed
 * through rjsf (`formContext`), and the root form data, which the root ObjectFieldTemplate keeps
 * in a small store so that a dependent selector sees its parent's value. (A React context would
 * make React walk every field on every keystroke looking for its readers.)
 */
import { useLayoutEffect, useSyncExternalStore } from 'react';
import type { Registry } from '@rjsf/utils';
import type { DynamicFieldInfo } from '@pan/pandium-yaml';

/** rjsf `formContext` for this theme. */
export interface SettingsFormContext {
  /** The user pressed "Load options" on a dynamic selector that has no options yet. */
  onLoadOptions?: (definition: string, field: string) => void;
  /** Definitions whose options are being loaded (an init run in progress). */
  loadingOptions?: readonly string[];
  /** The label of each top-level property (for "Choose <parent> first"). */
  labels?: Readonly<Record<string, string>>;
  /** The root data store (one per form); without it, one per root schema is made. */
  rootData?: RootDataStore;
  /**
   * The form's locale and its strings' table: in the context so that a change re-renders every
   * field (rjsf compares props deeply but ignores functions such as `translateString`).
   */
  locale?: string;
  strings?: Readonly<Record<string, string>>;
}


/** The form's root data, and who wants to know when it changes. */
export interface RootDataStore {
  value: Readonly<Record<string, unknown>>;
  subscribe(listener: () => void): () => void;
  notify(): void;
}

export function createRootDataStore(): RootDataStore {
  const listeners = new Set<() => void>();
  return {
    value: {},
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify() {
      for (const listener of listeners) listener();
    },
  };
}

const storesBySchema = new WeakMap<object, RootDataStore>();

function storeOf(registry: Registry<any, any, any>): RootDataStore {
  const own = (registry.formContext as SettingsFormContext | undefined)?.rootData;
  if (own) return own;
  let store = storesBySchema.get(registry.rootSchema);
  if (!store) storesBySchema.set(registry.rootSchema, (store = createRootDataStore()));
  return store;
}

/** For the root object's template: keeps the store's value current, and tells the readers. */
export function usePublishRootData(registry: Registry<any, any, any>, isRoot: boolean, data: unknown): void {
  const store = storeOf(registry);
  // Set during render so the fields rendered below read this render's data.
  if (isRoot) store.value = (data ?? {}) as Record<string, unknown>;
  useLayoutEffect(() => {
    if (isRoot) store.notify();
  });
}

/** One property of the root data; the component re-renders when it changes. */
export function useRootValue(registry: Registry<any, any, any>, property: string): unknown {
  const store = storeOf(registry);
  return useSyncExternalStore(store.subscribe, () => store.value[property]);
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
