import type { TestContext } from 'node:test';

/** Silences console.log and console.error for one test and returns what each received, joined by lines. */
export function captureConsole(t: TestContext) {
  const out = t.mock.method(console, 'log', () => {});
  const err = t.mock.method(console, 'error', () => {});
  return {
    out: () => out.mock.calls.map((c) => String(c.arguments[0])).join('\n'),
    err: () => err.mock.calls.map((c) => String(c.arguments[0])).join('\n'),
  };
}
