import { z } from 'zod';
import type { ApiOptions, ZodApp } from '../context.ts';
import { assertCapability } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { appendAudit, AUDIT_ACTIONS } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { errorResponses } from '../schemas.ts';
import { fileContent, importBodyLimit, importRowsError } from './facts-common.ts';
import { importRegistry } from '../../registry/import.ts';
import { readRegistryBytes, registryFileFormats } from '../../registry/import-file.ts';

const importBody = z.object({
  format: z.enum(registryFileFormats),
  contentBase64: fileContent,
  fileName: z.string().trim().min(1).max(200).optional().describe('Name of the uploaded file; recorded in the audit log'),
  dryRun: z.boolean().default(false),
});

const importOutput = z.object({
  imported: z.boolean().describe('True when the rows were stored; false on a dry run'),
  vehicles: z.number(),
  terminals: z.number(),
  unitsCreated: z.array(z.string()).describe('Names of the units the import creates'),
  errors: z.array(z.any()),
});

/** Registers the HTTP route that imports a registration form for the console, as `gongche registry import` does. */
export async function registryImportRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;

  app.post('/api/registry/import', {
    bodyLimit: importBodyLimit,
    schema: {
      tags: ['registry'],
      summary: 'Import units, vehicles and terminals from a registration form (CSV or XLSX, base64)',
      description: 'Columns 单位名称, 车牌号, 车辆类型, 使用性质, 终端手机号 and optional 品牌型号, 备注, 单位类别, 领导职级, 终端ID, IMEI, ICCID. A unit that does not exist yet is created. All or nothing: any bad row stores nothing and the response is 400 GONGCHE_ERR_IMPORT_ROWS with one detail per problem: row, column, value, reason in English, and code (missing, too_long with max, not_allowed with allowed, invalid_format, repeated_in_file with otherRow, plate_taken, phone_taken, category_differs with otherRow, beyond_header for a CSV value right of the header) for a reason in the user\'s language.',
      body: importBody,
      response: { 200: importOutput, ...errorResponses },
    },
  }, async (request) => {
    const user = currentUser(request);
    // The import creates units as well as vehicles and terminals.
    assertCapability(user, 'units.write');
    assertCapability(user, 'vehicles.write');
    assertCapability(user, 'terminals.write');
    const { format, contentBase64, fileName, dryRun } = request.body;
    const source = fileName ?? `${format} file`;
    const rows = await readRegistryBytes(Buffer.from(contentBase64, 'base64'), format, source);
    const result = await importRegistry(db, rows, { dryRun });
    if (result.errors.length > 0) throw importRowsError(source, result.errors);
    if (result.imported) {
      request.log.info({ vehicles: result.vehicles, unitsCreated: result.unitsCreated.length, userId: user.id, format }, 'registry imported');
      const detail = { file: fileName ?? null, format, vehicles: result.vehicles, terminals: result.terminals, unitsCreated: result.unitsCreated };
      appendAudit(store, { actor: requestActor(request), action: AUDIT_ACTIONS.registryImported, objectType: 'registry', detail });
    }
    return result;
  });
}
