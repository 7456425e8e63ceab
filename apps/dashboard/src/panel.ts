import { h } from './dom.js';
import { clockTime, duration } from './format.js';
import { describeError, RequestFailed, type GraphQLErrorEntry } from './graphql-client.js';
import type { Freshness } from './operations.js';

export type PanelState = 'idle' | 'loading' | 'ready' | 'empty' | 'error';

/**
 * One panel of the page: its state (`data-state`, for people as text and for tests as
 * the attribute), where its data came from, and its content. A new load aborts the one
 * before, so a late answer for an old period never lands on a new one.
 */
export class Panel {
  readonly body: HTMLElement;
  readonly exportSlot: HTMLElement;
  private readonly status: HTMLElement;
  private readonly freshness: HTMLElement;
  private controller: AbortController | null = null;

  constructor(readonly root: HTMLElement) {
    const part = (name: string) => {
      const element = root.querySelector<HTMLElement>(`.${name}`);
      if (!element) throw new Error(`panel #${root.id} has no .${name}`);
      return element;
    };
    this.body = part('panel-body');
    this.status = part('panel-status');
    this.freshness = part('freshness');
    this.exportSlot = part('export-status');
  }

  /** Starts a load: the signal aborts when the next one starts. */
  begin(): AbortSignal {
    this.controller?.abort();
    this.controller = new AbortController();
    this.setState('loading', 'Loading…');
    this.root.setAttribute('aria-busy', 'true');
    return this.controller.signal;
  }

  idle(text: string): void {
    this.controller?.abort();
    this.setState('idle', text);
    this.body.replaceChildren();
    this.freshness.replaceChildren();
    delete this.freshness.dataset.source;
  }

  /** The panel's report failed: every error with its code, and nothing that would look like data. */
  fail(errors: Array<GraphQLErrorEntry | RequestFailed>): void {
    this.setState('error', '');
    this.status.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, 'This panel could not be loaded:'), h('ul', {}, ...errors.map((error) => h('li', {}, describeError(error))))));
    this.body.replaceChildren();
  }

  empty(text: string): void {
    this.setState('empty', text);
    this.body.replaceChildren();
  }

  ready(warnings: GraphQLErrorEntry[] = []): void {
    this.setState('ready', '');
    // Errors beside data (a customer the customers service could not name): shown, not swallowed.
    if (warnings.length) this.status.replaceChildren(h('ul', { class: 'warning', role: 'status' }, ...warnings.map((warning) => h('li', {}, describeError(warning)))));
  }

  /** Which source answered and how old its data is; `reason` when AUTO went live. */
  showFreshness(freshness: Freshness | undefined, fetchedAt: Date, liveOnly?: string): void {
    const at = `at ${clockTime(fetchedAt)}`;
    if (!freshness) {
      delete this.freshness.dataset.source;
      this.freshness.replaceChildren(...(liveOnly ? [h('span', { class: 'source live' }, 'Live'), ` (${liveOnly}), ${at}`] : []));
      if (liveOnly) this.freshness.dataset.source = 'LIVE';
      return;
    }
    this.freshness.dataset.source = freshness.source;
    this.freshness.dataset.lagSeconds = String(freshness.lagSeconds ?? '');
    if (freshness.source === 'REPORTING') {
      this.freshness.replaceChildren(h('span', { class: 'source store' }, 'Reporting store'), `, ${freshness.lagSeconds === null ? 'lag unknown' : `${duration(freshness.lagSeconds)} behind the services`}, ${at}`);
    } else {
      this.freshness.replaceChildren(
        h('span', { class: 'source live' }, 'Live'),
        `: from the services, ${at}`,
        ...(freshness.reason ? [h('span', { class: 'reason' }, ` Switched to live: ${freshness.reason}.`)] : []),
      );
    }
  }

  private setState(state: PanelState, text: string): void {
    this.root.dataset.state = state;
    if (state !== 'loading') this.root.removeAttribute('aria-busy');
    this.status.replaceChildren(text ? h('p', { class: state === 'loading' ? 'loading' : 'note' }, text) : '');
  }
}
