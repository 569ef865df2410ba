import type { TestProject } from 'vitest/node';
import { startThrowawayCluster } from './test-database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared throwaway cluster; each test file creates its own database on it. */
    pgClusterUrl: string;
  }
}

/** One PostgreSQL cluster per `vitest run` (starting one takes ~1 s); databases are per file. */
export default async function setup(project: TestProject) {
  const cluster = await startThrowawayCluster();
  project.provide('pgClusterUrl', cluster.url);
  return () => cluster.stop();
}
