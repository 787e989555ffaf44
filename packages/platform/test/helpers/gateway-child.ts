// Child process for the durability test: runs a gateway over a SQLite file and prints its port.
import path from 'node:path';
import { defaultConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { openStore } from '../../src/store/db.ts';
import { startGateway } from '../../src/gateway/server.ts';
import { attachTestKeyring } from './keyring.ts';

const dir = process.argv[2]!;
const config = defaultConfig({ dataDir: dir, jt808Host: '127.0.0.1', jt808Port: 0 });
const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'FULL' });
attachTestKeyring(store, process.argv[3]);
const gateway = await startGateway({ store, config, logger: createLogger({ level: 'silent' }) });
process.stdout.write(`${gateway.port}\n`);
