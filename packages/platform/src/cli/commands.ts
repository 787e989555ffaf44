import { pino } from 'pino';
import { createLogger } from '../logger.ts';

export interface CliCommand {
  /** Words that select the command, e.g. ['registry', 'import']. */
  path: string[];
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const commands: CliCommand[] = [];

/** Adds a command to the CLI; each command module calls this once. */
export function defineCommand(command: CliCommand): void {
  commands.push(command);
}

function helpText(): string {
  const lines = ['Usage: gongche <command> [options]', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.path.join(' ').padEnd(18)} ${c.summary}`);
  lines.push('', 'Run "gongche <command> --help" for the options of one command.');
  return lines.join('\n');
}

/** Runs one CLI invocation and returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  await import('./register-all.ts');
  const command = commands
    .filter((c) => c.path.every((word, i) => argv[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!command) {
    const group = commands.filter((c) => c.path.length > 1 && c.path[0] === argv[0]);
    if (group.length > 0) {
      const lines = [`Usage: gongche ${argv[0]} <command> [options]`, '', 'Commands:', ...group.map((c) => `  ${c.path.join(' ').padEnd(24)} ${c.summary}`)];
      const asked = argv.length === 1 || argv[1] === '--help' || argv[1] === '-h';
      (asked ? console.log : console.error)((asked ? '' : `Unknown command: ${argv.join(' ')}\n\n`) + lines.join('\n'));
      return asked ? 0 : 2;
    }
    const unknown = argv.length > 0 && argv[0] !== '--help' && argv[0] !== 'help';
    (unknown ? console.error : console.log)((unknown ? `Unknown command: ${argv.join(' ')}\n\n` : '') + helpText());
    return unknown ? 2 : 0;
  }
  const rest = argv.slice(command.path.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS_')) {
      console.error(`gongche ${command.path.join(' ')}: ${argumentProblem(error as Error, command.usage)} Run "gongche ${command.path.join(' ')} --help" for its options.`);
      return 2;
    }
    // The message says what was wrong. The stack goes to stderr only with GONGCHE_LOG_LEVEL=debug.
    createLogger({ level: process.env.GONGCHE_LOG_LEVEL ?? 'warn' }, pino.destination(2)).debug({ err: error, command: command.path.join(' ') }, 'command failed');
    console.error(`gongche ${command.path.join(' ')}: ${(error as Error).message}${code ? ` [${code}]` : ''}`);
    return 1;
  }
}

/** Levenshtein distance, for suggesting the option a user meant. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Rewords an error of node:util parseArgs as one sentence, without its advice about '--', and
 * names the closest option of the command's usage for an unknown one.
 */
export function argumentProblem(error: Error, usage: string): string {
  const sentence = error.message.split('. ')[0]!.replace(/\.$/, '');
  const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(sentence)?.[1];
  if (!unknown) return `${sentence}.`;
  const options = [...new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
  const closest = options.map((option) => ({ option, distance: editDistance(unknown, option) })).sort((a, b) => a.distance - b.distance)[0];
  return closest && closest.distance <= 2 ? `Unknown option ${unknown}; did you mean ${closest.option}?` : `Unknown option ${unknown}.`;
}
