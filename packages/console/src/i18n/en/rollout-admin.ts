import type zhCN from '../zh-CN/rollout-admin.ts';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** English messages of the bureau's rollout pages, with the same keys as zh-CN/rollout-admin.ts. */
const en: Widen<typeof zhCN> = {
  menu: { batches: 'Batches', workOrder: 'Work order' },
  batches: {
    create: 'New batch', edit: 'Edit batch', number: 'Number', name: 'Name', scope: 'Scope', deadlines: 'Deadlines', progress: 'Progress',
    view: 'View', selected: 'Batch {number} · {name}', empty: 'No installation batch yet. Click "New batch" and enter the number, name, scope and phase deadlines of the plan.',
    created: 'Batch created', saved: 'Batch saved', doneOf: 'Done {done}/{total}', overdueCount: '{count} overdue',
    unitMode: { exclude: 'All units except these categories', include: 'Only units of these categories', none: 'No units by category' },
    unitCategories: 'Unit categories', leadership: 'Leadership vehicles', leadershipHint: 'Moves the leadership vehicles of officials of this rank and above in every unit into this batch', minRank: 'Lowest rank',
    category: { discipline_inspection: 'Discipline inspection', court: 'Courts', procuratorate: 'Procuratorates', justice: 'Justice', public_security: 'Public security', other: 'Other party, government and public units' },
    scopeSummary: { exclude: 'All units except {categories}', include: '{categories}', all: 'All units', leadership: 'leadership vehicles from {rank} up' },
    scopeNothing: 'Covers no unit or vehicle',
    numberRequired: 'The number is a whole number from 1 to 99', numberTaken: 'Number {number} is already used by “{name}”', nameRequired: 'The name has 2 to 60 characters',
    categoriesRequired: 'Select at least one unit category', scopeRequired: 'Select unit categories or leadership vehicles, otherwise the batch covers no vehicle',
    deadlineOrder: 'The deadline must not be before the previous phase ({phase}, {date})', deadlineKept: 'A deadline once set can be changed but not cleared',
    tabs: { units: 'Units', scope: 'Scope' },
    form: 'Form', letter: 'Reply letter', workOrders: 'Work orders', noForm: 'Not filed', vehicles: '{count} vehicles', scopeUnits: '{units} units, {vehicles} vehicles',
    unitVehicles: 'Vehicles',
  },
  overrides: {
    assign: 'Change batch', title: 'Assign to another batch', tag: 'By hand', heading: 'Manual batch assignments',
    intro: 'These units and vehicles do not follow the batches\' scope: the bureau assigned them to the listed batch by hand. Removing an assignment lets the scope decide again.',
    empty: 'No manual assignments. Click "Change batch" on the Units or Scope tab to move a unit or vehicle to another batch.',
    objectType: { unit: 'Unit', vehicle: 'Vehicle' }, object: 'Unit or vehicle', unitNamed: 'Unit: {unit}', vehicleOf: 'Vehicle: {plate} ({unit})',
    explain: {
      unit: 'Once saved, the unit leaves the batch its scope put it in and moves to the chosen batch with its vehicles, except vehicles that match a leadership-vehicles scope or have an assignment of their own.',
      vehicle: 'Once saved, the vehicle leaves the batch its scope put it in and moves to the chosen batch; it no longer follows its unit or the leadership-vehicles scope.',
    },
    replaces: 'Already assigned to batch {number} by hand (reason: {reason}). Saving replaces that assignment.',
    batch: 'Target batch', batchPlaceholder: 'Select a batch', currentBatch: 'Batch {number} · {name} (current)', batchRequired: 'Select the batch to move to',
    noOtherBatch: 'There is no other batch to move to. Create a batch first.',
    reason: 'Reason', reasonPlaceholder: 'For example: the unit\'s vehicles are installed together with batch 2', reasonLength: 'Enter a reason of {min} to {max} characters',
    saved: 'Batch assignment saved', createdBy: 'Set by', remove: 'Remove',
    confirmRemove: 'Remove the manual assignment of "{object}" to batch {number}? The batches\' scope then decides its batch again.', removed: 'Manual assignment of "{object}" removed',
  },
  letters: {
    issue: 'Issue reply letter', confirmIssue: 'Issue the reply letter for {unit}? The form is then locked and the letter takes the next document number of the year.', issued: 'Reply letter issued: {number}',
    download: 'Download', pdf: 'PDF', docx: 'Word', waiting: 'Awaiting reviews', number: 'Document number',
  },
  orderCreation: {
    create: 'Create work orders', title: 'Create work orders: {unit}', plannedDate: 'Planned installation date', plannedRequired: 'Select the planned installation date',
    intro: 'Creates one work order for each vehicle on the letter\'s install list that has neither a bound terminal nor a work order.',
    result: '{created} work orders created', alreadyInstalled: '{count} vehicles already have a terminal and need no work order: {plates}',
    alreadyOrdered: '{count} vehicles already have a work order', list: 'Work orders of this unit', summary: 'Open {open} · Completed {completed}',
    installedCount: '{count} with a terminal',
  },
  errors: {
    GONGCHE_ERR_BATCH_EXISTS: 'Batch number {value} is taken: choose another number or edit that batch',
    GONGCHE_ERR_VEHICLE_HAS_TERMINAL: 'This vehicle already has a terminal (SIM {value}), so another cannot be bound. Ask the bureau to unbind the old terminal on the Vehicles and terminals page; if it is still in the car and works, no installation is needed.',
    GONGCHE_ERR_TERMINAL_BOUND_ELSEWHERE: 'SIM {value} is bound to another vehicle. Check the number; to move the terminal, ask the bureau to unbind it first.',
  },
};

export default en;
