/**
 * The server never dies on user input: every handler runs through `guard`,
 * which logs the error to the client's output and returns a harmless value.
 */
import type { Connection } from 'vscode-languageserver/node';

export type Logger = Pick<Connection['console'], 'error' | 'info' | 'log'>;

export function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export function guard<A extends unknown[], R>(
  logger: Logger,
  what: string,
  fallback: R,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (error) {
      logger.error(`QueryLens: ${what} failed: ${describe(error)}`);
      return fallback;
    }
  };
}
