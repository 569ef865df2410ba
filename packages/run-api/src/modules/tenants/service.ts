/**
 * What the end-user tenant routes do: install, read, change, pause, uninstall. Every call is
 * scoped by the caller's account and `sub`; refusals are PanErrors from the one catalogue, raised
 * before anything is written.
 */
import type { SettingsError } from '@pan/pandium-yaml';
import type { EndUser } from '../accounts/end-user-token.ts';
import type {
  InstallPlan,
  InstallRequest,
  IntegrationDetail,
  ReleaseChannel,
  Schedule,
  Tenant,
  TenantReleases,
  TenantUpdate,
} from '@pan/contract';
import type { Db } from '../../platform/db/pool.ts';
import { ERRORS, notFound, panError, PanError } from '../../platform/errors.ts';
import { requirePermission, userMay } from '../accounts/permissions.ts';
import { checkSchedule } from '../catalog/schedule.ts';
import { checkTimeZone } from '../../platform/time-zone.ts';
import { settingsOnInstall, settingsOnSave, userSettingsForm, visibleConfigs } from './tenant-settings.ts';
import { findAccountIntegration, findChannelRelease, listReleases, listReleasesWithSpec, readDefaultSchedule, readIntegration, type ReleaseWithSpec } from '../catalog/store.ts';
import {
  archiveTenant,
  insertTenant,
  listTenants,
  readTenant,
  setPaused,
  updateTenant,
  type QueueInitRun,
  type TenantOwner,
  type TenantRow,
} from './store.ts';


const owner = (user: EndUser): TenantOwner => ({ accountId: user.accountId, sub: user.sub });

