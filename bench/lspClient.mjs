// The benchmarks' LSP client (bench.mjs, safety.mjs): no dependency, so it times the server alone.

/** A minimal LSP client over stdio: framing, requests, and waiting for notifications. */
export class LspClient {
  constructor(child, onServerRequest) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.waiters = [];
    this.buffer = Buffer.alloc(0);
    /** Chunks received after `buffer`, joined only once a whole message is there (diagnostics run to a megabyte). */
    this.chunks = [];
    this.chunkBytes = 0;
    this.needed = 0;
    this.onServerRequest = onServerRequest;
    child.stdout.on('data', (chunk) => this.receive(chunk));
  }
  send(message) {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    this.child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }
  request(method, params) {
    return this.timedRequest(method, params).then(({ result }) => result);
  }
  /** `request`, resolving with `{ result, at }`: `at` when the answer was read. */
  timedRequest(method, params) {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  notify(method, params) {
    this.send({ method, params });
  }
  /** Resolves with the first notification after now for which `match(params)` holds; `cancel()` on the promise stops waiting. */
  waitFor(method, match, timeoutMs = 30000) {
    let cancel;
    const waiting = new Promise((resolve, reject) => {
      const waiter = { method, match, resolve };
      const stop = () => (this.waiters = this.waiters.filter((w) => w !== waiter));
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out waiting for ${method}`));
      }, timeoutMs);
      waiter.resolve = (params) => {
        clearTimeout(timer);
        resolve(params);
      };
      cancel = () => (clearTimeout(timer), stop());
      this.waiters.push(waiter);
    });
    waiting.cancel = cancel;
    return waiting;
  }
  /**
   * Call right after the didChange of `version` of `uri`: resolves once the server has analysed that
   * version, with `{ at, params }`: its publishDiagnostics, or, when the server leaves that publish
   * out (the same diagnostics at the same places: the editor shows them already), `params` undefined
   * and `at` when a hover sent right after the change (at `position`) was answered, which the server
   * does once the version is analysed. A publish of the version is written before the server reads a
   * request sent after that answer: a second hover tells a publish left out from one still to come.
   */
  async analysed(uri, version, position, timeoutMs = 120000) {
    let publish;
    const published = this.waitFor('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === version, timeoutMs);
    published.then((p) => (publish = p), () => undefined);
    const hover = () => this.timedRequest('textDocument/hover', { textDocument: { uri }, position });
    const answered = await hover();
    if (!publish) await hover();
    if (publish) return publish;
    published.cancel();
    return { at: answered.at, params: undefined };
  }
  /** Calls `listener(params, at)` on every notification `method`, before a waiter takes it. */
  listen(method, listener) {
    (this.listeners ??= []).push({ method, listener });
  }
  receive(chunk) {
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    if (this.buffer.length + this.chunkBytes < this.needed) return;
    this.buffer = Buffer.concat([this.buffer, ...this.chunks]);
    this.chunks = [];
    this.chunkBytes = 0;
    this.needed = 0;
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) {
        this.needed = headerEnd + 4 + length;
        return;
      }
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(message);
    }
  }
  dispatch(message) {
    const at = performance.now();
    if (message.method && message.id !== undefined) {
      this.send({ id: message.id, result: this.onServerRequest(message.method, message.params) });
    } else if (message.method) {
      for (const { method, listener } of this.listeners ?? []) if (method === message.method) listener(message.params, at);
      const waiter = this.waiters.find((w) => w.method === message.method && w.match(message.params));
      if (waiter) {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve({ params: message.params, at });
      }
    } else if (this.pending.has(message.id)) {
      const { resolve, reject } = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) reject(new Error(message.error.message));
      else resolve({ result: message.result, at });
    }
  }
}
