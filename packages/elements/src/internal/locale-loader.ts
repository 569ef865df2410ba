/**
 * Lets the elements load their catalogues (see `setRuntimeImport` in locale.ts). Imported by the
 * entry modules (`define.ts`, `index.ts`) only.
 */
import { setRuntimeImport } from './locale.ts';

setRuntimeImport(() => import('./locale-runtime.ts'));
