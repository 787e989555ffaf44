/**
 * English messages of the acceptance, bulletin and inspection pages and of the dashboard's
 * installation coverage, with the keys of zh-CN/rollout-results.ts.
 */
export default {
  menu: { acceptance: 'Acceptance', bulletins: 'Bulletins', inspections: 'Inspections' },
  rolloutResults: {
    batch: 'Batch', noBatch: 'No rollout batch yet', refresh: 'Refresh', percent: '{value}%',
  },
  acceptance: {
    units: 'Units of the batch', state: 'Acceptance', accepted: 'Accepted', notAccepted: 'Not accepted', acceptedAt: 'Accepted on {time}',
    pickUnit: 'Pick a unit on the left to see its acceptance checklist',
    window: '"Online recently", "valid fixes" and "ACC on and off" count the last {days} days',
    noLetter: 'The unit has no reply letter yet. Acceptance checks the vehicles the letter says to equip, so it can be signed only after the letter.',
    columns: {
      terminalBound: 'Terminal bound', debuggingPassed: 'Debugging passed', onlineInWindow: 'Online recently', validFixes: 'Valid fixes',
      accChanged: 'ACC on and off', passed: 'Result',
    },
    pass: 'Passed', fail: 'Failed',
    summary: '{total} vehicles to equip: {passed} passed, {failed} failed',
    allPassed: 'Every vehicle passes the checklist: the acceptance can be signed.',
    someFailed: 'These vehicles fail the checklist: {plates}. The acceptance can be signed once all pass.',
    empty: 'The reply letter lists no vehicle to equip',
    remarks: 'Acceptance remarks', remarksRequired: 'Enter remarks of 2 to 500 characters', sign: 'Sign acceptance',
    signed: 'Acceptance of {unit} signed', confirmSign: 'Signing is recorded in the audit log and cannot be undone. Sign the acceptance of {unit}?',
    checking: 'Computing the acceptance checklist…', readOnly: 'Your role can view checklists; the prefecture bureau signs acceptances.',
  },
  bulletins: {
    preview: 'Preview bulletin', publish: 'Publish bulletin', published: 'Published bulletins', previewTitle: 'Preview (computed from current data, not published)',
    confirmPublish: 'Publishing fixes the bulletin as a snapshot of the current data and is recorded in the audit log. Publish?', publishedOk: 'Bulletin published: {title}',
    generatedAt: 'Generated {time}', computing: 'Computing each unit\'s installation status…', publishing: 'Computing and publishing the bulletin…',
    columns: {
      shouldEquip: 'To equip', installed: 'Installed', exempt: 'Exempt', missing: 'Missing', onlineRate: 'Online rate', accepted: 'Accepted',
      overdue: 'Overdue phases', dataSecurityTest: 'Data-security test',
    },
    test: { passed: 'Passed', failed: 'Failed', none: 'Not tested' },
    title: 'Title', kind: { installation: 'Installation bulletin', inspection: 'Inspection bulletin' },
    view: 'View', download: 'Download {format}', downloading: 'Generating the {format} file…', none: 'No bulletin published yet',
    readOnly: 'Your role can view and download bulletins; the prefecture bureau publishes them.',
  },
  inspections: {
    run: 'Run an inspection', period: 'Period', title: 'Bulletin title', titleHint: 'Left empty, the title names the batch and period',
    start: 'Score and publish', running: 'Scoring every unit and generating the bulletin…', done: 'Inspection bulletin published: {title}',
    periodRequired: 'Pick the period', titleLength: 'The title has 4 to 80 characters',
    weights: 'Score weights: coverage {coverage}, online rate {onlineRate}, suspected removal or shielding {tamperAlerts}, alerts awaiting the unit {unansweredAlerts}',
    columns: {
      rank: 'Rank', coverage: 'Coverage', onlineRate: 'Online rate', tamperAlerts: 'Suspected removal or shielding', unansweredAlerts: 'Alerts awaiting the unit',
      alertsInPeriod: 'Alerts in period', score: 'Score',
    },
    readOnly: 'Your role can view published inspection bulletins; the prefecture bureau runs inspections.',
  },
  dashboard: {
    awaitingPosition: 'Bound, no fix yet', noTerminalCount: 'No terminal', coverageTotal: 'Coverage {rate} ({installed}/{should})',
    coverageHint: 'Coverage = vehicles in service whose bound terminal has sent a valid position ÷ (vehicles in service − vehicles with an approved exemption). Sealed vehicles are in service; disposed ones are not.',
  },
} as const;
