/** Rust in the host-language registry (host/languages.ts): sqlx, tokio-postgres. */
import type { HostLanguageSupport } from '../languages';
import { rustAdapter } from './adapter';
import { extractRust } from './extract';

export const rust = {
  id: 'rust',
  extract: (file, text, options) => extractRust(text, file, { dialect: options.dialect, includeTests: options.includeTests }),
  adapter: rustAdapter,
} as const satisfies HostLanguageSupport;
