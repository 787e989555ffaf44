import { parseArgs } from 'node:util';
import { defaultConfig } from '../config.ts';
import { purgeExpired } from '../retention/purge.ts';
import { cliActor } from '../audit/actors.ts';
import { openExistingStore } from '../store/open-existing.ts';
import { defineCommand } from './commands.ts';

const usage = `Usage: gongche retention purge [--dry-run] [--data-dir DIR]

Deletes positions and raw terminal frames older than their retention period (default 365 days
each), keeping the positions of every open or acknowledged emergency alarm and the frames they
refer to, and records the counts in the audit log. Audit entries are never purged.
The platform runs the same purge once a day by itself.

Options:
  --dry-run        count what would be deleted, delete nothing
  --data-dir DIR   folder of the database file (default: ./data, or GONGCHE_DATA_DIR)`;

defineCommand({
  path: ['retention', 'purge'],
  summary: 'delete positions and raw frames past their retention period',
  usage,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'dry-run': { type: 'boolean', default: false }, 'data-dir': { type: 'string' } }, strict: true });
    const settings = defaultConfig().retention;
    const store = await openExistingStore(values['data-dir']);
    try {
      const result = await purgeExpired(store, settings, Date.now(), { dryRun: values['dry-run'], actor: cliActor() });
      const verb = result.dryRun ? 'would delete' : 'deleted';
      console.log(
        `Positions received before ${result.positionsCutoff}: ${verb} ${result.positionsDeleted}, kept ${result.positionsKeptForAlarms} inside emergency alarm spans and ${result.positionsKeptForAlerts} as evidence of alerts under review or confirmed.`,
      );
      console.log(
        `Raw frames received before ${result.rawFramesCutoff}: ${verb} ${result.rawFramesDeleted}, kept ${result.rawFramesKeptForPositions} still referred to by kept positions and ${result.rawFramesKeptForAlerts} named as alert evidence.`,
      );
      console.log(result.dryRun ? 'Dry run: nothing was deleted.' : `Recorded as audit entry #${result.auditSeq}.`);
      return 0;
    } finally {
      await store.close();
    }
  },
});
