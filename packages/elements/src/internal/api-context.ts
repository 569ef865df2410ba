import { createContext } from '@lit/context';
import type { RunApiClient } from './api-client.ts';

/**
 * The run API client, provided by `<pan-marketplace>` to the elements it renders and by those to
 * theirs. A string key rather than a symbol: with two copies of the elements on a page, the copy
 * whose definitions won still finds the other's client.
 */
export const apiContext = createContext<RunApiClient | undefined>('pan-api-client');
