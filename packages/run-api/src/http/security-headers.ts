import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { RunApiConfig } from '../platform/config.ts';

/**
 * `@fastify/helmet`'s options for every answer of the run API. The API answers JSON, plain text
 * (a run's log, written by scripts: never sniffed as HTML) and one HTML page, the OAuth callback,
 * which sets its own nonce-based CSP on top of this one.
 */
export function securityHeaders(config: Pick<RunApiConfig, 'hsts'>): FastifyHelmetOptions {
  return {
    // Nothing the API answers needs to load, embed or be embedded.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The elements fetch the API from the host's pages, another origin.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // The OAuth callback page reaches the page that opened it through `window.opener`.
    crossOriginOpenerPolicy: false,
    strictTransportSecurity: config.hsts ?? false,
  };
}
