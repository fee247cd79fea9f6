/**
 * Command-line parsing for `querylens`. No dependency: the grammar is small
 * (`check [paths...] [--format F] [--config FILE] [--fix]`, `rules`, `--help`,
 * `--version`), and every mistake must become exit code 2 with a clear message.
 */
import { OUTPUT_FORMATS, type OutputFormat } from './report';

export type Command =
  | { kind: 'check'; paths: string[]; format: OutputFormat; config?: string; fix: boolean }
  | { kind: 'rules'; format: 'text' | 'json' }
  | { kind: 'help' }
  | { kind: 'version' };

export class UsageError extends Error {}

export const USAGE = `Usage: querylens <command> [options]

Commands:
  check [paths...]   Analyse SQL files and folders (default: the current folder)
  rules              List the rules

Options (check):
  --format <f>       Output format: text (default), json, sarif, github
  --config <file>    Use this configuration file instead of <root>/.querylens.json
  --fix              Apply the preferred in-file fixes, then report what remains

Options (rules):
  --format <f>       text (default) or json

  -h, --help         Show this help
  -v, --version      Show the version

Exit codes: 0 no error-severity finding, 1 at least one, 2 usage or internal error.
The workspace root is the nearest folder upward holding .querylens.json or .git.
`;

function optionValue(argv: string[], i: number, name: string, inline: string | undefined): [string, number] {
  if (inline !== undefined) {
    if (inline === '') throw new UsageError(`option ${name} needs a value`);
    return [inline, i];
  }
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`option ${name} needs a value`);
  return [value, i + 1];
}

export function parseArgs(argv: string[]): Command {
  if (argv.length === 0) return { kind: 'help' };
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  if (argv.includes('--version') || argv.includes('-v')) return { kind: 'version' };

  const [command, ...rest] = argv;
  if (command === 'help') return { kind: 'help' };
  if (command !== 'check' && command !== 'rules') throw new UsageError(`unknown command '${command}'`);

  const paths: string[] = [];
  let format: string | undefined;
  let config: string | undefined;
  let fix = false;
  let onlyPaths = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (onlyPaths || !arg.startsWith('-') || arg === '-') {
      paths.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPaths = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    if (name === '--format' || name === '-f') {
      [format, i] = optionValue(rest, i, name, inline);
    } else if (name === '--config' || name === '-c') {
      if (command !== 'check') throw new UsageError(`option ${name} is only for 'check'`);
      [config, i] = optionValue(rest, i, name, inline);
    } else if (name === '--fix' && inline === undefined) {
      if (command !== 'check') throw new UsageError(`option --fix is only for 'check'`);
      fix = true;
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
  }

  if (command === 'rules') {
    if (paths.length > 0) throw new UsageError(`'rules' takes no paths`);
    if (format !== undefined && format !== 'text' && format !== 'json') {
      throw new UsageError(`unknown format '${format}' for 'rules' (expected text or json)`);
    }
    return { kind: 'rules', format: format === 'json' ? 'json' : 'text' };
  }
  if (format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format '${format}' (expected ${OUTPUT_FORMATS.join(', ')})`);
  }
  return { kind: 'check', paths, format: (format ?? 'text') as OutputFormat, config, fix };
}
