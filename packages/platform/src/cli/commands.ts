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
    // The message says what was wrong. The stack goes to stderr only with GONGCHE_LOG_LEVEL=debug.
    createLogger({ level: process.env.GONGCHE_LOG_LEVEL ?? 'warn' }, pino.destination(2)).debug({ err: error, command: command.path.join(' ') }, 'command failed');
    console.error(`gongche ${command.path.join(' ')}: ${(error as Error).message}${code ? ` [${code}]` : ''}`);
    return 1;
  }
}
