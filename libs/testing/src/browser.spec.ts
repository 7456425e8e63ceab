import { describe, expect, it } from 'vitest';
import { browserAvailability } from './browser.js';

const nowhere = () => false;
const everywhere = () => true;

describe('browserAvailability', () => {
  it('finds Debian’s chromium by default, or the browser CHROMIUM_PATH names', () => {
    expect(browserAvailability({}, everywhere)).toEqual({ available: true, executablePath: '/usr/bin/chromium' });
    expect(browserAvailability({ CHROMIUM_PATH: '/opt/chrome' }, (path) => path === '/opt/chrome')).toEqual({ available: true, executablePath: '/opt/chrome' });
  });

  it('without a browser, skips with one line that says why and how to run them', () => {
    const result = browserAvailability({}, nowhere);
    expect(result).toEqual({
      available: false,
      skipReason:
        "browser tests skipped: no Chromium at /usr/bin/chromium. Install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH to run them; REQUIRE_BROWSER_TESTS=1 makes a missing browser fail.",
    });
  });

  it('with REQUIRE_BROWSER_TESTS=1, a missing browser is a failure, not a skip', () => {
    expect(() => browserAvailability({ REQUIRE_BROWSER_TESTS: '1' }, nowhere)).toThrow('REQUIRE_BROWSER_TESTS=1 but no Chromium at /usr/bin/chromium');
  });
});
