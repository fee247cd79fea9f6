/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning accepts it
 * (`github/codeql-action/upload-sarif`). Locations are relative to the
 * workspace root under `uriBaseId: %SRCROOT%`; regions are 1-based with an
 * exclusive end column, in UTF-16 code units (the same unit as LSP).
 */
import { pathToFileURL } from 'node:url';
import { CONFIG_RULE_ID, SYNTAX_RULE_ID, UNUSED_SUPPRESSION_RULE_ID, docsUrl, type RuleMeta, type Severity } from '../../../../shared/types';
import { fingerprintsOf, relativePath, type CheckReport } from '../report';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/querylens/querylens';

/** Versioned: a new fingerprint scheme gets a new key, so old alerts are not matched against it. */
export const FINGERPRINT_KEY = 'queryLens/v1';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  helpUri: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { category: string; fixable: boolean };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  /** GitHub code scanning matches alerts across runs by these (instead of the line, which moves). */
  partialFingerprints: { [FINGERPRINT_KEY]: string };
  /** Only with `--baseline`. */
  baselineState?: 'new' | 'unchanged';
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
      region: { startLine: number; startColumn: number; endLine: number; endColumn: number };
    };
  }[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: { driver: { name: 'QueryLens'; version: string; semanticVersion: string; informationUri: string; rules: SarifRule[] } };
    originalUriBaseIds: { '%SRCROOT%': { uri: string } };
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }[];
}

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'note';
}

/** Findings that come from no registered rule: the parser's and the config loader's. */
const BUILTIN_RULES: RuleMeta[] = [
  {
    id: SYNTAX_RULE_ID,
    description: 'The SQL does not parse.',
    defaultSeverity: 'error',
    docs: docsUrl(SYNTAX_RULE_ID),
    fixable: false,
    category: 'syntax',
  },
  {
    id: CONFIG_RULE_ID,
    description: 'The .querylens.json configuration has a problem.',
    defaultSeverity: 'error',
    docs: docsUrl(CONFIG_RULE_ID),
    fixable: false,
    category: 'syntax',
  },
  {
    id: UNUSED_SUPPRESSION_RULE_ID,
    description: 'A querylens-ignore comment (or a rule named in one) silences nothing.',
    defaultSeverity: 'info',
    docs: docsUrl(UNUSED_SUPPRESSION_RULE_ID),
    fixable: true,
    category: 'syntax',
  },
];

function toSarifRule(meta: RuleMeta): SarifRule {
  return {
    id: meta.id,
    name: meta.id,
    shortDescription: { text: meta.description },
    helpUri: meta.docs,
    defaultConfiguration: { level: sarifLevel(meta.defaultSeverity) },
    properties: { category: meta.category, fixable: meta.fixable },
  };
}

export function buildSarif(report: CheckReport, version: string): SarifLog {
  const metas = [...report.rules];
  const known = new Set(metas.map((m) => m.id));
  for (const builtin of BUILTIN_RULES) {
    if (!known.has(builtin.id) && report.findings.some((f) => f.ruleId === builtin.id)) metas.push(builtin);
  }
  // A finding of an unknown rule still needs a rule entry for ruleIndex to point at.
  for (const f of report.findings) {
    if (!metas.some((m) => m.id === f.ruleId)) {
      metas.push({ id: f.ruleId, description: f.ruleId, defaultSeverity: f.severity, docs: docsUrl(f.ruleId), fixable: false, category: 'query' });
    }
  }
  const index = new Map(metas.map((m, i) => [m.id, i]));

  const prints = fingerprintsOf(report);
  const results: SarifResult[] = report.findings.map((f, i) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId)!,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    partialFingerprints: { [FINGERPRINT_KEY]: prints[i]! },
    ...(report.baselined ? { baselineState: report.baselined[i] ? ('unchanged' as const) : ('new' as const) } : {}),
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativePath(report.root, f.file), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: f.range.start.line + 1,
            startColumn: f.range.start.character + 1,
            endLine: f.range.end.line + 1,
            endColumn: f.range.end.character + 1,
          },
        },
      },
    ],
  }));

  let rootUri = pathToFileURL(report.root).href;
  if (!rootUri.endsWith('/')) rootUri += '/';
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'QueryLens', version, semanticVersion: version, informationUri: INFORMATION_URI, rules: metas.map(toSarifRule) },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(report: CheckReport, version: string): string {
  return JSON.stringify(buildSarif(report, version), null, 2) + '\n';
}
