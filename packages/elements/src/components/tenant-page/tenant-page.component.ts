import { consume, provide } from '@lit/context';
import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { IntegrationDetail, ReleaseChannel, Schedule, SettingsError, SettingsForm, Tenant, TenantReleaseChoice, TenantReleases, TenantUpdate } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import type { PanLoadOptionsEvent } from '../../events/pan-load-options.ts';
import type { PanSettingsSavedDetail } from '../../events/pan-settings-saved.ts';
import type { PanScheduleChangeEvent } from '../../events/pan-schedule-change.ts';
import { PanApiError, type RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { formatDate } from '../../internal/format.ts';
import { msg, str } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { describeRunStatus } from '../../internal/run-status.ts';
import { followTrigger, startRun } from '../../internal/trigger.ts';
import { dangerButtonStyles } from '../../internal/danger.styles.ts';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { statusStyles } from '../../internal/status.styles.ts';
import { formShowsSomething } from '../../internal/settings-display.ts';
import { describeError } from '../../internal/views.ts';
import styles from './tenant-page.styles.ts';
import { settingsFormParts } from '../../internal/form-parts.ts';

/**
 * @summary One installed integration: its settings (with "Load options" for dynamic selectors,
 * through an init run), schedule, status, runs, and uninstalling it.
 *
 * @event {PanSettingsSavedEvent} pan-settings-saved - Settings, schedule or status were saved.
 * @event {PanUninstalledEvent} pan-uninstalled - The user confirmed Uninstall and it was done.
 * @event {PanRunStartEvent} pan-run-start - From the Runs section: Run now was accepted.
 * @event {PanRunCompleteEvent} pan-run-complete - From the Runs section: a run started there ended.
 * @event {PanConnectedEvent} pan-connected - From the Connections section; `detail: {connector}`.
 * @event {PanDisconnectedEvent} pan-disconnected - From the Connections section; `detail: {connector}`.
 * @event {PanReconnectNeededEvent} pan-reconnect-needed - From the Connections section: one of its
 *   connections needs the user to sign in again; `detail: {connector, reason}`.
 *
 * @csspart header - Name, status and the pause/resume action.
 * @csspart status - The Active/Paused badge.
 * @csspart pause-button - Pause or Resume.
 * @csspart release-select - The release channel picker (Default, Latest or a pinned release), shown
 *   when the token grants the `release` permission; saved with the settings.
 * @csspart save-release-button - Saves the release channel when the form has nothing to submit.
 * @csspart save-schedule-button - Saves the schedule.
 * @csspart connections - The Connections section's `<pan-connections>` (when the integration needs any).
 * @csspart field-input - A settings form's input; every part of `<pan-settings-form>`'s form (field,
 *   field-label, field-select, group-legend, array-add-button, ...) is forwarded with `exportparts`.
 * @csspart run-panel - The Runs section's `<pan-run-panel>`.
 * @csspart uninstall-button - Opens the confirmation.
 * @csspart confirm-dialog - The uninstall confirmation.
 * @csspart notice - The outcome of the last action.
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of `<pan-marketplace>` apply).
 * @cssproperty --pan-color-accent-subtle - Semantic token: the selected section's background (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-surface - Semantic token: surfaces (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger - Semantic token: Uninstall and errors (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-l - Global token: the sections' radius (also -m).
 * @cssproperty --pan-space-m - Global token: spacing (also -xs, -s, -l).
 * @cssproperty --pan-shadow-m - Global token: the sections' shadow.
 */
export class PanTenantPage extends PanElement {
  static override styles = [baseStyles, buttonStyles, dangerButtonStyles, stateStyles, statusStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @provide({ context: apiContext })
  @property({ attribute: false })
  api?: RunApiClient;

  @property({ attribute: 'tenant-id' }) tenantId = '';

  @state() private serverErrors: SettingsError[] = [];
  @state() private schedule: Schedule | null | 'default' | undefined;
  @state() private scheduleValid = true;
  /** The zone and missed-fire policy chosen with the unsaved schedule. */
  private scheduleZone: Pick<TenantUpdate, 'time_zone' | 'missed_fires'> = {};
  @state() private busy: '' | 'configs' | 'schedule' | 'status' | 'uninstall' = '';
  /** `text` is called at render, so that it speaks the element's language then. */
  @state() private notice: { text: () => string; error?: boolean } | undefined;
  /** The tenant as last loaded or saved (saves answer with the new state: no reload needed). */
  @state() private current: Tenant | undefined;
  /** The release channel picked but not saved yet (undefined: the tenant's own). */
  @state() private channel: ReleaseChannel | undefined;
  /** Definitions whose options an init run ("Load options") is loading. */
  @state() private loadingOptions: string[] = [];
  #loadingOptions: AbortController | undefined;

  readonly #tenant = new Task(this, {
    args: () => [this.api, this.tenantId] as const,
    task: async ([api, id], { signal }) => {
      if (!api || !id) throw new Error('No tenant');
      return api.get<Tenant>(paths.tenant(id), {}, signal);
    },
    onComplete: (tenant) => {
      this.current = tenant;
      this.schedule = undefined;
      this.serverErrors = [];
    },
  });

  /** The connectors the integration needs (none shown when they cannot be loaded). */
  readonly #connectors = new Task(this, {
    args: () => [this.api, this.current?.integration.slug] as const,
    task: async ([api, slug], { signal }) => {
      if (!api || !slug) return [];
      return (await api.get<IntegrationDetail>(paths.integration(slug), {}, signal)).connectors;
    },
  });

  /** The releases the user may pick, with their forms; only fetched with the `release` permission. */
  readonly #releases = new Task(this, {
    args: () => [this.api, this.current?.id, this.current?.permissions.release === true] as const,
    task: async ([api, id, allowed], { signal }) => {
      if (!api || !id || !allowed) return [];
      return (await api.get<TenantReleases>(paths.tenantReleases(id), {}, signal)).releases;
    },
  });

  override render() {
    return this.#tenant.render({
      pending: () =>
        this.current
          ? this.#renderTenant(this.current)
          : html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`,
      error: (error) => html`<div class="state state--error" role="alert">
        <p class="state__title">${msg('This integration could not be loaded')}</p>
        <p class="state__text">${describeError(error)}</p>
        <button type="button" class="button" @click=${() => this.#tenant.run()}>${msg('Retry')}</button>
      </div>`,
      complete: (tenant) => this.#renderTenant(this.current ?? tenant),
    });
  }

  #renderTenant(tenant: Tenant): TemplateResult {
    const paused = tenant.status === 'paused';
    const form = this.#chosenForm(tenant);
    return html`<article class="tenant" aria-labelledby="tenant-title">
      <header class="tenant__header" part="header">
        <div class="tenant__intro">
          <h2 id="tenant-title" class="tenant__title" tabindex="-1">${tenant.integration.name}</h2>
          <span class=${paused ? 'status status--paused' : 'status'} part="status">${paused ? msg('Paused') : msg('Active')}</span>
        </div>
        <button
          type="button"
          class="button"
          part="pause-button"
          ?disabled=${this.busy !== ''}
          @click=${() => this.#setPaused(tenant, !paused)}
        >
          ${paused ? msg('Resume') : msg('Pause')}
        </button>
      </header>
      <p class="notice" part="notice" role="status">
        ${this.notice ? html`<span class=${this.notice.error ? 'notice--error' : ''}>${this.notice.text()}</span>` : nothing}
      </p>

      <section class="section" aria-labelledby="settings-title">
        <h3 id="settings-title" class="section__title">${msg('Settings')}</h3>
        ${this.#renderReleasePicker(tenant, form)}
        ${formShowsSomething(form)
          ? html`<pan-settings-form
              nested
              exportparts=${settingsFormParts}
              ?no-submit=${form.fields.length === 0}
              .form=${form}
              .value=${tenant.configs}
              .serverErrors=${this.serverErrors}
              ?disabled=${this.busy === 'configs'}
              .loadingOptions=${this.loadingOptions}
              submit-label=${msg('Save settings')}
              @pan-load-options=${(e: PanLoadOptionsEvent) => void this.#loadOptions(tenant, e.detail.definition)}
              @pan-settings-submit=${(e: CustomEvent<{ value: Record<string, unknown> }>) => {
                e.preventDefault();
                void this.#save(tenant, { configs: e.detail.value, ...this.#channelChange(tenant) }, 'configs');
              }}
            ></pan-settings-form>`
          : html`<p class="section__text">${msg('This integration has no settings.')}</p>`}
      </section>

      <section class="section" aria-labelledby="schedule-title">
        <h3 id="schedule-title" class="section__title">${msg('Schedule')}</h3>
        <pan-schedule-editor
          legend=${msg('When it runs')}
          .value=${tenant.schedule_is_default ? undefined : tenant.schedule}
          .defaultSchedule=${tenant.default_schedule}
          .timeZone=${tenant.time_zone}
          .missedFires=${tenant.missed_fires}
          @pan-schedule-change=${(e: PanScheduleChangeEvent) => {
            this.schedule = e.detail.schedule === undefined ? 'default' : e.detail.schedule;
            this.scheduleValid = e.detail.valid;
            this.scheduleZone = { time_zone: e.detail.timeZone, missed_fires: e.detail.missedFires };
          }}
        ></pan-schedule-editor>
        <div class="section__actions">
          <button
            type="button"
            class="button button--primary"
            part="save-schedule-button"
            ?disabled=${this.schedule === undefined || !this.scheduleValid || this.busy !== ''}
            @click=${() => this.#save(tenant, { schedule: this.schedule!, ...this.scheduleZone }, 'schedule')}
          >
            ${msg('Save schedule')}
          </button>
        </div>
      </section>

      ${this.#connectors.value?.length
        ? html`<section class="section" aria-labelledby="connections-title">
            <h3 id="connections-title" class="section__title">${msg('Connections')}</h3>
            <pan-connections part="connections" .connectors=${this.#connectors.value} tenant-id=${tenant.id}></pan-connections>
          </section>`
        : nothing}

      <section class="section" aria-labelledby="runs-title">
        <h3 id="runs-title" class="section__title">${msg('Runs')}</h3>
        <pan-run-panel
          part="run-panel"
          .tenant=${tenant}
          tenant-id=${tenant.id}
          @pan-run-complete=${this.#onRunComplete}
        ></pan-run-panel>
      </section>

      <section class="section section--danger" aria-labelledby="uninstall-title">
        <h3 id="uninstall-title" class="section__title">${msg('Uninstall')}</h3>
        <p class="section__text">${msg(str`Stops ${tenant.integration.name} for your account. Its run history is kept.`)}</p>
        <div class="section__actions">
          <button type="button" class="button button--danger" part="uninstall-button" @click=${this.#confirmUninstall}>
            ${msg('Uninstall…')}
          </button>
        </div>
      </section>

      <dialog part="confirm-dialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" @close=${this.#onDialogClose}>
        <form method="dialog" class="dialog">
          <h3 id="confirm-title" class="section__title">${msg(str`Uninstall ${tenant.integration.name}?`)}</h3>
          <p id="confirm-text">${msg('It will stop running and its settings will no longer apply. You can install it again later.')}</p>
          <div class="section__actions">
            <button class="button" value="cancel" autofocus>${msg('Cancel')}</button>
            <button class="button button--danger" value="uninstall">${msg('Uninstall')}</button>
          </div>
        </form>
      </dialog>
    </article>`;
  }

  /** Default, Latest or one release; absent without the `release` permission (or until the releases load). */
  #renderReleasePicker(tenant: Tenant, form: SettingsForm): TemplateResult | typeof nothing {
    const releases = this.#releases.value;
    if (!tenant.permissions.release || !releases?.length) return nothing;
    const channel = this.channel ?? tenant.release_channel;
    const selected = channel.type === 'pinned' ? `pinned:${channel.release_id}` : channel.type;
    const defaultRelease = releases.find((r) => r.is_default);
    const needsOwnSave = !formShowsSomething(form) || form.fields.length === 0;
    return html`<div class="release">
      <label class="release__label" for="release-channel">${msg('Release')}</label>
      <select
        id="release-channel"
        class="release__select"
        part="release-select"
        aria-describedby="release-hint"
        ?disabled=${this.busy !== ''}
        @change=${(e: Event) => {
          this.channel = parseChannel((e.target as HTMLSelectElement).value);
        }}
      >
        <option value="default" ?selected=${selected === 'default'}>${defaultRelease ? msg(str`Default (${describeRelease(defaultRelease)})`) : msg('Default')}</option>
        <option value="latest" ?selected=${selected === 'latest'}>${msg(str`Latest (${describeRelease(releases[0]!)})`)}</option>
        ${releases.map(
          (r) => html`<option value=${`pinned:${r.id}`} ?selected=${selected === `pinned:${r.id}`}>${describeRelease(r)}</option>`,
        )}
      </select>
      <p id="release-hint" class="release__hint">
        ${msg('Default follows the release your provider recommends; Latest follows the newest; a release stays until you change it.')}
        ${needsOwnSave ? '' : msg('Saved with the settings.')}
      </p>
      ${needsOwnSave
        ? html`<div class="section__actions">
            <button
              type="button"
              class="button button--primary"
              part="save-release-button"
              ?disabled=${!this.#channelChange(tenant).release_channel || this.busy !== ''}
              @click=${() => this.#save(tenant, this.#channelChange(tenant), 'configs')}
            >
              Save release
            </button>
          </div>`
        : nothing}
    </div>`;
  }

  /** The form of the release the picked channel resolves to (the tenant's own when nothing is picked). */
  #chosenForm(tenant: Tenant): SettingsForm {
    const releases = this.#releases.value;
    const channel = this.channel;
    if (!channel || !releases?.length) return tenant.settings_form;
    const release =
      channel.type === 'latest' ? releases[0] : releases.find((r) => (channel.type === 'default' ? r.is_default : r.id === channel.release_id));
    return release?.settings_form ?? tenant.settings_form;
  }

  /** `{release_channel}` when the picked channel differs from the tenant's, else nothing. */
  #channelChange(tenant: Tenant): { release_channel?: ReleaseChannel } {
    const channel = this.channel;
    if (!channel) return {};
    const current = tenant.release_channel;
    const same = channel.type === current.type && (channel.type !== 'pinned' || channel.release_id === current.release_id);
    return same ? {} : { release_channel: channel };
  }

  #confirmUninstall = (): void => {
    this.renderRoot.querySelector('dialog')?.showModal();
  };

  #onDialogClose = (event: Event): void => {
    const dialog = event.currentTarget as HTMLDialogElement;
    const tenant = this.current;
    if (dialog.returnValue === 'uninstall' && tenant) void this.#uninstall(tenant);
    dialog.returnValue = '';
  };

  async #save(tenant: Tenant, update: TenantUpdate, what: 'configs' | 'schedule'): Promise<void> {
    if (!this.api) return;
    this.busy = what;
    this.notice = undefined;
    try {
      const saved = await this.api.request<Tenant>('PATCH', paths.tenant(tenant.id), { body: update });
      this.serverErrors = [];
      if (update.release_channel) this.channel = undefined;
      this.#replace(saved);
      // Only a saved schedule settles the schedule choice (a settings save keeps an unsaved one).
      if (what === 'schedule') this.schedule = undefined;
      this.notice = { text: () => (what === 'configs' ? msg('Settings saved.') : msg('Schedule saved.')) };
      this.#emitSaved(saved, [what]);
    } catch (error) {
      if (error instanceof PanApiError && error.errors.length && what === 'configs') this.serverErrors = error.errors;
      this.notice = { text: () => describeError(error), error: true };
    } finally {
      this.busy = '';
    }
  }

  async #setPaused(tenant: Tenant, paused: boolean): Promise<void> {
    if (!this.api) return;
    this.busy = 'status';
    this.notice = undefined;
    try {
      const saved = await this.api.request<Tenant>('POST', paused ? paths.tenantPause(tenant.id) : paths.tenantResume(tenant.id));
      this.#replace(saved);
      this.notice = { text: () => (paused ? msg('Paused: it will not run until you resume it.') : msg('Resumed.')) };
      this.#emitSaved(saved, ['status']);
    } catch (error) {
      this.notice = { text: () => describeError(error), error: true };
    } finally {
      this.busy = '';
    }
  }

  async #uninstall(tenant: Tenant): Promise<void> {
    if (!this.api) return;
    this.busy = 'uninstall';
    try {
      await this.api.request<void>('DELETE', paths.tenant(tenant.id));
      this.emit('pan-uninstalled', { detail: { tenant: { id: tenant.id, integration: integrationRef(tenant) } } });
    } catch (error) {
      this.notice = { text: () => describeError(error), error: true };
    } finally {
      this.busy = '';
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#loadingOptions?.abort();
  }

  /**
   * "Load options": an init run of the tenant, followed until it ended, then the tenant again
   * (its `settings_form` now has the options). One init run loads every dynamic selector.
   */
  async #loadOptions(tenant: Tenant, definition: string): Promise<void> {
    if (!this.api) return;
    if (!this.loadingOptions.includes(definition)) this.loadingOptions = [...this.loadingOptions, definition];
    if (this.#loadingOptions) return;
    const abort = new AbortController();
    this.#loadingOptions = abort;
    this.notice = undefined;
    try {
      let failed: (() => string) | undefined;
      try {
        const triggerId = await startRun(this.api, tenant.id, 'init');
        const done = await followTrigger(this.api, triggerId, { signal: abort.signal });
        const status = done.run_status;
        if (status !== 'Succeeded') {
          failed = () => msg(str`the init run ended with "${status ? describeRunStatus(status) : msg('no status')}".`);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        failed = () => describeError(error);
      }
      if (failed) {
        const reason = failed;
        this.notice = { text: () => msg(str`The options could not be loaded: ${reason()}`), error: true };
        return;
      }
      const fresh = await this.api.get<Tenant>(paths.tenant(tenant.id), {}, abort.signal);
      this.#replace(fresh);
      this.renderRoot.querySelector('pan-run-panel')?.refresh();
      if (!fresh.dynamic_configs_loaded) this.notice = { text: () => msg('The integration published no options.'), error: true };
    } catch (error) {
      if (!abort.signal.aborted) this.notice = { text: () => msg(str`The options could not be loaded: ${describeError(error)}`), error: true };
    } finally {
      if (this.#loadingOptions === abort) {
        this.#loadingOptions = undefined;
        this.loadingOptions = [];
      }
    }
  }

  /** A run started from the Runs section ended: an init run may have brought new options. */
  #onRunComplete = async (): Promise<void> => {
    const tenant = this.current;
    if (!this.api || !tenant || this.busy !== '' || this.#loadingOptions) return;
    try {
      const fresh = await this.api.get<Tenant>(paths.tenant(tenant.id));
      if (this.busy === '' && this.current?.id === fresh.id) this.#replace(fresh);
    } catch {
      // Only a refresh: the page stays as it was.
    }
  };

  #replace(tenant: Tenant): void {
    this.current = tenant;
  }

  #emitSaved(tenant: Tenant, changed: PanSettingsSavedDetail['changed']): void {
    this.emit('pan-settings-saved', { detail: { tenant: { id: tenant.id, integration: integrationRef(tenant) }, changed } });
  }
}

function parseChannel(value: string): ReleaseChannel {
  if (value.startsWith('pinned:')) return { type: 'pinned', release_id: value.slice('pinned:'.length) };
  return { type: value === 'latest' ? 'latest' : 'default' };
}

/** "r2, 2 Dec 2026": the release's name and the day it was pushed. */
function describeRelease(release: TenantReleaseChoice): string {
  return `${release.version}, ${formatDate(release.created_at, { dateStyle: 'medium' })}`;

}

function integrationRef(tenant: Tenant) {
  const { id, slug, name } = tenant.integration;
  return { id, slug, name };
}
