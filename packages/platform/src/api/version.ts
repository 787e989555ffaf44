import { createRequire } from 'node:module';

/** Version of the gongche package, from its package.json. */
export const platformVersion = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
