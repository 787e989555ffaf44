import type { TestContext } from 'node:test';

/**
 * Records text written to process.stdout during a test. Only string writes are captured; the
 * test runner's own (binary) reports pass through, so the results of other tests are not lost.
 */
export function captureStdout(t: TestContext): { text(): string; restore(): void } {
  const original = process.stdout.write.bind(process.stdout);
  const printed: string[] = [];
  const mock = t.mock.method(process.stdout, 'write', (chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string') {
      printed.push(chunk);
      return true;
    }
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  });
  return { text: () => printed.join(''), restore: () => mock.mock.restore() };
}
