import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ApiOptions, ZodApp } from '../context.ts';
import type { Store } from '../../store/db.ts';
import { getVehicle } from '../../registry/vehicles.ts';
import { notFound } from '../../errors.ts';
import { appendAudit } from '../../audit/log.ts';
import { requestActor } from '../../audit/actors.ts';
import { assertCapability, assertInScope, inScope, unitScope } from '../access.ts';
import { currentUser } from '../authentication.ts';
import { errorResponses, idParams, isoTime } from '../schemas.ts';
import { ruleCatalogue, ruleCodes } from '../../rules/rule-codes.ts';
import { negativeListDetectors } from '../../rules/detectors/index.ts';
import { integrityDetectors, integritySweepChecks } from '../../rules/integrity/index.ts';
import type { Detector } from '../../rules/engine/types.ts';
import { loadRuleSettings, saveRuleSettings } from '../../rules/templates/settings.ts';
import { loadTemplateSet, mergeLayers, templateChain } from '../../rules/templates/resolve.ts';
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  getVehicleAssignment,
  listTemplates,
  setVehicleAssignment,
  updateTemplate,
  type TemplateView,
} from '../../rules/templates/repository.ts';

const tags = ['rules'];
const detectors = () => [...negativeListDetectors, ...integrityDetectors, ...integritySweepChecks] as Detector<unknown, unknown>[];
const appliesNote = 'The running engine reads templates and settings again within 5 seconds; a replay (POST /api/rules/replays, the rules page of the console, or `gongche rules replay`) applies them to stored history.';

const contentSchema = z
  .unknown()
  .describe(
    'Template content: { workingHours?: [{ start: "HH:MM", end: "HH:MM" }], nightWindow?: { start, end }, detectors?: { <rule code>: { enabled?: boolean, settings?: { … } } } }. ' +
      'Unset fields inherit; each detector validates its settings (see GET /api/rules/catalogue for defaults).',
  );

const templateOutput = z.object({
  id: z.number(),
  name: z.string(),
  usageNature: z.string().nullable().describe('Usage nature the template applies to; null for every usage nature'),
  unitId: z.number().nullable().describe('Unit the template applies to; null for every unit'),
  description: z.string(),
  content: z.unknown(),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const templateInput = z.strictObject({
  name: z.string().trim().min(1).max(60),
  usageNature: z.string().trim().min(1).max(40).nullable().default(null),
  unitId: z.number().int().positive().nullable().default(null),
  description: z.string().trim().max(500).default(''),
  content: contentSchema,
});

const templatePatch = z.strictObject({
  name: z.string().trim().min(1).max(60).optional(),
  usageNature: z.string().trim().min(1).max(40).nullable().optional(),
  unitId: z.number().int().positive().nullable().optional(),
  description: z.string().trim().max(500).optional(),
  content: contentSchema.optional(),
});

const vehicleRulesInput = z.strictObject({
  templateId: z.number().int().positive().nullable().default(null).describe('A template of the vehicle\'s own, in place of the ones its usage nature and unit select; null or left out for those'),
  overrides: contentSchema,
});

const windowOutput = z.object({ start: z.string(), end: z.string() });

const vehicleRulesOutput = z.object({
  vehicleId: z.number(),
  templateId: z.number().nullable(),
  overrides: z.unknown(),
  effective: z.object({
    templates: z.array(z.object({ id: z.number(), name: z.string() })).describe('Templates applied, from the base up; the overrides go on top'),
    workingHours: z.array(windowOutput),
    nightWindow: windowOutput,
    detectors: z.array(z.object({ code: z.string(), name: z.string(), enabled: z.boolean(), settings: z.unknown() })),
  }),
});

const catalogueOutput = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      item: z.number().nullable().describe('Negative-list item 1-9, or null for a device integrity check'),
      zh: z.string(),
      en: z.string(),
      streamDetector: z.boolean().describe('true when a detector of the position stream evaluates it and templates may set its settings'),
      defaults: z.unknown().nullable(),
    }),
  ),
});

function audit(store: Store, request: FastifyRequest, action: string, objectType: string, objectId: number | string, detail: Record<string, unknown>): void {
  appendAudit(store, { actor: requestActor(request), action, objectType, objectId, detail });
}

/** Returns a detector's settings as the engine uses them: the defaults when the stored ones are no longer valid (the engine logs that). */
function effectiveSettings(detector: Detector<unknown, unknown>, partial: Record<string, unknown> | undefined): unknown {
  try {
    return detector.parseSettings(partial ?? {});
  } catch {
    return detector.parseSettings({});
  }
}

/** Returns whether a template is visible in the user's scope: a template of no unit always is, a unit's only within scope. */
async function visible(store: Store, request: FastifyRequest, template: TemplateView): Promise<boolean> {
  if (template.unitId === null) return true;
  return inScope(await unitScope(store.db, currentUser(request)), template.unitId);
}

