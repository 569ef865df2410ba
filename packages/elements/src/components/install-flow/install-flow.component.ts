import { consume, provide } from '@lit/context';
import { Task } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Connection, InstallPlan, Schedule, SettingsError, Tenant, TenantList } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import { PanApiError, type RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { formatList } from '../../internal/format.ts';
import { msg, str } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { browserTimeZone, describeSchedule, type MissedFires } from '../schedule-editor/schedule.ts';
import type { PanScheduleChangeEvent } from '../../events/pan-schedule-change.ts';
import { displayValue, fieldLabel, formShowsSomething } from '../../internal/settings-display.ts';
import { describeError } from '../../internal/views.ts';
import styles from './install-flow.styles.ts';
import { settingsFormParts } from '../../internal/form-parts.ts';

type Step = 'connect' | 'settings' | 'schedule' | 'review';

const stepTitle = (step: Step): string =>
  ({ connect: msg('Connect'), settings: msg('Settings'), schedule: msg('Schedule'), review: msg('Review and enable') })[step];

/**
 * @summary Installs one integration: connect, settings, schedule, then review and enable.
 * Nothing is saved until Enable.
 *
 * The Connect step (when the release needs connectors) shows a `<pan-connections>` for them.
 * Continuing without connecting is allowed: connections belong to the user, not to the
 * installation, and can be made later (the integration's page, or Connections); the step and the
 * review say which are missing and that runs will not have their credentials until then.
 *
 * @event {PanConnectedEvent} pan-connected - From the Connect step: a connection was made; `detail: {connector}`.
 * @event {PanDisconnectedEvent} pan-disconnected - From the Connect step: one was removed; `detail: {connector}`.
 * @event {PanReconnectNeededEvent} pan-reconnect-needed - From the Connect step: one needs the user to sign in again.
 *
 * @event {PanInstalledEvent} pan-installed - The tenant was created; `detail: {tenant: {id, integration}}`.
 * @event {PanInstallCancelEvent} pan-install-cancel - The user cancelled; nothing was saved.
 * @event {PanNavigateEvent} pan-navigate - The user asked to open an existing installation (`view: 'tenant'`).
 *
 * @csspart connections - The Connect step's `<pan-connections>`.
 * @csspart field-input - A settings form's input; every part of `<pan-settings-form>`'s form (field,
 *   field-label, field-select, group-legend, array-add-button, ...) is forwarded with `exportparts`.
 * @csspart connect-warning - On the review: which connections are missing.
 * @csspart steps - The step indicator.
 * @csspart step - One step in the indicator (also `step-current`, `step-done`).
 * @csspart back-button - Goes to the previous step.
 * @csspart cancel-button - Leaves the flow.
 * @csspart next-button - Goes to the next step.
 * @csspart enable-button - Enables the integration (last step).
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of `<pan-marketplace>` apply).
 * @cssproperty --pan-color-accent - Semantic token: the current step, buttons and focus (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-surface - Semantic token: surfaces (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger-strong - Semantic token: errors (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-l - Global token: the steps' radius (also -m, -pill).
 * @cssproperty --pan-space-m - Global token: spacing (also -xs, -s, -l).
 * @cssproperty --pan-shadow-s - Global token: the review's shadow.
 */
export class PanInstallFlow extends PanElement {
  static override styles = [baseStyles, buttonStyles, stateStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @provide({ context: apiContext })
  @property({ attribute: false })
  api?: RunApiClient;

  /** The integration to install. */
  @property() slug = '';

  @state() private step: Step = 'connect';
  @state() private configs: Record<string, unknown> = {};
  @state() private schedule: Schedule | null | undefined = undefined;
  @state() private scheduleValid = true;
  /** Undefined until the user picks one: the token's zone, else the browser's. */
  @state() private timeZone: string | undefined = undefined;
  @state() private missedFires: MissedFires = 'once';
  @state() private serverErrors: SettingsError[] = [];
  @state() private enabling = false;
  /** `message` is called at render, so that it speaks the element's language then. */
  @state() private problem: { message: () => string; tenantId?: string } | undefined;
  /** Display names of the needed connections that are not connected (as last seen on the Connect step). */
  @state() private unconnected: string[] = [];

  #focusStep = false;

  readonly #plan = new Task(this, {
    args: () => [this.api, this.slug] as const,
    task: async ([api, slug], { signal }) => {
      if (!api || !slug) throw new Error('No integration');
      return api.get<InstallPlan>(paths.installPlan(slug), {}, signal);
    },
    onComplete: (plan) => {
      this.step = this.#steps(plan)[0]!;
      this.configs = {};
      this.schedule = undefined;
      this.timeZone = undefined;
      this.missedFires = 'once';
      this.serverErrors = [];
      this.problem = undefined;
      this.unconnected = [];
    },
  });

  protected override updated(changed: PropertyValues): void {
    if (changed.has('step') && this.#focusStep) {
      this.#focusStep = false;
      this.renderRoot.querySelector<HTMLElement>('#step-title')?.focus();
    }
  }

  override render() {
    return this.#plan.render({
      pending: () => html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`,
      error: (error) => html`<div class="state state--error" role="alert">
        <p class="state__title">${msg("This integration can't be installed")}</p>
        <p class="state__text">${describeError(error)}</p>
        <button type="button" class="button" @click=${() => this.#plan.run()}>${msg('Retry')}</button>
      </div>`,
      complete: (plan) => this.#renderFlow(plan),
    });
  }

  #steps(plan: InstallPlan): Step[] {
    return plan.connectors.length > 0 ? ['connect', 'settings', 'schedule', 'review'] : ['settings', 'schedule', 'review'];
  }

  #renderFlow(plan: InstallPlan): TemplateResult {
    const steps = this.#steps(plan);
    const index = steps.indexOf(this.step);
    const last = index === steps.length - 1;
    return html`<section class="flow" aria-labelledby="flow-title">
      <h2 id="flow-title" class="flow__title">${msg(str`Install ${plan.integration.name}`)}</h2>
      <ol class="steps" part="steps">
        ${steps.map((step, i) => {
          const current = i === index;
          const done = i < index;
          return html`<li
            class=${current ? 'step step--current' : done ? 'step step--done' : 'step'}
            part=${current ? 'step step-current' : done ? 'step step-done' : 'step'}
            aria-current=${current ? 'step' : 'false'}
          >
            <span class="step__number" aria-hidden="true">${i + 1}</span>
            <span class="step__title"><span class="sr-only">${msg(str`Step ${i + 1} of ${steps.length}:`)} </span>${stepTitle(step)}</span>
          </li>`;
        })}
      </ol>
      <div class="panel">
        <h3 id="step-title" class="panel__title" tabindex="-1">${stepTitle(this.step)}</h3>
        ${this.#renderStep(plan)}
        ${this.problem
          ? html`<div class="problem" role="alert">
              <p>${this.problem.message()}</p>
              ${this.problem.tenantId
                ? html`<button type="button" class="button button--small" @click=${() => this.#openTenant(this.problem!.tenantId!)}>
                    ${msg('Open it')}
                  </button>`
                : nothing}
            </div>`
          : nothing}
      </div>
      <div class="actions">
        <button type="button" class="button button--ghost" part="cancel-button" @click=${() => this.#cancel(plan)}>${msg('Cancel')}</button>
        <span class="actions__spacer"></span>
        ${index > 0
          ? html`<button type="button" class="button" part="back-button" ?disabled=${this.enabling} @click=${() => this.#go(steps[index - 1]!)}>
              ${msg('Back')}
            </button>`
          : nothing}
        ${last
          ? html`<button
              type="button"
              class="button button--primary"
              part="enable-button"
              ?disabled=${this.enabling}
              @click=${() => this.#enable(plan)}
            >
              ${this.enabling ? msg('Enabling…') : msg('Enable')}
            </button>`
          : html`<button type="button" class="button button--primary" part="next-button" @click=${() => this.#next(plan, steps)}>
              ${msg('Next')}
            </button>`}
      </div>
    </section>`;
  }

  #renderStep(plan: InstallPlan): TemplateResult {
    switch (this.step) {
      case 'connect':
        return html`<p class="panel__text">${msg(str`${plan.integration.name} works with your accounts in these systems.`)}</p>
          <pan-connections part="connections" .connectors=${plan.connectors}></pan-connections>
          <p class="panel__hint">
            ${msg("Connect them now, or continue and connect them later on its page: until then, its runs won't have their credentials.")}
          </p>`;
      case 'settings':
        return !formShowsSomething(plan.settings_form)
          ? html`<p class="panel__text">${msg(str`${plan.integration.name} needs no settings.`)}</p>`
          : html`<pan-settings-form
              nested
              no-submit
              exportparts=${settingsFormParts}
              .form=${plan.settings_form}
              .value=${this.configs}
              .serverErrors=${this.serverErrors}
              @pan-settings-change=${(e: CustomEvent<{ value: Record<string, unknown> }>) => {
                this.configs = e.detail.value;
              }}
            ></pan-settings-form>`;
      case 'schedule':
        return html`<pan-schedule-editor
          legend=${msg('When should it run?')}
          .value=${this.schedule}
          .defaultSchedule=${plan.default_schedule}
          .timeZone=${this.#timeZone(plan)}
          .missedFires=${this.missedFires}
          @pan-schedule-change=${(e: PanScheduleChangeEvent) => {
            this.schedule = e.detail.schedule;
            this.scheduleValid = e.detail.valid;
            this.timeZone = e.detail.timeZone;
            this.missedFires = e.detail.missedFires;
          }}
        ></pan-schedule-editor>`;
      case 'review':
        return this.#renderReview(plan);
    }
  }

  #renderReview(plan: InstallPlan): TemplateResult {
    const form = plan.settings_form;
    const schedule = this.schedule === undefined ? plan.default_schedule : this.schedule;
    return html`<dl class="review">
      ${form.fields.length
        ? html`<div class="review__row">
            <dt>${msg('Settings')}</dt>
            <dd>
              <dl class="review__settings">
                ${form.fields.map(
                  (field) => html`<div>
                    <dt>${fieldLabel(form, field)}</dt>
                    <dd>${displayValue(form, field, this.configs[field])}</dd>
                  </div>`,
                )}
              </dl>
            </dd>
          </div>`
        : nothing}
      <div class="review__row"><dt>${msg('Schedule')}</dt><dd>${describeSchedule(schedule, this.#timeZone(plan))}</dd></div>
      ${plan.connectors.length
        ? html`<div class="review__row">
            <dt>${msg('Connects to')}</dt>
            <dd>${formatList(this.#connectorNames(plan))}${this.unconnected.length ? this.#renderUnconnected() : nothing}</dd>
          </div>`
        : nothing}
      <div class="review__row"><dt>${msg('Version')}</dt><dd>${plan.release.version}</dd></div>
    </dl>`;
  }

  #renderUnconnected(): TemplateResult {
    const names = formatList(this.unconnected);
    return html`<p class="panel__hint panel__hint--warning" part="connect-warning">
      ${this.unconnected.length === 1
        ? msg(str`Not connected: ${names}. You can enable it anyway, but its runs won't have access to it until you connect it on its page.`)
        : msg(str`Not connected: ${names}. You can enable it anyway, but its runs won't have access to them until you connect them on its page.`)}
    </p>`;
  }

  /** The connectors by display name, once the Connect step has loaded them. */
  #connectorNames(plan: InstallPlan): string[] {
    return plan.connectors.map((name) => this.#lastConnections.find((c) => c.connector === name)?.display_name ?? name);
  }

  /** The Connect step's connections, as last seen. */
  #lastConnections: readonly Connection[] = [];

  /** Which needed connections are missing, from the Connect step's list (all of them until it has loaded). */
  #readConnections(plan: InstallPlan): void {
    const shown = this.renderRoot.querySelector('pan-connections')?.connections ?? [];
    if (shown.length) this.#lastConnections = shown;
    const connected = (name: string) => this.#lastConnections.some((c) => c.connector === name && c.status === 'connected');
    this.unconnected = this.#connectorNames(plan).filter((_, i) => !connected(plan.connectors[i]!));
  }

  async #next(plan: InstallPlan, steps: Step[]): Promise<void> {
    if (this.step === 'connect') this.#readConnections(plan);
    if (this.step === 'settings') {
      const form = this.renderRoot.querySelector('pan-settings-form');
      // Pressed while the form's chunk is still loading: check it once it is there.
      if (form) await form.updateComplete;
      if (form && !form.reportValidity()) return;
    }
    if (this.step === 'schedule' && !this.scheduleValid) {
      this.renderRoot.querySelector<HTMLElement>('pan-schedule-editor')?.focus();
      return;
    }
    this.#go(steps[steps.indexOf(this.step) + 1]!);
  }

  #go(step: Step): void {
    this.problem = undefined;
    this.#focusStep = true;
    this.step = step;
  }

  async #enable(plan: InstallPlan): Promise<void> {
    if (!this.api || this.enabling) return;
    this.enabling = true;
    this.problem = undefined;
    try {
      const tenant = await this.api.request<Tenant>('POST', paths.tenants, {
        body: {
          integration: plan.integration.slug,
          configs: this.configs,
          ...(this.schedule === undefined ? {} : { schedule: this.schedule }),
          time_zone: this.#timeZone(plan),
          missed_fires: this.missedFires,
        },
      });
      this.emit('pan-installed', { detail: { tenant: { id: tenant.id, integration: integrationRef(plan) } } });
    } catch (error) {
      if (error instanceof PanApiError && error.code === 'PAN_ERR_SETTINGS_INVALID') {
        this.serverErrors = error.errors;
        this.#go('settings');
        this.problem = { message: () => msg('Some settings need attention.') };
      } else if (error instanceof PanApiError && error.code === 'PAN_ERR_TENANT_ALREADY_INSTALLED') {
        const tenants = await this.api.get<TenantList>(paths.tenants).catch(() => ({ tenants: [] }));
        const existing = tenants.tenants.find((t) => t.integration.slug === plan.integration.slug);
        this.problem = { message: () => msg(str`${plan.integration.name} is already installed.`), ...(existing ? { tenantId: existing.id } : {}) };
      } else {
        this.problem = { message: () => describeError(error) };

      }
    } finally {
      this.enabling = false;
    }
  }

  /** The zone chosen, else the token's `tz` claim (the plan says it), else the browser's. */
  #timeZone(plan: InstallPlan): string {
    return this.timeZone ?? plan.time_zone ?? browserTimeZone();
  }

  #cancel(plan: InstallPlan): void {
    this.emit('pan-install-cancel', { detail: { integration: integrationRef(plan) } });
  }

  #openTenant(tenantId: string): void {
    this.emit('pan-navigate', { detail: { view: 'tenant', slug: this.slug, tenantId } });
  }
}

function integrationRef(plan: InstallPlan) {
  const { id, slug, name } = plan.integration;
  return { id, slug, name };
}

