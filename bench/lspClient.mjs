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
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  notify(method, params) {
    this.send({ method, params });
  }
  /** Resolves with the first notification after now for which `match(params)` holds. */
  waitFor(method, match, timeoutMs = 30000) {
    return new Promise((resolve, reject) => {
      const waiter = { method, match, resolve };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${method}`));
      }, timeoutMs);
      waiter.resolve = (params) => {
        clearTimeout(timer);
        resolve(params);
      };
      this.waiters.push(waiter);
    });
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
      else resolve(message.result);
    }
  }
}
