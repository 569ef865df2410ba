/**
 * A run's own directory:
 *
 * ```
 * <runsRoot>/<run-id>/
 *   home/                                  HOME
 *   triggers/<trigger-id>                  each payload body, byte for byte
 *   triggers/<trigger-id>.parts/<n>-<name> multipart bodies: each part (n from 1, body order)
 *   metadata.json                          the tenant metadata, when context.metadata !== null
 * ```
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import busboy from 'busboy';
import type { RunPaths, TriggerFiles, TriggerPart } from './environment.ts';
import type { RunContext } from './types.ts';

export interface RunDirectory extends RunPaths {
  dir: string;
  home: string;
  /** Things worth a `[pan]` log line (a multipart body that could not be split). */
  notes: string[];
}

/** Creates the run directory afresh (an old one of the same run id is removed first). */
export async function createRunDirectory(runsRoot: string, context: RunContext): Promise<RunDirectory> {
  const dir = path.join(runsRoot, safeName(context.runId, 'run'));
  await rm(dir, { recursive: true, force: true });
  const home = path.join(dir, 'home');
  const triggersDir = path.join(dir, 'triggers');
  await mkdir(home, { recursive: true });
  await mkdir(triggersDir);

  const triggers: Record<string, TriggerFiles> = {};
  const notes: string[] = [];
  const used = new Set<string>();
  for (const trigger of context.triggers) {
    if (!trigger.payload) continue;
    let name = safeName(trigger.id, 'trigger');
    for (let n = 2; used.has(name); n += 1) name = `${safeName(trigger.id, 'trigger')}-${n}`;
    used.add(name);
    const file = path.join(triggersDir, name);
    await writeFile(file, trigger.payload.body);
    const stored: TriggerFiles = { file };
    const contentType = headerValue(trigger.payload.headers, 'content-type');
    if (contentType && /^multipart\/form-data\s*;/i.test(contentType)) {
      try {
        stored.parts = await writeParts(trigger.payload.body, contentType, `${file}.parts`);
      } catch (error) {
        notes.push(`trigger ${trigger.id}: the multipart body could not be split into parts (${(error as Error).message}); payload.file holds it whole`);
      }
    }
    triggers[trigger.id] = stored;
  }

  let metadataFile: string | null = null;
  if (context.metadata !== null) {
    metadataFile = path.join(dir, 'metadata.json');
    await writeFile(metadataFile, JSON.stringify(context.metadata));
  }
  return { dir, home, triggers, metadataFile, notes };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

interface ParsedPart {
  name: string | null;
  filename: string | null;
  contentType: string;
  data: Buffer;
}

/** Splits a multipart/form-data body (busboy) and writes one file per part. */
export async function writeParts(body: Buffer, contentType: string, dir: string): Promise<TriggerPart[]> {
  const parsed = await parseMultipart(body, contentType);
  await mkdir(dir, { recursive: true });
  const parts: TriggerPart[] = [];
  for (const [index, part] of parsed.entries()) {
    const file = path.join(dir, `${index + 1}-${safeName(part.filename ?? part.name ?? '', 'part')}`);
    await writeFile(file, part.data);
    parts.push({ name: part.name, filename: part.filename, content_type: part.contentType, file });
  }
  return parts;
}

function parseMultipart(body: Buffer, contentType: string): Promise<ParsedPart[]> {
  return new Promise((resolve, reject) => {
    const parts: ParsedPart[] = [];
    let pendingFiles = 0;
    let finished = false;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      reject(error);
    };
    const settle = () => {
      if (finished && pendingFiles === 0 && !failed) resolve(parts);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': contentType },
        defParamCharset: 'utf8',
        limits: { fieldSize: Infinity, fileSize: Infinity, fields: Infinity, files: Infinity, parts: Infinity },
      });
    } catch (error) {
      reject(error as Error);
      return;
    }
    parser.on('field', (name, value, info) => {
      parts.push({ name: name ?? null, filename: null, contentType: info.mimeType, data: Buffer.from(value, 'utf8') });
    });
    parser.on('file', (name, stream, info) => {
      const part: ParsedPart = { name: name ?? null, filename: info.filename ?? null, contentType: info.mimeType, data: Buffer.alloc(0) };
      parts.push(part);
      pendingFiles += 1;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', fail);
      stream.on('end', () => {
        part.data = Buffer.concat(chunks);
        pendingFiles -= 1;
        settle();
      });
    });
    parser.on('error', (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))));
    parser.on('close', () => {
      finished = true;
      settle();
    });
    parser.end(body);
  });
}

/** A file name made of safe characters only (no `/`, no `..`), at most 100 characters. */
export function safeName(raw: string, fallback: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return cleaned === '' || /^\.+$/.test(cleaned) ? fallback : cleaned;
}
