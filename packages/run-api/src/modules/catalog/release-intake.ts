/**
 * The one way a release is made: an archive (uploaded, or built from git by the sourcecontrol
 * module) is checked (safe tar.gz, PANDIUM.yaml valid with file:line:col errors, its connectors
 * defined) and stored. The upload route and the git build both call `ingestRelease`.
 */
import { formatDiagnostic, locateTopLevelList, parsePandiumYaml } from '@pan/pandium-yaml';
import type { Db } from '../../platform/db/pool.ts';
import { ERRORS, panError } from '../../platform/errors.ts';
import { listConnectors } from '../connections/store.ts';
import { ArchiveError, readReleaseArchive } from './release-archive.ts';
import { createRelease, type ReleaseSource, type StoredRelease } from './store.ts';

export interface ReleaseIntake {
  accountId: string;
  integrationId: string;
  archive: Buffer;
  version?: string;
  makeDefault: boolean;
  /** How errors name PANDIUM.yaml (`path/in/repo/PANDIUM.yaml` for a git build). */
  yamlName?: string;
  /** A build from git: where it came from. */
  source?: ReleaseSource;
}

export async function ingestRelease(db: Db, intake: ReleaseIntake): Promise<StoredRelease & { warnings: string[] }> {
  const { accountId, integrationId } = intake;
  const yamlName = intake.yamlName ?? 'PANDIUM.yaml';
  let archive;
  try {
    archive = await readReleaseArchive(intake.archive);
  } catch (error) {
    if (error instanceof ArchiveError) throw panError(ERRORS.RELEASE_BAD_ARCHIVE, error.message);
    throw error;
  }
  const parsed = parsePandiumYaml(archive.pandiumYaml);
  if (!parsed.ok || !parsed.spec) {
    throw panError(ERRORS.RELEASE_INVALID_PANDIUM_YAML, parsed.errors.map((e) => formatDiagnostic(yamlName, e)).join('\n'), {
      errors: parsed.errors,
    });
  }
  const defined = new Set((await listConnectors(db, accountId)).map((c) => c.name));
  const undefinedConnectors = locateTopLevelList(archive.pandiumYaml, 'connectors').filter((c) => !defined.has(c.value));
  if (undefinedConnectors.length > 0) {
    const known = defined.size ? `defined: ${[...defined].join(', ')}` : 'this account defines none yet (PUT /v2/connectors/<name>)';
    const errors = undefinedConnectors.map((c) => ({
      line: c.line,
      col: c.col,
      message: `connector "${c.value}" is not defined for this account (${known})`,
    }));
    throw panError(ERRORS.RELEASE_UNKNOWN_CONNECTOR, errors.map((e) => `${yamlName}:${e.line}:${e.col}: ${e.message}`).join('\n'), { errors });
  }
  try {
    const release = await createRelease(db, {
      accountId,
      integrationId,
      version: intake.version,
      pandiumYaml: archive.pandiumYaml,
      spec: parsed.spec,
      warnings: parsed.warnings,
      archive: intake.archive,
      makeDefault: intake.makeDefault,
      ...(intake.source ? { source: intake.source } : {}),
    });
    return { ...release, warnings: parsed.warnings.map((w) => formatDiagnostic(yamlName, w)) };
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw panError(ERRORS.RELEASE_VERSION_EXISTS, `Release version "${intake.version}" already exists with other content`);
    }
    throw error;
  }
}