/** The answer for one tenant: its user-visible configs and the form built for its release and dynamic options. */
export function toTenant(row: TenantRow, user: EndUser): Tenant {
  const release = row.release;
  if (!release) throw panError(ERRORS.INTERNAL, `Tenant ${row.id} has no release`);
  const form = userSettingsForm(release.spec, row.dynamic_configs);
  return {
    id: row.id,
    integration: { id: row.integration_id, slug: row.integration_slug, name: row.integration_name, logo_url: row.integration_logo_url },
    status: row.paused ? 'paused' : 'active',
    configs: visibleConfigs(form, row.configs),
    schedule: row.schedule_is_default ? row.integration_default_schedule : row.schedule,
    schedule_is_default: row.schedule_is_default,
    default_schedule: row.integration_default_schedule,
    time_zone: row.schedule_time_zone,
    missed_fires: row.schedule_missed,
    release_channel:
      row.release_channel === 'pinned' ? { type: 'pinned', release_id: row.pinned_release_id! } : { type: row.release_channel },
    release: { id: release.id, version: release.version, created_at: release.created_at },
    dynamic_configs_loaded: row.dynamic_configs !== null,
    settings_form: form,
    permissions: { run: userMay(user, 'run'), run_init: userMay(user, 'run:init'), logs: userMay(user, 'logs'), release: userMay(user, 'release') },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/**
 * An integration this user may install: visible to them (the catalog's own rules), internal, with
 * a default release. `missing` decides how "not visible" is answered (404 for a URL, 422 for a body).
 */
async function installableIntegration(
  db: Db,
  user: EndUser,
  slug: string,
  missing: 'not-found' | 'unprocessable',
): Promise<IntegrationDetail & { default_release: NonNullable<IntegrationDetail['default_release']> }> {
  const integration = await readIntegration(db, user, slug);
  if (!integration) {
    if (missing === 'not-found') throw notFound('Integration');
    throw panError(ERRORS.TENANT_INTEGRATION_NOT_FOUND, `No integration "${slug}" is available to you`, {
      errors: [{ field: 'integration', message: `no integration "${slug}" is available to you` }],
    });
  }
  if (integration.type === 'external') {
    throw panError(
      ERRORS.TENANT_INTEGRATION_EXTERNAL,
      `"${integration.name}" is an external integration: it is set up on its own site, not installed here`,
    );
  }
  if (!integration.default_release) {
    throw panError(ERRORS.TENANT_NO_RELEASE, `"${integration.name}" has no release yet, so it cannot be installed`);
  }
  return integration as IntegrationDetail & { default_release: NonNullable<IntegrationDetail['default_release']> };
}

export async function readInstallPlan(db: Db, user: EndUser, slug: string): Promise<InstallPlan> {
  const integration = await installableIntegration(db, user, slug, 'not-found');
  const release = await findChannelRelease(db, integration.id, { type: 'default' });
  if (!release) throw panError(ERRORS.TENANT_NO_RELEASE, `"${integration.name}" has no release yet, so it cannot be installed`);
  return {
    integration,
    release: { id: release.id, version: release.version, created_at: release.created_at },
    connectors: release.spec.connectors ?? integration.connectors,
    settings_form: userSettingsForm(release.spec, null),
    default_schedule: await readDefaultSchedule(db, integration.id),
    releases: await listReleases(db, integration.id),
    time_zone: user.tz ?? null,
  };
}

export async function install(db: Db, user: EndUser, request: InstallRequest, queueInitRun: QueueInitRun): Promise<Tenant> {
  if (request.release_channel && request.release_channel.type !== 'default') requireReleasePermission(user);
  const integration = await installableIntegration(db, user, request.integration, 'unprocessable');
  // No zone sent: the token's `tz` claim (the elements send the browser's zone when there is none).
  const id = await insertCheckedTenant(db, owner(user), integration, { ...request, time_zone: request.time_zone ?? user.tz }, { allowedInstalls: user.xti.allowed_installs, queueInitRun });
  return getTenant(db, user, id);
}

/**
 * The host's backend installs for one of its users (`POST /v2/tenants`): any internal integration
 * of the account, no `xti` rules, and the tenant starts paused (SPEC). Returns the new tenant's id.
 */
export async function installForUser(db: Db, accountId: string, userName: string, request: InstallRequest, queueInitRun: QueueInitRun): Promise<string> {
  const integration = await findAccountIntegration(db, accountId, request.integration);
  if (!integration) {
    throw panError(ERRORS.TENANT_INTEGRATION_NOT_FOUND, `No integration "${request.integration}" in this account`, {
      errors: [{ field: 'integration', message: `no integration "${request.integration}" in this account` }],
    });
  }
  if (integration.type === 'external') {
    throw panError(ERRORS.TENANT_INTEGRATION_EXTERNAL, `"${integration.name}" is an external integration: it is set up on its own site, not installed here`);
  }
  return insertCheckedTenant(db, { accountId, sub: userName }, integration, request, { paused: true, queueInitRun });
}

/** Validates schedule, channel and settings against the release the tenant will run, then inserts it. */
async function insertCheckedTenant(
  db: Db,
  tenantOwner: TenantOwner,
  integration: { id: string; slug: string; name: string },
  request: InstallRequest,
  options: { allowedInstalls?: number; paused?: boolean; queueInitRun: QueueInitRun },
): Promise<string> {
  const schedule = request.schedule === undefined ? undefined : checkedSchedule(request.schedule);
  const timeZone = request.time_zone === undefined ? 'UTC' : checkedTimeZone(request.time_zone);
  const channel = request.release_channel ?? { type: 'default' };
  const release = await channelRelease(db, integration.id, channel);
  const settings = settingsOnInstall(release.spec, userSettingsForm(release.spec, null), request.configs ?? {});
  if (!settings.ok) throw settingsInvalid(settings.errors);

  const result = await insertTenant(db, tenantOwner, {
    integrationId: integration.id,
    configs: settings.configs,
    schedule,
    timeZone,
    missedFires: request.missed_fires ?? 'once',
    channel,
    allowedInstalls: options.allowedInstalls,
    paused: options.paused,
    // Only a release with dynamic selectors starts with an init run (it fills their options).
    ...(hasDynamicFields(userSettingsForm(release.spec, null)) ? { queueInitRun: options.queueInitRun } : {}),
  });
  if (!result.ok) {
    if (result.reason === 'already-installed') {
      throw panError(ERRORS.TENANT_ALREADY_INSTALLED, `"${integration.name}" is already installed; change its settings under My integrations`, {
        integration: integration.slug,
      });
    }
    throw panError(
      ERRORS.TENANT_INSTALL_LIMIT,
      `You can install at most ${result.limit} integration${result.limit === 1 ? '' : 's'}; uninstall one to install "${integration.name}"`,
      { limit: result.limit },
    );
  }
  return result.id;
}

export async function getTenant(db: Db, user: EndUser, id: string): Promise<Tenant> {
  const row = await readTenant(db, owner(user), id);
  if (!row) throw notFound('Tenant');
  return toTenant(row, user);
}

export async function listUserTenants(db: Db, user: EndUser): Promise<Tenant[]> {
  return (await listTenants(db, owner(user))).map((row) => toTenant(row, user));
}

/** Validates every part of the update against the tenant as it is now, then writes all of it or nothing. */
export async function update(db: Db, user: EndUser, id: string, body: TenantUpdate): Promise<Tenant> {
  const found = await updateTenant(db, owner(user), id, async (client, current) => {
    // Sending the channel the tenant already has is no change (a form may send it with every save).
    if (body.release_channel && !sameChannel(body.release_channel, current)) requireReleasePermission(user);
    const schedule = body.schedule === undefined || body.schedule === 'default' ? body.schedule : checkedSchedule(body.schedule);
    const timeZone = body.time_zone === undefined ? undefined : checkedTimeZone(body.time_zone);
    // Settings are checked against the release the tenant will run after this update.
    const release = body.release_channel ? await channelRelease(client, current.integration_id, body.release_channel) : current.release!;
    let configs: Record<string, unknown> | undefined;
    if (body.configs !== undefined) {
      const settings = settingsOnSave(userSettingsForm(release.spec, current.dynamic_configs), current.configs, body.configs);
      if (!settings.ok) throw settingsInvalid(settings.errors);
      configs = settings.configs;
    }
    return { configs, schedule, timeZone, missedFires: body.missed_fires, channel: body.release_channel };
  });
  if (!found) throw notFound('Tenant');
  return getTenant(db, user, id);
}

/**
 * The releases the user may choose for a tenant (the release channel picker), newest first, each
 * with its settings form (so the page can re-render the form for the chosen one). Needs `release`.
 */
export async function listTenantReleases(db: Db, user: EndUser, id: string): Promise<TenantReleases> {
  requireReleasePermission(user);
  const row = await readTenant(db, owner(user), id);
  if (!row) throw notFound('Tenant');
  const releases = await listReleasesWithSpec(db, row.integration_id);
  return {
    releases: releases.map((release) => ({
      id: release.id,
      version: release.version,
      created_at: release.created_at,
      is_default: release.is_default,
      settings_form: userSettingsForm(release.spec, row.dynamic_configs),
    })),
  };
}

export async function pause(db: Db, user: EndUser, id: string, paused: boolean): Promise<Tenant> {
  if (!(await setPaused(db, owner(user), id, paused))) throw notFound('Tenant');
  return getTenant(db, user, id);
}

export async function uninstall(db: Db, user: EndUser, id: string): Promise<void> {
  if (!(await archiveTenant(db, owner(user), id))) throw notFound('Tenant');
}

function requireReleasePermission(user: EndUser): void {
  requirePermission(user, 'release', 'choose the release this integration runs');
}

function sameChannel(channel: ReleaseChannel, current: TenantRow): boolean {
  if (channel.type !== current.release_channel) return false;
  return channel.type !== 'pinned' || channel.release_id === current.pinned_release_id;
}

function checkedSchedule(value: object | null): Schedule | null {
  if (value === null) return null;
  const checked = checkSchedule(value);
  if (!checked.ok) {
    throw panError(ERRORS.SCHEDULE_INVALID, `The schedule is not valid: ${checked.message}`, {
      errors: [{ field: 'schedule', message: checked.message }],
    });
  }
  return checked.schedule;
}

function checkedTimeZone(value: string): string {
  const zone = checkTimeZone(value);
  if (!zone) {
    const message = `"${value}" is not an IANA time zone (such as "Europe/Berlin" or "UTC")`;
    throw panError(ERRORS.SCHEDULE_TIME_ZONE_INVALID, `The schedule's time zone is not valid: ${message}`, {
      errors: [{ field: 'time_zone', message }],
    });
  }
  return zone;
}

async function channelRelease(db: Parameters<typeof findChannelRelease>[0], integrationId: string, channel: ReleaseChannel): Promise<ReleaseWithSpec> {
  const release = await findChannelRelease(db, integrationId, channel);
  if (release) return release;
  const message = channel.type === 'pinned' ? `Release ${channel.release_id} is not a release of this integration` : 'This integration has no release yet';
  throw panError(channel.type === 'pinned' ? ERRORS.TENANT_RELEASE_INVALID : ERRORS.TENANT_NO_RELEASE, message, {
    errors: [{ field: channel.type === 'pinned' ? 'release_channel.release_id' : 'release_channel', message }],
  });
}

function settingsInvalid(errors: SettingsError[]): PanError {
  const list = errors.map((e) => `${e.field || 'settings'}: ${e.message}`).join('; ');
  return panError(ERRORS.SETTINGS_INVALID, `The settings are not valid: ${list}`, { errors });
}

/** Whether a form has dynamic selectors (whose options an init run publishes). */
function hasDynamicFields(form: ReturnType<typeof userSettingsForm>): boolean {
  return Object.values(form.uiSchema).some((ui) => {
    const options = (ui as { 'ui:options'?: { dynamic?: unknown } } | undefined)?.['ui:options'];
    return options?.dynamic !== undefined;
  });
}

export interface TenantRouteOptions {
  /** The triggers module's `queueInitRun` (installing a release with dynamic selectors queues its init run). */
  queueInitRun: QueueInitRun;
}
