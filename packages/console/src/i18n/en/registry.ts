/** English messages of the vehicles and terminals page, with the same keys as zh-CN/registry.ts. */
export default {
  menu: { registry: 'Vehicles and terminals' },
  registry: {
    tabs: { vehicles: 'Vehicles ({count})', terminals: 'Terminals ({count})', units: 'Units ({count})' },
    online: 'Online', offline: 'Offline',
    status: { in_use: 'In use', sealed: 'Sealed', disposed: 'Disposed' },
    category: { discipline_inspection: 'Discipline inspection', court: 'Court', procuratorate: 'Procuratorate', justice: 'Justice administration', public_security: 'Public security', other: 'Other Party and government bodies' },
    vehicle: {
      create: 'New vehicle', edit: 'Edit vehicle {plate}', brandModel: 'Brand and model', type: 'Vehicle type', usageNature: 'Usage nature', leaderRank: 'Leader rank',
      status: 'Status', remarks: 'Remarks', terminal: 'Terminal', withTerminal: 'With terminal', withoutTerminal: 'Without terminal', noTerminal: 'No terminal',
      matching: '{count} vehicles', platePlaceholder: 'e.g. 新Q12345; full-width or lower case is normalised on save',
    },
    terminal: {
      create: 'Register terminal', edit: 'Edit terminal {phone}', editShort: 'Edit terminal', bind: 'Bind terminal', bindTitle: 'Bind a terminal to {plate}',
      existing: 'Pick an unbound terminal', new: 'Register a new terminal', phone: 'Terminal phone', phonePlaceholder: 'SIM number, 11 to 20 digits',
      terminalId: 'Terminal ID', legacyAuthCode: 'Legacy auth code', legacyAuthCodeHint: 'Write-only: leave empty to keep the stored code', vehicle: 'Vehicle', unbound: 'Unbound',
    },
    unit: {
      create: 'New unit', edit: 'Edit unit {name}', name: 'Unit name', category: 'Category', supervisor: 'Supervising unit', level: 'Level',
      organisationCode: 'Unified social credit code', address: 'Address', vehicleQuota: 'Vehicle quota', staffName: 'Designated staff', staffPhone: 'Staff phone',
    },
    unbind: {
      action: 'Unbind', title: 'Unbind terminal',
      confirm: 'Unbind terminal {phone} from vehicle {plate}? The vehicle then counts as without terminal and the terminal\'s positions are no longer attributed to it. The terminal stays in the registry and can be bound to another vehicle.',
      done: 'Unbound: {plate} now has no terminal',
    },
    import: {
      open: 'Import registration form', title: 'Import a vehicle registration form',
      help: 'An Excel (.xlsx, first worksheet) or CSV file with the columns 单位名称, 品牌型号, 车牌号, 车辆类型, 使用性质, 备注, 终端手机号 (optional: 单位类别, 领导职级, 终端ID, IMEI, ICCID). Units not yet registered are created. If any row is invalid, nothing is imported and every error is listed with its row.',
      checked: 'Check passed: {vehicles} vehicles with terminals can be imported; {units} units will be created {names}',
      done: 'Imported {vehicles} vehicles with terminals; created {units} units {names}',
    },
    rules: {
      plate: 'A plate is a province abbreviation, a city letter and 5 characters (7 in all), or 8 for new-energy plates; no letters I or O',
      phone: 'A terminal phone has 11 to 20 digits', required: 'Required', maxLength: 'At most {max} characters', unit: 'Select a unit',
      terminal: 'Select a terminal', imei: 'An IMEI has 15 digits', iccid: 'An ICCID has 19 or 20 digits or letters A–F',
      contactPhone: 'Enter an 11-digit mobile number or a landline with area code, such as 0998-2812345',
    },
    errors: {
      plateTaken: 'Plate {value} is already registered (plates are unique across the prefecture). Check the plate, or find the vehicle in the list',
      phoneTaken: 'Terminal phone {value} is already registered to another terminal. Check the number, or edit the existing terminal on the Terminals tab',
      vehicleHasTerminal: 'This vehicle already has a terminal (phone {value}). Unbind it before binding another',
      unitTaken: 'Unit "{value}" already exists (unit names are unique). Find it in the list',
      organisationCodeTaken: 'Unified social credit code {value} is already recorded for another unit. Check the code',
    },
    importErrors: {
      missing: 'Required; the cell is empty', tooLong: 'Longer than {max} characters', notAllowed: 'Not an accepted value; use one of {allowed}', invalidFormat: 'Invalid format',
      repeated: 'Repeats row {row}', plateTaken: 'The plate is already registered (plates are unique across the prefecture). Delete the row or check the plate',
      phoneTaken: 'The terminal phone is already registered to another terminal. Check the number', categoryDiffers: 'Row {row} gives this new unit another category',
      beyondHeader: 'This column is beyond the header: put a value that contains a comma in double quotes, or the later values shift; or add the column\'s heading',
    },
  },
} as const;
