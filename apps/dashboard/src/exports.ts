import { h } from './dom.js';
import { bytes, integer } from './format.js';
import { describeError, RequestFailed, type GraphQLClient, type GraphQLErrorEntry } from './graphql-client.js';
import { CANCEL_EXPORT, EXPORT_PROGRESS, START_EXPORT, type ExportOperation, type StartExportInput } from './operations.js';

const POLL_MS = 500;

/**
 * One export operation started from the page, shown in its slot: its progress while it
 * runs (polling `export(id)`), a cancel button, then links to its files. The slot's
 * `data-export-state` is the operation's state (or ERROR when it could not be followed).
 */
export class ExportRun {
  private operation: ExportOperation | null = null;
  private stopped = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private progress: { text: HTMLParagraphElement; bar: HTMLProgressElement; cancel: HTMLButtonElement } | null = null;

  constructor(
    private readonly client: GraphQLClient,
    private readonly slot: HTMLElement,
    private readonly what: string,
  ) {}

  async start(input: StartExportInput): Promise<void> {
    this.render(`Starting the export of ${this.what} (${input.format})…`);
    this.slot.dataset.exportState = 'STARTING';
    const answer = await this.call<{ startExport: ExportOperation | null }>(START_EXPORT, { input });
    if (answer) this.follow(answer.startExport);
  }

  /** Stops following (the slot is reused for another export); the operation itself goes on. */
  detach(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.stopped || !this.operation) return;
    const answer = await this.call<{ export: ExportOperation | null }>(EXPORT_PROGRESS, { id: this.operation.id });
    if (answer) this.follow(answer.export);
  }

  private async cancel(): Promise<void> {
    if (!this.operation) return;
    const answer = await this.call<{ cancelExport: ExportOperation | null }>(CANCEL_EXPORT, { id: this.operation.id });
    if (answer) this.follow(answer.cancelExport);
  }

  private follow(operation: ExportOperation | null): void {
    if (this.stopped) return;
    if (!operation) return this.fail([{ message: `the gateway answered no operation for the export of ${this.what}` }]);
    this.operation = operation;
    this.slot.dataset.exportState = operation.metadata.state;
    this.slot.dataset.operationId = operation.id;
    if (this.timer) clearTimeout(this.timer);
    if (!operation.done) {
      this.showProgress(operation);
      this.timer = setTimeout(() => void this.poll(), POLL_MS);
    } else if (operation.metadata.state === 'SUCCEEDED' && operation.response) this.showFiles(operation, operation.response);
    else if (operation.metadata.state === 'CANCELLED') this.render(`The export of ${this.what} was cancelled; its files were removed.`);
    else this.fail([{ message: operation.error?.detail ?? `the export ended ${operation.metadata.state}`, extensions: { code: operation.error?.code ?? operation.metadata.state } }]);
  }

  /** Updated in place, not redrawn: the cancel button keeps its focus, and a click is never lost to a redraw. */
  private showProgress({ metadata }: ExportOperation): void {
    if (!this.progress) {
      const cancel = h('button', { type: 'button', class: 'secondary' }, 'Cancel export');
      cancel.addEventListener('click', () => {
        cancel.disabled = true;
        void this.cancel();
      });
      this.progress = { text: h('p', {}), bar: h('progress', { max: 100, value: 0, 'aria-label': `Export of ${this.what}` }), cancel };
      this.slot.replaceChildren(this.progress.text, this.progress.bar, cancel);
    }
    const rows = metadata.totalRows === null ? `${integer(metadata.rowsWritten)} rows` : `${integer(metadata.rowsWritten)} of ${integer(metadata.totalRows)} rows`;
    const label = metadata.state === 'QUEUED' ? 'queued' : metadata.cancelRequested ? 'cancelling' : 'running';
    this.progress.text.textContent = `Export of ${this.what} (${metadata.format.toUpperCase()}) ${label}: ${rows} (${metadata.percent} %)`;
    this.progress.bar.value = metadata.percent;
    if (metadata.cancelRequested) this.progress.cancel.disabled = true;
  }

  private showFiles(operation: ExportOperation, response: NonNullable<ExportOperation['response']>): void {
    const links = response.files.map((file) => {
      const name = file.path.split('/').at(-1)!;
      const link = h('a', { href: file.location, download: name, 'data-rows': file.rows, class: 'download' }, `Download ${name}`);
      link.addEventListener('click', (event) => void this.download(event, link, name));
      return h('li', {}, link, ` (${integer(file.rows)} rows, ${bytes(file.bytes)})`);
    });
    this.progress = null;
    this.slot.replaceChildren(
      h('p', {}, `Export of ${this.what} done: ${integer(response.rows)} rows in ${response.files.length === 1 ? 'one file' : `${response.files.length} files`} (${operation.metadata.format.toUpperCase()}).`),
      response.files.length ? h('ul', { class: 'files' }, ...links) : h('p', {}, 'No rows in this period: no file.'),
    );
  }

  /** With an API key the link alone would be refused (401): fetch it with the key and save what came. */
  private async download(event: MouseEvent, link: HTMLAnchorElement, name: string): Promise<void> {
    const headers = this.client.authorization();
    if (!headers.authorization) return;
    event.preventDefault();
    try {
      const response = await fetch(link.href, { headers });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { errors?: GraphQLErrorEntry[] } | null;
        this.note(body?.errors?.[0] ? describeError(body.errors[0]) : `the download failed: ${response.status} ${response.statusText}`);
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const save = h('a', { href: url, download: name, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      this.note(`the download failed: ${(error as Error).message}`);
    }
  }

  /** A GraphQL call of the export; its errors end the run, shown in the slot. */
  private async call<T>(document: string, variables: object): Promise<T | null> {
    try {
      const answer = await this.client.request<T>(document, variables);
      if (answer.errors.length || !answer.data) {
        this.fail(answer.errors);
        return null;
      }
      return answer.data;
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      this.fail([error]);
      return null;
    }
  }

  private fail(errors: Array<GraphQLErrorEntry | RequestFailed>): void {
    if (this.stopped) return;
    this.slot.dataset.exportState = 'ERROR';
    this.progress = null;
    this.slot.replaceChildren(h('div', { class: 'error', role: 'alert' }, h('p', {}, `The export of ${this.what} failed:`), h('ul', {}, ...errors.map((error) => h('li', {}, describeError(error))))));
  }

  private note(text: string): void {
    this.slot.append(h('p', { class: 'error', role: 'alert' }, text));
  }

  private render(text: string): void {
    this.progress = null;
    this.slot.replaceChildren(h('p', {}, text));
  }
}
