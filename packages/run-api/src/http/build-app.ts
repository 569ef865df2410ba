import type { FastifyInstance } from 'fastify';
import type { AppOptions } from './app.ts';

/** `buildApp` of app.ts, whose modules (Fastify, its plugins, every route) load at the first call. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  return (await import('./app.ts')).buildApp(options);
}
