import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * The export condition under which the workspace packages point at their TypeScript sources
 * (`src/*.ts`) instead of their published `dist/`. Namespaced: a plain `source` condition is used
 * by some published packages (eventsource-parser) for sources they do not expect to be loaded.
 */
export const SOURCE_CONDITION = '@pan/source';

/** Vite/Vitest settings that resolve the workspace packages to their sources, in the browser and in Node. */
export const sourceConditions = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  // Not Vite's `module` condition in Node: some packages (@opentelemetry/api) map it to an ES build
  // with extension-less imports, which only a bundler can load; Node loads what it resolves.
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions.filter((c) => c !== 'module')] } },
};

/** For Node processes (tsx included) started from the monorepo: the same condition for Node's own resolution. */
export function withSourceCondition(nodeOptions: string | undefined): string {
  return [nodeOptions, `--conditions=${SOURCE_CONDITION}`].filter(Boolean).join(' ');
}