/** Rule templates per usage nature and unit, rule settings and each vehicle's effective rules. */
export async function ruleRoutes(app: ZodApp, { store }: ApiOptions): Promise<void> {
  const { db } = store;

  app.get('/api/rules/catalogue', {
    schema: { tags, summary: 'List every rule with its names and the defaults of its detector', response: { 200: catalogueOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.read');
    const registered = detectors();
    return {
      items: ruleCodes.map((code) => {
        const detector = registered.find((d) => d.code === code);
        return { code, ...ruleCatalogue[code], streamDetector: detector !== undefined && 'update' in detector, defaults: detector?.defaults ?? null };
      }),
    };
  });

  app.get('/api/rules/templates', {
    schema: { tags, summary: 'List rule templates', description: 'Unit roles see the templates of every unit and those of their own units.', response: { 200: z.object({ items: z.array(templateOutput) }), ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.read');
    const scope = await unitScope(db, currentUser(request));
    return { items: (await listTemplates(db)).filter((t) => t.unitId === null || inScope(scope, t.unitId)) };
  });

  app.get('/api/rules/templates/:id', {
    schema: { tags, summary: 'Get a rule template', params: idParams, response: { 200: templateOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.read');
    const template = await getTemplate(db, request.params.id);
    if (!(await visible(store, request, template))) throw notFound('Rule template', template.id);
    return template;
  });

  app.post('/api/rules/templates', {
    schema: { tags, summary: 'Create a rule template', description: `At most one template per (usage nature, unit) pair. ${appliesNote}`, body: templateInput, response: { 201: templateOutput, ...errorResponses } },
  }, async (request, reply) => {
    const user = currentUser(request);
    assertCapability(user, 'rules.manage');
    const template = await createTemplate(db, request.body, detectors(), user.id);
    audit(store, request, 'rules.template_created', 'rule_template', template.id, { name: template.name, usageNature: template.usageNature, unitId: template.unitId, content: template.content });
    request.log.info({ templateId: template.id, name: template.name }, 'rule template created');
    return reply.code(201).send(template);
  });

  app.patch('/api/rules/templates/:id', {
    schema: { tags, summary: 'Change a rule template', description: appliesNote, params: idParams, body: templatePatch, response: { 200: templateOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'rules.manage');
    const template = await updateTemplate(db, request.params.id, request.body, detectors(), user.id);
    audit(store, request, 'rules.template_updated', 'rule_template', template.id, { changes: request.body });
    request.log.info({ templateId: template.id, fields: Object.keys(request.body) }, 'rule template changed');
    return template;
  });

  app.delete('/api/rules/templates/:id', {
    schema: { tags, summary: 'Delete a rule template', description: 'The base template cannot be deleted, nor a template assigned to vehicles.', params: idParams, response: { 200: templateOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'rules.manage');
    const template = await deleteTemplate(db, request.params.id);
    audit(store, request, 'rules.template_deleted', 'rule_template', template.id, { name: template.name });
    return template;
  });

  app.get('/api/rules/settings', {
    schema: { tags, summary: 'Get the rule settings', description: 'Time zone, default working hours and night window (HH:MM, local), stop segmentation, place margins, order grace and checkpoint days.', response: { 200: z.unknown(), ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.read');
    return loadRuleSettings(db);
  });

  app.put('/api/rules/settings', {
    schema: { tags, summary: 'Change rule settings', description: `Send any of the settings; each one given replaces the stored one whole. ${appliesNote}`, body: z.unknown(), response: { 200: z.unknown(), ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'rules.manage');
    const settings = await saveRuleSettings(db, request.body, user.id);
    audit(store, request, 'rules.settings_changed', 'rule_settings', 'engine', { changes: request.body as Record<string, unknown> });
    request.log.info({ fields: Object.keys(request.body as object) }, 'rule settings changed');
    return settings;
  });

  const vehicleRules = async (vehicleId: number) => {
    const vehicle = await getVehicle(db, vehicleId);
    const [assignment, set, settings] = await Promise.all([getVehicleAssignment(db, vehicleId), loadTemplateSet(db), loadRuleSettings(db)]);
    const chain = templateChain(set, { id: vehicle.id, unitId: vehicle.unitId, usageNature: vehicle.usageNature });
    const merged = mergeLayers([...chain.map((t) => t.content), assignment.overrides], detectors());
    return {
      vehicleId,
      templateId: assignment.templateId,
      overrides: assignment.overrides,
      effective: {
        templates: chain.map((t) => ({ id: t.id, name: t.name })),
        workingHours: merged.workingHours ?? settings.workingHours,
        nightWindow: merged.nightWindow ?? settings.nightWindow,
        detectors: detectors().map((d) => {
          const entry = merged.detectors?.[d.code];
          return { code: d.code, name: ruleCatalogue[d.code].zh, enabled: entry?.enabled !== false, settings: effectiveSettings(d, entry?.settings) };
        }),
      },
    };
  };

  app.get('/api/rules/vehicles/:id', {
    schema: { tags, summary: 'Get a vehicle\'s own rules and the rules in effect', params: idParams, response: { 200: vehicleRulesOutput, ...errorResponses } },
  }, async (request) => {
    assertCapability(currentUser(request), 'rules.read');
    const vehicle = await getVehicle(db, request.params.id);
    await assertInScope(store, request, { kind: 'Vehicle', id: vehicle.id, unitId: vehicle.unitId });
    return vehicleRules(vehicle.id);
  });

  app.put('/api/rules/vehicles/:id', {
    schema: { tags, summary: 'Set a vehicle\'s own template and overrides', description: appliesNote, params: idParams, body: vehicleRulesInput, response: { 200: vehicleRulesOutput, ...errorResponses } },
  }, async (request) => {
    const user = currentUser(request);
    assertCapability(user, 'rules.manage');
    const vehicle = await getVehicle(db, request.params.id);
    const saved = await setVehicleAssignment(db, vehicle.id, request.body, detectors(), user.id);
    audit(store, request, 'rules.vehicle_rules_set', 'vehicle', vehicle.id, saved);
    return vehicleRules(vehicle.id);
  });
}
