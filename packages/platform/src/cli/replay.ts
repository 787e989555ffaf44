import { parseArgs } from 'node:util';
import { replayFile } from '../replay/replay.ts';
import { defineCommand } from './commands.ts';

const usage = `Usage: gongche replay FILE [options]

Sends captured JT/T 808 frames to a gateway and prints every answer. FILE holds one hex frame per
line, 0x7e flags included; blank lines and lines starting with # are ignored. For each terminal
phone, in file order, the tool connects, registers and authenticates first unless the file carries
the 0x0100 or 0x0102 frames itself, then sends the frames byte for byte as captured, invalid check
codes included. Only terminals registered on the platform may register.

Options:
  --host HOST     gateway address (default: 127.0.0.1)
  --port PORT     gateway JT/T 808 port (default: 6808)
  --timeout MS    time to wait for each answer (default: 2000)`;

defineCommand({
  path: ['replay'],
  summary: 'send captured frames to a gateway',
  usage,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '6808' },
        timeout: { type: 'string', default: '2000' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [file, ...extra] = positionals;
    if (!file || extra.length > 0) throw new Error(`replay takes exactly one FILE, got ${positionals.length}: run "gongche replay --help"`);
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number from 1 to 65535, got "${values.port}"`);
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout must be a positive number of milliseconds, got "${values.timeout}"`);

    const report = await replayFile({ file, host: values.host, port, answerTimeoutMs: timeout, print: (line) => console.log(line) });
    const unanswered = report.terminals.reduce((n, t) => n + t.unanswered.length, 0);
    const failed = report.terminals.filter((t) => t.failure).length;
    console.log(`${report.frames} frames from ${report.terminals.length} terminals, ${report.skipped.length} lines skipped, ${unanswered} unanswered, ${failed} terminals failed`);
    return failed > 0 || report.skipped.length > 0 ? 1 : 0;
  },
});
