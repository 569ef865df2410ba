import { consume } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { RunLogLine, RunStatus } from '@pan/contract';
import { followRunLog, RunLogStreamError } from '@pan/contract/run-log-stream';
import { PanApiError, type RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { formatDate } from '../../internal/format.ts';
import { msg, renderIn, resolveLocale, str } from '../../internal/locale.ts';
import { describeRunStatus, runStatusClass, runStatusStyles } from '../../internal/run-status.ts';

import { baseStyles, buttonStyles } from '../../internal/shared.styles.ts';
import { describeError } from '../../internal/views.ts';
import { parseAnsi, PLAIN, stripAnsi, type AnsiStyle } from './ansi.ts';
import styles from './run-log.styles.ts';
import * as paths from '@pan/contract/paths';

type Connection = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended' | 'error';

/** Lines added to the page per animation frame: thousands of lines arrive without freezing it. */
const LINES_PER_FRAME = 400;
/** How close to the bottom (px) still counts as following the tail. */
const TAIL_SLACK = 16;
const TRUNCATED = /^\[pan\] log truncated\b/;

/** A line's time, in the locale of the element rendering (see `renderIn`). */
const formatLineTime = (at: Date): string =>
  formatDate(at, { hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3, hourCycle: 'h23' });

/**
 * @summary The log of one run, live: its lines as the run writes them (Server-Sent Events, resumed
 * after a dropped connection), each with its time and its ANSI colours; following the tail until
 * the user scrolls up. Copy and Download (the whole log as text).
 *
 * @csspart base - The wrapper of everything.
 * @csspart toolbar - The status and the buttons above the lines.
 * @csspart status - The connection state, then the run's final status.
 * @csspart copy-button - Copies the log to the clipboard.
 * @csspart download-button - Downloads the log as a text file.
 * @csspart truncated - The note shown when the log was cut at the size limit.
 * @csspart lines - The scrolling log (`role="log"`).
 * @csspart line - One line.
 * @csspart line-time - Its time.
 * @csspart line-text - Its text.
 * @csspart jump-button - "Jump to latest", shown once the user scrolled up.
 * @csspart error - Why the log could not be shown, with Retry.
 *
 * @cssproperty --pan-run-log-height - The log's maximum height before it scrolls (default 24rem).
 * @cssproperty --pan-run-log-background - The log's background (default near black).
 * @cssproperty --pan-run-log-color - Its text colour.
 * @cssproperty --pan-run-log-time-color - The colour of the times.
 * @cssproperty --pan-run-log-font-family - Its monospace font stack.
 * @cssproperty --pan-run-log-font-size - Its font size (default `--pan-font-size-xs`).
 * @cssproperty --pan-run-log-red - An ANSI colour (also -black, -green, -yellow, -blue, -magenta,
 *   -cyan, -white and their -bright- variants, e.g. `--pan-run-log-bright-red`).
 * @cssproperty --pan-radius-m - Global token: the log's corner radius.
 * @cssproperty --pan-space-xs - Global token: spacing (also -2xs, -s).
 *
 * @cssstate following - The log follows the tail (the user did not scroll up).
 * @cssstate ended - The run ended and every line is shown.
 */
export class PanRunLog extends PanElement {
  static override styles = [baseStyles, buttonStyles, runStatusStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @property({ attribute: false })
  api?: RunApiClient;

  @property({ attribute: 'run-id' }) runId = '';

  /** The log was cut at the size limit (`Run.log_truncated`); also found from the log's last line. */
  @property({ type: Boolean }) truncated = false;

  @state() private connection: Connection = 'idle';
  @state() private status: RunStatus | undefined;
  /** The problem and the note are worded at render, in the element's language then. */
  @state() private problem: (() => string) | undefined;
  @state() private following = true;
  @state() private note: (() => string) | undefined;
  /** The locale the line times are written in. */
  #timesLocale = '';
  @state() private foundTruncation = false;
  @state() private count = 0;

  /** Every line received (what Copy copies), rendered or not yet. */
  #lines: RunLogLine[] = [];
  /** Lines received but not on the page yet (see LINES_PER_FRAME). */
  #pending: RunLogLine[] = [];
  #style: AnsiStyle = PLAIN;
  #frame = 0;
  #abort: AbortController | undefined;
  #streamingRun = '';

  /** The text of the log: one line per log line, its time then its text (without escape codes). */
  get text(): string {
    return this.#lines.map((l) => `${l.at} ${stripAnsi(l.line)}`).join('\n');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasUpdated) return;
    // Connected again after a move: draw what is pending, resume after the last line received.
    if (this.#pending.length) this.#frame = requestAnimationFrame(this.#draw);
    if (this.#streamingRun === this.runId && this.connection !== 'ended' && this.connection !== 'error') this.#start(true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#stop();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A new run (or the first API client): start over. A renewed client keeps the stream going.
    if ((changed.has('runId') || changed.has('api')) && (this.runId !== this.#streamingRun || !this.#abort)) {
      this.#reset();
      this.#start(false);
    }
  }

  protected override updated(): void {
    // Drawn outside render (by batches), the line times follow a change of language here.
    const locale = resolveLocale(this);
    if (locale !== this.#timesLocale) {
      this.#timesLocale = locale;
      renderIn(this, () => {
        for (const time of this.renderRoot.querySelectorAll<HTMLTimeElement>('time.line__time')) {
          const at = new Date(time.dateTime);
          if (!Number.isNaN(at.getTime())) time.textContent = formatLineTime(at);
        }
      });
    }
    this.toggleState('following', this.following);
    this.toggleState('ended', this.connection === 'ended' && this.#pending.length === 0);
  }

  override render() {
    const truncated = this.truncated || this.foundTruncation;
    return html`<div class="run-log" part="base">
      <div class="toolbar" part="toolbar">
        <span class="toolbar__status" part="status" role="status" aria-live="polite" aria-atomic="true">${this.#renderStatus()}</span>
        <span class="toolbar__note" role="status">${this.note?.() ?? ''}</span>
        <button type="button" class="button button--small" part="copy-button" ?disabled=${this.count === 0} @click=${this.#copy}>
          ${msg('Copy')}
        </button>
        <button type="button" class="button button--small" part="download-button" ?disabled=${!this.runId} @click=${this.#download}>
          ${msg('Download')}
        </button>
      </div>
      ${truncated
        ? html`<p class="truncated" part="truncated">
            ${msg('The log was cut at its size limit: its last lines were not kept.')}
          </p>`
        : nothing}
      <div class="log">
        <div
          class="lines"
          part="lines"
          role="log"
          aria-live="polite"
          aria-label=${msg('Run log')}
          tabindex="0"
          @scroll=${this.#onScroll}
        ></div>
        ${this.following
          ? nothing
          : html`<button type="button" class="button button--small jump" part="jump-button" @click=${this.jumpToLatest}>
              ${msg('Jump to latest')}
            </button>`}
      </div>
      ${this.connection === 'ended' && this.count === 0 && this.#pending.length === 0
        ? html`<p class="empty">${msg('This run wrote no log lines.')}</p>`
        : nothing}
      ${this.problem
        ? html`<div class="error" part="error" role="alert">
            <span>${this.problem()}</span>
            <button type="button" class="button button--small" @click=${() => this.#start(true)}>${msg('Retry')}</button>
          </div>`
        : nothing}
    </div>`;
  }

  /** Scrolls to the last line and follows the tail again. */
  jumpToLatest = (): void => {
    const lines = this.#linesElement;
    if (!lines) return;
    lines.scrollTop = lines.scrollHeight;
    this.following = true;
    lines.focus({ preventScroll: true });
  };

  #renderStatus() {
    if (this.status) return html`<span class=${runStatusClass(this.status)}>${describeRunStatus(this.status)}</span>`;
    switch (this.connection) {
      case 'connecting':
        return msg('Connecting…');
      case 'reconnecting':
        return msg('Reconnecting…');
      case 'live':
        return msg('Live');
      default:
        return '';
    }
  }

  get #linesElement(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('[part="lines"]');
  }

  #reset(): void {
    this.#stop();
    this.#lines = [];
    this.#pending = [];
    this.#style = PLAIN;
    this.count = 0;
    this.status = undefined;
    this.problem = undefined;
    this.note = undefined;
    this.foundTruncation = false;
    this.following = true;
    this.connection = 'idle';
    this.#linesElement?.replaceChildren();
  }

  #start(resume: boolean): void {
    this.#abort?.abort();
    const { api, runId } = this;
    this.#streamingRun = runId;
    if (!api || !runId) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.problem = undefined;
    this.connection = 'connecting';
    const path = paths.runLog(runId);
    followRunLog(
      {
        lines: (lines) => this.#receive(lines),
        connected: () => {
          this.connection = 'live';
        },
        reconnecting: () => {
          this.connection = 'reconnecting';
        },
      },
      {
        // Through the client: the token goes in its Authorization header, renewed when it expired.
        open: (headers, signal) => api.send('GET', path, { headers, signal }),
        signal: abort.signal,
        after: resume ? (this.#lines.at(-1)?.seq ?? 0) : 0,
        maxFailures: 6,
        replayIfResumeBlocked: true,
      },
    ).then(
      (status) => {
        this.status = status;
        this.connection = 'ended';
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        // Given up after the stream kept dropping: say so as for any unreachable API.
        const reason = error instanceof RunLogStreamError ? new PanApiError(0, 'PAN_ERR_NETWORK', error.message) : error;
        this.connection = 'error';
        this.problem = () => msg(str`The log could not be shown: ${describeError(reason, msg('This run is not available any more.'))}`);
      },
    );
  }

  #stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    // Lines received but not drawn yet stay pending: drawn when connected again.
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #receive(lines: RunLogLine[]): void {
    this.#lines.push(...lines);
    this.#pending.push(...lines);
    if (!this.#frame) this.#frame = requestAnimationFrame(this.#draw);
  }

  /** Draws the next batch of pending lines, then asks for another frame while any are left. */
  #draw = (): void => {
    this.#frame = 0;
    const container = this.#linesElement;
    if (!container) return;
    const batch = this.#pending.splice(0, LINES_PER_FRAME);
    const fragment = document.createDocumentFragment();
    renderIn(this, () => {
      for (const line of batch) fragment.append(this.#lineNode(line));
    });
    container.append(fragment);
    this.count += batch.length;
    if (this.following) container.scrollTop = container.scrollHeight;
    if (this.#pending.length) this.#frame = requestAnimationFrame(this.#draw);
  };

  /** One line as nodes: its text only ever goes in as text. */
  #lineNode(line: RunLogLine): HTMLElement {
    const row = document.createElement('div');
    row.className = 'line';
    row.setAttribute('part', 'line');
    row.dataset.seq = String(line.seq);
    const time = document.createElement('time');
    time.className = 'line__time';
    time.setAttribute('part', 'line-time');
    time.dateTime = line.at;
    const at = new Date(line.at);
    time.textContent = Number.isNaN(at.getTime()) ? line.at : formatLineTime(at);
    const text = document.createElement('span');
    text.className = 'line__text';
    text.setAttribute('part', 'line-text');
    const { segments, style } = parseAnsi(line.line, this.#style);
    this.#style = style;
    for (const segment of segments) {
      if (!segment.classes) {
        text.append(segment.text);
        continue;
      }
      const span = document.createElement('span');
      span.className = segment.classes;
      span.textContent = segment.text;
      text.append(span);
    }
    if (TRUNCATED.test(line.line)) {
      this.foundTruncation = true;
      row.classList.add('line--pan');
    }
    row.append(time, ' ', text);
    return row;
  }

  #onScroll = (): void => {
    const lines = this.#linesElement;
    if (!lines) return;
    const atBottom = lines.scrollHeight - lines.scrollTop - lines.clientHeight <= TAIL_SLACK;
    if (atBottom !== this.following) this.following = atBottom;
  };

  #copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(this.text);
      this.note = () => msg('Copied.');
    } catch {
      this.note = () => msg('Copy failed: select the lines and copy them instead.');
    }
  };

  #download = async (): Promise<void> => {
    if (!this.api || !this.runId) return;
    this.note = undefined;
    try {
      const response = await this.api.send('GET', paths.runLog(this.runId), {
        headers: { Accept: 'text/plain' },
      });
      const blob = await response.blob();
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `run-${this.runId}.log`;
      link.hidden = true;
      this.renderRoot.append(link);
      link.click();
      link.remove();
      // Revoked once the browser had time to start the download.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.note = () => msg(str`Download failed: ${describeError(error)}`);
    }
  };
}
