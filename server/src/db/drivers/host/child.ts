/**
 * Entry of a database host process (forked by HostDriver): opens one
 * database and answers its requests one at a time, in order.
 */
import type { AsyncBackend } from './pglite-backend';
import { pgliteBackend } from './pglite-backend';
import type { HostRequest, HostResponse } from './protocol';
import { sqliteBackend } from './sqlite-backend';

let backend: AsyncBackend | undefined;
let queue: Promise<void> = Promise.resolve();

async function handle(request: HostRequest): Promise<unknown> {
  switch (request.op) {
    case 'open': {
      if (request.backend === 'pglite') backend = await pgliteBackend(request);
      else {
        const sync = sqliteBackend(request);
        backend = { open: async () => sync.open(), query: async (q) => sync.query(q), exec: async (s) => sync.exec(s) };
      }
      return backend.open();
    }
    case 'query':
      if (!backend) throw new Error('database not open');
      return backend.query(request);
    case 'exec':
      if (!backend) throw new Error('database not open');
      await backend.exec(request.sql);
      return null;
  }
}

function reply(response: HostResponse): void {
  process.send?.(response);
}

process.on('message', (request: HostRequest) => {
  queue = queue.then(async () => {
    try {
      const result = await handle(request);
      reply({ id: request.id, ok: true, result: result as never });
    } catch (e) {
      const err = e as Error & { code?: unknown };
      reply({ id: request.id, ok: false, error: { message: err?.message ?? String(e), code: typeof err?.code === 'string' ? err.code : undefined } });
    }
  });
});

// The server went away (crash, kill): nothing left to serve.
process.on('disconnect', () => process.exit(0));
