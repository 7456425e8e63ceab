import type { KeyStore } from './graphql-client.js';

const STORAGE_KEY = 'tributary.dashboard.apiKey';

export interface ApiKeyElements {
  section: HTMLElement;
  form: HTMLFormElement;
  input: HTMLInputElement;
  message: HTMLElement;
  forget: HTMLButtonElement;
  toggle: HTMLButtonElement;
}

/**
 * The API key, when the gateway wants one (GATEWAY_AUTH=required, production): asked
 * for on the first 401, kept in this tab's sessionStorage (gone when the tab closes),
 * sent as `Authorization: Bearer <key>`. In development no key is needed and none is asked.
 */
export class ApiKeyPrompt implements KeyStore {
  constructor(
    private readonly elements: ApiKeyElements,
    /** A new key was entered or the key was forgotten: load everything again. */
    private readonly changed: () => void,
  ) {
    elements.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const key = elements.input.value.trim();
      if (!key) return;
      sessionStorage.setItem(STORAGE_KEY, key);
      elements.input.value = '';
      this.show(false);
      this.changed();
    });
    elements.forget.addEventListener('click', () => {
      sessionStorage.removeItem(STORAGE_KEY);
      this.say('The key is forgotten: requests go without one.', 'note');
      this.updateToggle();
      this.changed();
    });
    elements.toggle.addEventListener('click', () => this.show(elements.section.hidden !== false));
    this.updateToggle();
  }

  get(): string | null {
    return sessionStorage.getItem(STORAGE_KEY);
  }

  /** The gateway answered 401: ask for a key, saying why. */
  ask(gatewayMessage: string, keySent: boolean): void {
    this.say(
      keySent
        ? `The gateway refused this API key (401): ${gatewayMessage}. Enter another key.`
        : `This gateway requires an API key (401: ${gatewayMessage}). Enter your key to see the reports.`,
      'error',
    );
    this.show(true);
    this.elements.input.focus();
  }

  private say(text: string, kind: 'error' | 'note'): void {
    this.elements.message.textContent = text;
    this.elements.message.className = kind;
    this.elements.section.dataset.auth = kind === 'error' ? 'needed' : 'ok';
  }

  private show(visible: boolean): void {
    this.elements.section.hidden = !visible;
    this.updateToggle();
  }

  private updateToggle(): void {
    this.elements.toggle.setAttribute('aria-expanded', String(!this.elements.section.hidden));
    this.elements.toggle.textContent = this.get() ? 'API key (set)' : 'API key';
  }
}
