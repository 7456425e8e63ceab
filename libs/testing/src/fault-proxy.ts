import { createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to a request it matches:
 * - `unavailable`: answers 503 without forwarding (a service restarting behind a load balancer);
 * - `hang`: holds the request unanswered until the fault is lifted or the caller gives up;
 * - `refuse`: resets the connection without forwarding (nothing listening);
 * - `lose-answer`: forwards the request, lets the service do it, then resets the connection
 *   instead of answering (the effect happened; the caller cannot know).
 */
export type Fault = 'unavailable' | 'hang' | 'refuse' | 'lose-answer';

/**
 * An HTTP proxy in front of a real service, for fault injection at the HTTP edge: the
 * service and its database stay untouched, the caller sees what a network or a sick
 * instance would do to it.
 */
export class FaultProxy {
  /** Requests that reached the proxy, as `METHOD path`, faulty or not. */
  readonly seen: string[] = [];
  private fault: { kind: Fault; matches: RegExp } | undefined;
  private readonly held = new Set<ServerResponse>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: URL,
  ) {}

  static async start(targetUrl: string): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, new URL(targetUrl));
    server.on('request', (request, response) => proxy.handle(request, response));
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.once('close', () => proxy.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** From now on, requests whose `METHOD path` matches get the fault. */
  inject(kind: Fault, matches: RegExp = /./): void {
    this.fault = { kind, matches };
  }

  /** Back to forwarding everything; requests held by `hang` are released to the service. */
  heal(): void {
    this.fault = undefined;
    for (const response of this.held) response.destroy();
    this.held.clear();
  }

  async close(): Promise<void> {
    this.heal();
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const line = `${request.method} ${request.url}`;
    this.seen.push(line);
    const fault = this.fault?.matches.test(line) ? this.fault.kind : undefined;
    if (fault === 'unavailable') {
      request.resume();
      response.writeHead(503, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'injected by the test' }));
      return;
    }
    if (fault === 'hang') {
      request.resume();
      this.held.add(response);
      response.once('close', () => this.held.delete(response));
      return;
    }
    if (fault === 'refuse') {
      request.socket.destroy();
      return;
    }
    const upstream = forward(
      { host: this.target.hostname, port: this.target.port, method: request.method, path: request.url, headers: { ...request.headers, host: this.target.host } },
      (answer) => {
        if (fault === 'lose-answer') {
          answer.resume();
          answer.once('end', () => request.socket.destroy());
          return;
        }
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  }
}
