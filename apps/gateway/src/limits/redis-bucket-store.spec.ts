import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { within } from './redis-bucket-store.js';

/** An echo server in a process of its own, as Redis is: it answers while this one is busy. */
let echo: ChildProcess;
let echoPort: number;
beforeAll(async () => {
  echo = spawn(process.execPath, ['-e', "require('node:net').createServer((s) => s.pipe(s)).listen(0, '127.0.0.1', function () { console.log(this.address().port); })"]);
  const [line] = (await once(echo.stdout!, 'data')) as [Buffer];
  echoPort = Number(line.toString().trim());
});
afterAll(() => {
  echo?.kill();
});

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('within', () => {
  it('rejects an answer that does not come in time', async () => {
    await expect(within(new Promise(() => {}), 20)).rejects.toThrow('no answer within 20 ms');
  });

  it('takes an answer that arrived while the event loop was busy past the time: a busy gateway is not a slow Redis', async () => {
    const socket = connect(echoPort, '127.0.0.1');
    try {
      await once(socket, 'connect');
      const answer = new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(chunk.toString())));
      const waited = within(answer, 20);
      socket.write('PONG');
      // Rendering a large response: the echo comes back meanwhile, and the 20 ms run out.
      busyFor(100);
      await expect(waited).resolves.toBe('PONG');
    } finally {
      socket.destroy();
    }
  });
});
