/** A small router on node:http, enough for the example's endpoints (no framework needed). */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface Request {
  params: Record<string, string>;
  query: URLSearchParams;
}

export interface Response {
  json(body: unknown, status?: number): void;
}

type Handler = (req: Request, res: Response) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  get(path: string, handler: Handler): void {
    this.add('GET', path, handler);
  }

  post(path: string, handler: Handler): void {
    this.add('POST', path, handler);
  }

  listen(port: number): void {
    createServer((req, res) => void this.handle(req, res)).listen(port);
  }

  private add(method: string, path: string, handler: Handler): void {
    const keys: string[] = [];
    const source = path.replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), keys, handler });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const reply: Response = {
      json(body, status = 200) {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      },
    };
    for (const route of this.routes) {
      const match = req.method === route.method ? route.pattern.exec(url.pathname) : null;
      if (!match) continue;
      const params = Object.fromEntries(route.keys.map((key, i) => [key, decodeURIComponent(match[i + 1]!)]));
      try {
        await route.handler({ params, query: url.searchParams }, reply);
      } catch (error) {
        reply.json({ error: String(error) }, 500);
      }
      return;
    }
    reply.json({ error: 'not found' }, 404);
  }
}
