import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argumentProblem, runCli } from '../../src/cli/commands.ts';
import { captureConsole } from '../helpers/console.ts';

test('mistyped option names the right one', async (t) => {
  const output = captureConsole(t);
  assert.equal(await runCli(['registry', 'import', 'form.csv', '--dryrun']), 2);
  assert.equal(output.err().trim(), 'gongche registry import: Unknown option --dryrun; did you mean --dry-run? Run "gongche registry import --help" for its options.');
});

test('missing option value is explained', async (t) => {
  const output = captureConsole(t);
  assert.equal(await runCli(['simulate', '--port']), 2);
  assert.match(output.err(), /^gongche simulate: Option '--port <value>' argument missing\. Run "gongche simulate --help"/);
});

test('distant option gets no guess', () => {
  const error = Object.assign(new Error("Unknown option '--colour'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--colour\"."), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
  assert.equal(argumentProblem(error, 'Options:\n  --data-dir DIR\n  --dry-run'), 'Unknown option --colour.');
});
