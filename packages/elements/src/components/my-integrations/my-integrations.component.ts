import { consume } from '@lit/context';
import { Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Tenant, TenantList } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { msg } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { statusStyles } from '../../internal/status.styles.ts';
import { describeError } from '../../internal/views.ts';
import { describeSchedule } from '../schedule-editor/schedule.ts';
import styles from './my-integrations.styles.ts';

/**
 * @summary The integrations this user installed: status, schedule, and a way into each one's page;
 * pause or resume in place.
 *
 * @event {PanNavigateEvent} pan-navigate - Open an installation (`view: 'tenant'`) or the catalog (`view: 'catalog'`).
 * @event {PanSettingsSavedEvent} pan-settings-saved - An installation was paused or resumed.
 *
 * @csspart tenant - One installed integration.
 * @csspart status - Its Active/Paused badge.
 * @csspart manage-button - Opens its page (settings, schedule, uninstall).
 * @csspart pause-button - Pause or Resume.
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of `<pan-marketplace>` apply).
 * @cssproperty --pan-color-surface - Semantic token: the rows' surface (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger-strong - Semantic token: errors and the failed status (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-l - Global token: the rows' radius.
 * @cssproperty --pan-space-m - Global token: spacing (also -xs, -s, -l).
 * @cssproperty --pan-shadow-s - Global token: the rows' shadow.
 */
export class PanMyIntegrations extends PanElement {
  static override styles = [baseStyles, buttonStyles, stateStyles, statusStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @property({ attribute: false })
  api?: RunApiClient;

  @state() private busy = '';
  /** Called at render, so that it speaks the element's language then. */
  @state() private problem: (() => string) | undefined;

  readonly #tenants = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => {
      if (!api) throw new Error('No API');
      return (await api.get<TenantList>(paths.tenants, {}, signal)).tenants;
    },
  });

  override render() {
    return html`<section class="mine" aria-labelledby="mine-title">
      <h2 id="mine-title" class="mine__title" tabindex="-1">${msg('My integrations')}</h2>
      <p class="problem" role="alert">${this.problem?.() || nothing}</p>
      ${this.#tenants.render({
        pending: () =>
          this.#tenants.value
            ? this.#renderList(this.#tenants.value)
            : html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`,
        error: (error) => html`<div class="state state--error" role="alert">
          <p class="state__title">${msg('Your integrations could not be loaded')}</p>
          <p class="state__text">${describeError(error)}</p>
          <button type="button" class="button" @click=${() => this.#tenants.run()}>${msg('Retry')}</button>
        </div>`,
        complete: (tenants) => this.#renderList(tenants),
      })}
    </section>`;
  }

  #renderList(tenants: Tenant[]): TemplateResult {
    if (tenants.length === 0) {
      return html`<div class="state">
        <p class="state__title">${msg('Nothing installed yet')}</p>
        <p class="state__text">${msg('Browse the integrations and install one to see it here.')}</p>
        <button type="button" class="button button--primary" @click=${this.#browse}>${msg('Browse integrations')}</button>
      </div>`;
    }
    return html`<ul class="list" role="list">
      ${tenants.map((t) => {
        const paused = t.status === 'paused';
        return html`<li class="tenant" part="tenant">
          <div class="tenant__main">
            <h3 class="tenant__name">${t.integration.name}</h3>
            <p class="tenant__meta">
              <span class=${paused ? 'status status--paused' : 'status'} part="status">${paused ? msg('Paused') : msg('Active')}</span>
              <span>${describeSchedule(t.schedule, t.time_zone)}</span>
            </p>
          </div>
          <div class="tenant__actions">
            <button
              type="button"
              class="button"
              part="pause-button"
              ?disabled=${this.busy === t.id}
              @click=${() => this.#setPaused(t, !paused)}
            >
              ${paused ? msg('Resume') : msg('Pause')}<span class="sr-only"> ${t.integration.name}</span>
            </button>
            <button type="button" class="button button--primary" part="manage-button" @click=${() => this.#open(t)}>
              ${msg('Manage')}<span class="sr-only"> ${t.integration.name}</span>
            </button>
          </div>
        </li>`;
      })}
    </ul>`;
  }

  #browse = (): void => {
    this.emit('pan-navigate', { detail: { view: 'catalog', slug: null } });
  };

  #open(tenant: Tenant): void {
    this.emit('pan-navigate', { detail: { view: 'tenant', slug: tenant.integration.slug, tenantId: tenant.id } });
  }

  async #setPaused(tenant: Tenant, paused: boolean): Promise<void> {
    if (!this.api) return;
    this.busy = tenant.id;
    this.problem = undefined;
    try {
      const saved = await this.api.request<Tenant>('POST', paused ? paths.tenantPause(tenant.id) : paths.tenantResume(tenant.id));
      const { id, slug, name } = saved.integration;
      this.emit('pan-settings-saved', { detail: { tenant: { id: saved.id, integration: { id, slug, name } }, changed: ['status'] } });
      await this.#tenants.run();
    } catch (error) {
      this.problem = () => describeError(error);

    } finally {
      this.busy = '';
    }
  }
}
