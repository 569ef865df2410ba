import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ERRORS, panError } from './errors.ts';

/**
 * Hostile-input guards for every route: what JSON Schema cannot say once for the whole API.
 * PostgreSQL refuses NUL in text and jsonb and lone UTF-16 surrogates in jsonb, and recursion over a
 * deeply nested value (the pg driver, PostgreSQL's own json parser, ajv) can overflow a stack; so
 * every parsed input is walked once, iteratively, before validation, and refused with a 400 that
 * names the field. JSON bodies must also be valid UTF-8 (a replacement character would silently
 * change what the client sent).
 */

/** A NUL, or a lone surrogate (with the `u` flag a well-formed pair is one code point, not `\p{Cs}`). */
const UNSTORABLE = /[\0\p{Cs}]/u;

export interface HostileValue {
  /** Dotted path of the offending value inside the input (`''` for the input itself), like validation errors. */
  field: string;
  problem: 'nul' | 'surrogate' | 'depth';
}

/**
 * The first string (or object key) holding a NUL or a lone surrogate, or the first value nested deeper
 * than `maxDepth` objects/arrays, in `value`. Iterative: safe on any depth. Buffers (raw bodies) are bytes, skipped.
 */
export function findHostileValue(value: unknown, maxDepth: number, options: { depthOnly?: boolean } = {}): HostileValue | undefined {
  const stack: Array<{ value: unknown; depth: number; field: string }> = [{ value, depth: 0, field: '' }];
  while (stack.length > 0) {
    const { value: current, depth, field } = stack.pop()!;
    if (typeof current === 'string') {
      if (options.depthOnly) continue;
      const problem = stringProblem(current);
      if (problem) return { field, problem };
      continue;
    }
    if (current === null || typeof current !== 'object' || Buffer.isBuffer(current)) continue;
    if (depth >= maxDepth) return { field, problem: 'depth' };
    for (const [key, child] of Object.entries(current)) {
      const childField = field ? `${field}.${key}` : key;
      const keyProblem = options.depthOnly ? undefined : stringProblem(key);
      if (keyProblem) return { field: childField, problem: keyProblem };
      stack.push({ value: child, depth: depth + 1, field: childField });
    }
  }
  return undefined;
}

function stringProblem(text: string): HostileValue['problem'] | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === '\0' ? 'nul' : 'surrogate';
}

const PROBLEM_TEXT: Record<HostileValue['problem'], string> = {
  nul: 'must not contain a NUL character (\\u0000)',
  surrogate: 'must be valid Unicode (a lone surrogate cannot be stored)',
  depth: 'is nested too deeply',
};

/**
 * Throws the 400 for a hostile value of `input` (`body`, `querystring`, `params`). `depthOnly` is for
 * bodies kept as bytes (a webhook's), where only what the server itself recurses over matters.
 */
export function refuseHostileValue(input: string, value: unknown, maxDepth: number, options: { depthOnly?: boolean } = {}): void {
  const found = findHostileValue(value, maxDepth, options);
  if (!found) return;
  const message = found.problem === 'depth' ? `${PROBLEM_TEXT.depth} (more than ${maxDepth} levels)` : PROBLEM_TEXT[found.problem];
  const entry = found.problem === 'depth' ? ERRORS.REQUEST_JSON_TOO_DEEP : ERRORS.REQUEST_INVALID;
  throw panError(entry, `${input}${found.field ? ` ${found.field}` : ''}: ${message}`, {
    errors: [{ field: found.field, message }],
  });
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Installs the guards on the root instance, before any route is registered: a JSON body parser that
 * refuses invalid UTF-8 (then Fastify's own parser, with its prototype-poisoning checks), and a
 * `preValidation` hook that walks params, query and body. Routes that take raw bodies (webhooks,
 * sync, releases) keep their own parsers; a Buffer body is not walked.
 */
export function installInputGuards(app: FastifyInstance, options: { maxDepth: number }): void {
  const { maxDepth } = options;
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parseJson = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(panError(ERRORS.REQUEST_MALFORMED_JSON, 'The body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    refuseHostileValue('params', request.params, maxDepth);
    refuseHostileValue('querystring', request.query, maxDepth);
    refuseHostileValue('body', request.body, maxDepth);
  });
}
