/**
 * The `querylens.*` settings: what the server reads, and the single source of
 * the `contributes.configuration` entries in package.json (a test fails when
 * the two drift).
 */
import type { Dialect } from './types';

export type DialectSetting = Dialect | 'auto';
export type TraceSetting = 'off' | 'messages' | 'verbose';
/** How a finding the baseline holds is shown: as a hint, as information, or not at all. */
export type BaselineSeveritySetting = 'hint' | 'info' | 'off';
const BASELINE_SEVERITIES: BaselineSeveritySetting[] = ['hint', 'info', 'off'];

/** The `querylens` section as `workspace/configuration` returns it for one resource. */
export interface QueryLensSettings {
  enable: boolean;
  diagnostics: { workspace: boolean };
  dialect: DialectSetting;
  /** Analyse tests, fixtures and vendored code too, when `.querylens.json` says nothing. */
  includeTests: boolean;
  debounceMs: number;
  trace: { server: TraceSetting };
  configFile: string;
  /** Documents longer than this many KB are not analysed as you type (a notice says so). */
  maxFileSizeKb: number;
  /**
   * `querylens.activeConnection`, declared with the other connection settings by
   * the client (client/src/db/settings.ts): the server only names it in the
   * `Prove index on <connection>` action. Empty: the embedded shadow database.
   */
  activeConnection: string;
  /** A baseline file (`querylens check --update-baseline --baseline FILE`) relative to the folder; empty: none. */
  baseline: string;
  /** The severity at most of the findings the baseline holds. */
  baselineSeverity: BaselineSeveritySetting;
}

export interface SettingDeclaration {
  /** Full key, e.g. `querylens.enable`. */
  key: string;
  type: 'boolean' | 'string' | 'number';
  scope: 'resource' | 'window';
  default: boolean | string | number;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  description: string;
  /** Listed in package.json's `restrictedConfigurations`: an untrusted workspace cannot set it, only the user. */
  restricted?: boolean;
}

export const SETTINGS: SettingDeclaration[] = [
  {
    key: 'querylens.enable',
    type: 'boolean',
    scope: 'resource',
    default: true,
    description: 'Analyse SQL files in this folder.',
  },
  {
    key: 'querylens.diagnostics.workspace',
    type: 'boolean',
    scope: 'resource',
    default: false,
    description: 'Report problems for every SQL file of the workspace, not only the open ones.',
  },
  {
    key: 'querylens.dialect',
    type: 'string',
    scope: 'resource',
    default: 'auto',
    enum: ['auto', 'postgres', 'sqlite', 'mysql'],
    description: 'SQL dialect used when `.querylens.json` sets none; `auto` infers it per file.',
  },
  {
    key: 'querylens.includeTests',
    type: 'boolean',
    scope: 'resource',
    default: false,
    description: 'Analyse tests (tests/, test_*.py, *_test.rs, #[cfg(test)] modules, *.spec.ts), fixtures and vendored code too, when `.querylens.json` sets no `includeTests`.',
  },
  {
    key: 'querylens.debounceMs',
    type: 'number',
    scope: 'window',
    default: 75,
    minimum: 0,
    maximum: 2000,
    description: 'Milliseconds to wait after the last keystroke before re-analysing.',
  },
  {
    key: 'querylens.trace.server',
    type: 'string',
    scope: 'window',
    default: 'off',
    enum: ['off', 'messages', 'verbose'],
    description: 'Traces the communication between VS Code and the QueryLens language server.',
  },
  {
    key: 'querylens.configFile',
    type: 'string',
    scope: 'resource',
    default: '',
    description: 'Path of the QueryLens config file, relative to the folder; `.querylens.json` when empty. Only a file inside the folder is read.',
    restricted: true,
  },
  {
    key: 'querylens.maxFileSizeKb',
    type: 'number',
    scope: 'resource',
    default: 1024,
    minimum: 1,
    description: 'Files larger than this (in KB) are not analysed as you type: the editor shows a notice instead. `querylens check` analyses them.',
  },
  {
    key: 'querylens.baseline',
    type: 'string',
    scope: 'resource',
    default: '',
    description:
      'Path of a baseline file, relative to the folder (written by `querylens check --update-baseline --baseline FILE`). The findings it holds are shown at `querylens.baselineSeverity`. Only a file inside the folder is read.',
  },
  {
    key: 'querylens.baselineSeverity',
    type: 'string',
    scope: 'resource',
    default: 'hint',
    enum: BASELINE_SEVERITIES,
    description: 'How findings the baseline holds are shown: `hint` (default), `info`, or `off` to hide them. A finding already at a lower severity keeps it.',
  },
];

export function defaultSettings(): QueryLensSettings {
  return {
    enable: true,
    diagnostics: { workspace: false },
    dialect: 'auto',
    includeTests: false,
    debounceMs: 75,
    trace: { server: 'off' },
    configFile: '',
    maxFileSizeKb: 1024,
    activeConnection: '',
    baseline: '',
    baselineSeverity: 'hint',
  };
}

/** Fills what a client left out (or sent with the wrong type) with the defaults. */
export function normalizeSettings(raw: unknown): QueryLensSettings {
  const defaults = defaultSettings();
  const value = (raw ?? {}) as Partial<QueryLensSettings>;
  const pick = <T>(candidate: unknown, fallback: T): T =>
    typeof candidate === typeof fallback ? (candidate as T) : fallback;
  const dialects: DialectSetting[] = ['auto', 'postgres', 'sqlite', 'mysql'];
  return {
    enable: pick(value.enable, defaults.enable),
    diagnostics: { workspace: pick(value.diagnostics?.workspace, defaults.diagnostics.workspace) },
    dialect: dialects.includes(value.dialect as DialectSetting) ? (value.dialect as DialectSetting) : defaults.dialect,
    includeTests: pick(value.includeTests, defaults.includeTests),
    debounceMs: Math.max(0, pick(value.debounceMs, defaults.debounceMs)),
    trace: { server: pick(value.trace?.server, defaults.trace.server) },
    configFile: pick(value.configFile, defaults.configFile),
    maxFileSizeKb: Math.max(1, pick(value.maxFileSizeKb, defaults.maxFileSizeKb)),
    activeConnection: pick(value.activeConnection, defaults.activeConnection),
    baseline: pick(value.baseline, defaults.baseline),
    baselineSeverity: BASELINE_SEVERITIES.includes(value.baselineSeverity as BaselineSeveritySetting)
      ? (value.baselineSeverity as BaselineSeveritySetting)
      : defaults.baselineSeverity,
  };
}
