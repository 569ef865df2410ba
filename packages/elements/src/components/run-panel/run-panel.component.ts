import { consume, provide } from '@lit/context';
import { Task } from '@lit/task';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ReplayAccepted, Run, RunPage, RunStatus, Tenant, TriggerStatus } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { formatDate, formatRelative } from '../../internal/format.ts';
import { msg, str } from '../../internal/locale.ts';
import { describeRunStatus, describeSources, formatDuration, runStatusClass, runStatusStyles } from '../../internal/run-status.ts';

import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { followTrigger, startRun, triggerEnded } from '../../internal/trigger.ts';
import { describeError } from '../../internal/views.ts';
import styles from './run-panel.styles.ts';

type Mode = 'normal' | 'init';

/** The run this panel started, as followed through its trigger. */
interface ActiveRun {
  tenantId: string;
  mode: Mode;
  /** '' until the API accepted the request. */
  triggerId: string;
  /** The failed run this one replays (Replay in the history), when it does. */
  replayOf?: string;
  state: 'starting' | TriggerStatus['state'];
  runId: string | null;
  status: RunStatus | null;
}

/** A run's start, in the locale of the element rendering. */
const formatStart = (date: Date | string): string =>
  formatDate(date, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A run that Replay may queue again: every `Failed (...)` status (Lost and Handed Back runs ran again already). */
const replayable = (run: Run) => run.status.startsWith('Failed');

/**
 * @summary Runs of one installed integration: "Run now" (normal, or init when allowed), the state
 * of the run it started (queued, running, how it ended) with its live log, and the run history,
 * each run opening its log; a failed run can be replayed (with its original payloads).
 *
 * @event {PanRunStartEvent} pan-run-start - The run API accepted "Run now" or a Replay;
 *   `detail: {tenantId, triggerId, mode, replayOf?}`.
 * @event {PanRunCompleteEvent} pan-run-complete - A run this panel started ended;
 *   `detail: {tenantId, runId, status}`.
 *
 * @csspart run-now - The mode choice, the Run now button and why it cannot run.
 * @csspart mode-select - Normal or Init (only with the `run:init` permission).
 * @csspart run-button - Run now.
 * @csspart run-reason - Why Run now is disabled (no permission, paused).
 * @csspart current - The state of the run started here.
 * @csspart current-log - The live log of that run (a `<pan-run-log>`).
 * @csspart history - The list of runs, newest first.
 * @csspart run - One run of the history.
 * @csspart run-status - A run's status badge.
 * @csspart log-button - Shows or hides a run's log.
 * @csspart replay-button - Replays a failed run (only with the `run` permission, `run:init` for an init run).
 * @csspart run-replay - Says that a run replays an earlier one.
 * @csspart log - A run's log in the history (a `<pan-run-log>`).
 * @csspart more-button - Loads older runs.
 * @csspart problem - The outcome of a refused Run now or Replay.
 *
 * @cssproperty --pan-run-panel-gap - The space between the panel's pieces (default `--pan-space-m`).
 * @cssproperty --pan-color-accent - Semantic token: Run now and the running badge (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-success - Semantic token: the Succeeded badge (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger-strong - Semantic token: the Failed badges and errors (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-l - Global token: the history rows' radius (also -m, -pill).
 * @cssproperty --pan-space-m - Global token: spacing (also -2xs ... -l).
 *
 * @cssstate running - A run started here is queued or running.
 */
export class PanRunPanel extends PanElement {
  static override styles = [baseStyles, buttonStyles, stateStyles, runStatusStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @provide({ context: apiContext })
  @property({ attribute: false })
  api?: RunApiClient;

  @property({ attribute: 'tenant-id' }) tenantId = '';

  /**
   * The tenant, when the host has it already (its permissions and paused status); otherwise it is
   * loaded from `tenant-id`. Set it again when it changes (paused or resumed).
   */
  @property({ attribute: false }) tenant: Tenant | undefined;

  /** How many runs the history loads at a time (1 to 100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 20;

  /**
   * Seconds between reloads of the history while the panel is shown, so runs started by webhooks,
   * schedules or the host's API appear (every 3 s at most while the newest run is running); 0: never.
   */
  @property({ type: Number, attribute: 'refresh-interval' }) refreshInterval = 15;

  @state() private mode: Mode = 'normal';
  @state() private active: ActiveRun | undefined;
  /** Worded at render, in the element's language then. */
  @state() private problem: (() => string) | undefined;
  /** Runs loaded with Load more (older than the first page). */
  @state() private older: Run[] = [];
  @state() private olderNext: string | null | undefined;
  @state() private loadingMore = false;
  /** The run whose log is open in the history. */
  @state() private openRun = '';
  #refreshes = 0;
  #follow: AbortController | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;

  readonly #tenantTask = new Task(this, {
    args: () => [this.api, this.tenantId, this.tenant] as const,
    task: async ([api, id, given], { signal }) => {
      if (given && given.id === id) return given;
      if (!api || !id) throw new Error('No tenant');
      return api.get<Tenant>(paths.tenant(id), {}, signal);
    },
  });

  readonly #history = new Task(this, {
    args: () => [this.api, this.tenantId, this.#limit, this.#refreshes] as const,
    task: async ([api, id, limit], { signal }) => {
      if (!api || !id) throw new Error('No tenant');
      try {
        return await api.get<RunPage>(paths.tenantRuns(id), { limit }, signal);
      } finally {
        this.#scheduleRefresh();
      }
    },
  });

  /** The next reload of the history (see `refreshInterval`); only while connected and the page is visible. */
  #scheduleRefresh(): void {
    clearTimeout(this.#refreshTimer);
    const seconds = this.refreshInterval;
    if (!this.isConnected || !(seconds > 0)) return;
    const running = this.#history.value?.runs[0]?.status === 'Running';
    this.#refreshTimer = setTimeout(
      () => {
        if (document.visibilityState === 'hidden') this.#scheduleRefresh();
        else this.refresh();
      },
      (running ? Math.min(seconds, 3) : seconds) * 1000,
    );
  }

  get #limit(): string {
    return String(Math.min(Math.max(Math.trunc(this.pageSize) || 20, 1), 100));
  }

  /** Loads the history again (e.g. after a run started elsewhere). */
  refresh(): void {
    this.#refreshes++;
    void this.#history.run();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Connected again while a run of ours was on its way: follow it again.
    const active = this.active;
    if (this.hasUpdated && active?.triggerId && !triggerEnded(active.state) && !this.#follow) void this.#followTrigger(active);
    if (this.hasUpdated) this.#scheduleRefresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#refreshTimer);
    this.#follow?.abort();
    this.#follow = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('refreshInterval') && this.hasUpdated) this.#scheduleRefresh();
    // Another tenant: what was shown belongs to the previous one.
    if (changed.has('tenantId') && changed.get('tenantId') !== undefined) {
      this.#follow?.abort();
      this.#follow = undefined;
      this.active = undefined;
      this.older = [];
      this.olderNext = undefined;
      this.openRun = '';
      this.problem = undefined;
    }
  }

  protected override updated(): void {
    this.toggleState('running', Boolean(this.active && !triggerEnded(this.active.state)));
  }

  override render() {
    return html`<div class="panel" part="base">
      ${this.#tenantTask.render({
        pending: () => (this.#tenantTask.value ? this.#renderRunNow(this.#tenantTask.value) : nothing),
        complete: (tenant) => this.#renderRunNow(tenant),
        error: (error) => html`<p class="problem" role="alert">${describeError(error)}</p>`,
      })}
      ${this.#renderCurrentLog()} ${this.#renderHistory()}
    </div>`;
  }

  #renderRunNow(tenant: Tenant): TemplateResult {
    const { run, run_init: runInit } = tenant.permissions;
    const busy = Boolean(this.active && !triggerEnded(this.active.state));
    const reason = !run
      ? msg('Your account does not allow you to run this integration.')
      : tenant.status === 'paused'
        ? msg('Paused: resume it to run it.')
        : '';
    const mode: Mode = runInit ? this.mode : 'normal';
    return html`<div class="run-now" part="run-now">
        ${run && runInit
          ? html`<label class="run-now__mode">
              <span>${msg('Mode')}</span>
              <select
                part="mode-select"
                .value=${mode}
                ?disabled=${busy || Boolean(reason)}
                @change=${(e: Event) => (this.mode = (e.target as HTMLSelectElement).value as Mode)}
              >
                <option value="normal">${msg('Normal')}</option>
                <option value="init">${msg('Init (load options)')}</option>
              </select>
            </label>`
          : nothing}
        <button
          type="button"
          class="button button--primary"
          part="run-button"
          aria-describedby=${reason ? 'run-reason' : nothing}
          ?disabled=${busy || Boolean(reason)}
          @click=${() => this.#runNow(tenant, mode)}
        >
          ${busy ? msg('Running…') : msg('Run now')}
        </button>
        ${reason ? html`<p id="run-reason" class="run-now__reason" part="run-reason">${reason}</p>` : nothing}
        <p class="current" part="current" role="status" aria-live="polite" aria-atomic="true">${this.#currentText()}</p>
      </div>
      <p class="problem" part="problem" role="alert">${this.problem?.() || nothing}</p>`;
  }

  /**
   * The state of the run started here: queued, running, how it ended. Shown in a polite live region
   * that is always rendered, so that each change is read once (Lit leaves unchanged text alone).
   */
  #currentText(): TemplateResult | string {
    const active = this.active;
    if (!active) return '';
    const what = active.replayOf ? msg('Replay') : active.mode === 'init' ? msg('Init run') : msg('Run');
    switch (active.state) {
      case 'starting':
        return msg(str`${what}: starting…`);
      case 'pending':
        return msg(str`${what}: queued…`);
      case 'running':
        return msg(str`${what}: running…`);
      default:
        return html`${msg(str`${what}:`)} <span class=${runStatusClass(active.status ?? 'Lost')}>${active.status ? describeRunStatus(active.status) : msg('finished')}</span>`;
    }
  }

  /** The live log of the run started here (unless its log is open in the history). */
  #renderCurrentLog(): TemplateResult | typeof nothing {
    const runId = this.active?.runId;
    const logs = this.#tenantTask.value?.permissions.logs ?? false;
    if (!runId || !logs || this.openRun === runId) return nothing;
    return html`<pan-run-log class="current-log" part="current-log" run-id=${runId}></pan-run-log>`;
  }

  #renderHistory(): TemplateResult {
    return html`<div class="history">
      <p class="history__title" id="history-title">${msg('Recent runs')}</p>
      ${this.#history.render({
        pending: () =>
          this.#history.value
            ? this.#renderRuns(this.#history.value)
            : html`<p class="history__empty" aria-busy="true">${msg('Loading…')}</p>`,
        complete: (page) => this.#renderRuns(page),
        error: (error) => html`<div class="state state--error" role="alert">
          <p class="state__text">${msg(str`The run history could not be loaded: ${describeError(error)}`)}</p>
          <button type="button" class="button" @click=${() => this.#history.run()}>${msg('Retry')}</button>
        </div>`,
      })}
    </div>`;
  }

  #renderRuns(first: RunPage): TemplateResult {
    const seen = new Set(first.runs.map((r) => r.id));
    const runs = [...first.runs, ...this.older.filter((r) => !seen.has(r.id))];
    const next = this.olderNext === undefined ? first.next_before : this.olderNext;
    if (runs.length === 0) return html`<p class="history__empty">${msg('No runs yet.')}</p>`;
    const tenant = this.#tenantTask.value;
    const logs = tenant?.permissions.logs ?? false;
    const started = new Map(runs.map((r) => [r.id, r.started_at]));
    return html`<ul class="history__list" part="history" role="list" aria-labelledby="history-title">
        ${runs.map((run) => this.#renderRun(run, logs, tenant, started))}
      </ul>
      ${next
        ? html`<button
            type="button"
            class="button more"
            part="more-button"
            ?disabled=${this.loadingMore}
            @click=${() => this.#loadMore(next)}
          >
            ${this.loadingMore ? msg('Loading…') : msg('Load more')}
          </button>`
        : nothing}`;
  }

  #renderRun(run: Run, logs: boolean, tenant: Tenant | undefined, startedOf: Map<string, string>): TemplateResult {
    const open = this.openRun === run.id;
    const sources = describeSources(run.triggers.map((t) => t.source!));
    const started = new Date(run.started_at);
    const permissions = tenant?.permissions;
    const busy = Boolean(this.active && !triggerEnded(this.active.state));
    const mayReplay =
      replayable(run) && tenant?.status !== 'paused' && Boolean(run.mode === 'init' ? permissions?.run_init : permissions?.run);
    const original = run.replay_of ? startedOf.get(run.replay_of) : undefined;
    return html`<li class="run" part="run" data-run=${run.id}>
      <div class="run__summary">
        <span class=${runStatusClass(run.status)} part="run-status">${describeRunStatus(run.status)}</span>
        <time class="run__started" datetime=${run.started_at} title=${formatRelative(started)}>${formatStart(started)}</time>
        <span class="run__duration">${run.duration_ms === null ? msg('running') : formatDuration(run.duration_ms)}</span>
        <span class="run__sources">${sources}${run.mode === 'init' ? ` · ${msg('Init')}` : ''}</span>
        ${run.replay_of
          ? html`<span class="run__replay" part="run-replay" data-replay-of=${run.replay_of}
              >${original ? msg(str`Replay of the run of ${formatStart(original)}`) : msg('Replay')}</span
            >`
          : nothing}
        ${mayReplay
          ? html`<button
              type="button"
              class="button button--small run__replay-button"
              part="replay-button"
              ?disabled=${busy}
              @click=${() => this.#replay(run)}
            >
              ${msg('Replay')}<span class="sr-only"> ${msg(str`the run of ${formatStart(started)}`)}</span>
            </button>`
          : nothing}
        ${logs
          ? html`<button
              type="button"
              class="button button--small button--ghost run__log-button"
              part="log-button"
              aria-expanded=${open ? 'true' : 'false'}
              aria-controls=${`log-${run.id}`}
              @click=${() => (this.openRun = open ? '' : run.id)}
            >
              ${open ? msg('Hide log') : msg('Show log')}<span class="sr-only"> ${msg(str`of the run of ${formatStart(started)}`)}</span>
            </button>`
          : nothing}
      </div>
      <div id=${`log-${run.id}`} class="run__log">
        ${open
          ? html`<pan-run-log part="log" run-id=${run.id} ?truncated=${run.log_truncated}></pan-run-log>`
          : nothing}
      </div>
    </li>`;
  }

  async #loadMore(before: string): Promise<void> {
    if (!this.api) return;
    this.loadingMore = true;
    try {
      const page = await this.api.get<RunPage>(paths.tenantRuns(this.tenantId), {
        limit: this.#limit,
        before,
      });
      const seen = new Set(this.older.map((r) => r.id));
      this.older = [...this.older, ...page.runs.filter((r) => !seen.has(r.id))];
      this.olderNext = page.next_before;
    } catch (error) {
      this.problem = () => msg(str`Older runs could not be loaded: ${describeError(error)}`);
    } finally {
      this.loadingMore = false;
    }
  }

  async #runNow(tenant: Tenant, mode: Mode): Promise<void> {
    if (!this.api) return;
    const active: ActiveRun = { mode, tenantId: tenant.id, triggerId: '', state: 'starting', runId: null, status: null };
    this.active = active;
    this.problem = undefined;
    try {
      active.triggerId = await startRun(this.api, tenant.id, mode);
    } catch (error) {
      if (this.active === active) this.active = undefined;
      this.problem = () => describeError(error);
      return;
    }
    if (this.active !== active) return;
    this.active = { ...active, state: 'pending' };
    this.emit('pan-run-start', { detail: { tenantId: tenant.id, triggerId: active.triggerId, mode } });
    await this.#followTrigger(this.active);
  }

  /** Replays a failed run of the history: follows its first new trigger as Run now does. */
  async #replay(run: Run): Promise<void> {
    if (!this.api) return;
    const mode: Mode = run.mode === 'init' ? 'init' : 'normal';
    const active: ActiveRun = { mode, tenantId: run.tenant_id, triggerId: '', replayOf: run.id, state: 'starting', runId: null, status: null };
    this.active = active;
    this.problem = undefined;
    try {
      const accepted = await this.api.request<ReplayAccepted>('POST', paths.runReplay(run.id));
      active.triggerId = accepted.trigger_id;
    } catch (error) {
      if (this.active === active) this.active = undefined;
      this.problem = () => msg(str`The run could not be replayed: ${describeError(error)}`);
      return;
    }
    if (this.active !== active) return;
    this.active = { ...active, state: 'pending' };
    this.emit('pan-run-start', { detail: { tenantId: run.tenant_id, triggerId: active.triggerId, mode, replayOf: run.id } });
    this.refresh();
    await this.#followTrigger(this.active);
  }

  async #followTrigger(active: ActiveRun): Promise<void> {
    if (!this.api) return;
    const follow = new AbortController();
    this.#follow?.abort();
    this.#follow = follow;
    const { tenantId } = active;
    const update = (status: TriggerStatus) => {
      const current = this.active;
      if (current?.triggerId !== active.triggerId) return;
      this.active = { ...current, state: status.state, runId: status.run_id, status: status.run_status };
    };
    try {
      const final = await followTrigger(this.api, active.triggerId, {
        signal: follow.signal,
        onChange: (status) => {
          update(status);
          if (status.state === 'running') this.refresh();
        },
      });
      this.refresh();
      if (final.run_id && final.run_status) {
        this.emit('pan-run-complete', { detail: { tenantId, runId: final.run_id, status: final.run_status } });
      }
    } catch (error) {
      if (follow.signal.aborted) return;
      this.problem = () => msg(str`The run's state could not be followed: ${describeError(error)}`);
    } finally {
      if (this.#follow === follow) this.#follow = undefined;
    }
  }
}
