/** Named alarm bits of the 0x0200 alarm DWORD (JT/T 808-2019 table 25; bits 15-17 are reserved). */
export interface AlarmFlags {
  /** Bit 0, cleared by the platform's response. */
  emergency: boolean;
  overspeed: boolean;
  fatigue: boolean;
  /** Bit 3: danger warning (2013), dangerous driving behaviour (2019). */
  dangerWarning: boolean;
  gnssModuleFault: boolean;
  gnssAntennaDisconnected: boolean;
  gnssAntennaShortCircuit: boolean;
  mainPowerUndervoltage: boolean;
  mainPowerOff: boolean;
  displayFault: boolean;
  ttsModuleFault: boolean;
  cameraFault: boolean;
  icCardModuleFault: boolean;
  overspeedWarning: boolean;
  fatigueWarning: boolean;
  drivingTimeoutToday: boolean;
  parkingTimeout: boolean;
  areaInOut: boolean;
  routeInOut: boolean;
  routeDrivingTimeAbnormal: boolean;
  routeDeviation: boolean;
  vssFault: boolean;
  fuelAbnormal: boolean;
  vehicleStolen: boolean;
  illegalIgnition: boolean;
  /** Bit 28. */
  illegalDisplacement: boolean;
  /** Bit 29: collision/rollover alarm (2013), collision warning (2019). */
  collisionWarning: boolean;
  /** Bit 30 (2019). */
  rolloverWarning: boolean;
  /** Bit 31 (2013 and later). */
  illegalDoorOpen: boolean;
}

const ALARM_BITS: [keyof AlarmFlags, number][] = [
  ['emergency', 0], ['overspeed', 1], ['fatigue', 2], ['dangerWarning', 3], ['gnssModuleFault', 4],
  ['gnssAntennaDisconnected', 5], ['gnssAntennaShortCircuit', 6], ['mainPowerUndervoltage', 7],
  ['mainPowerOff', 8], ['displayFault', 9], ['ttsModuleFault', 10], ['cameraFault', 11],
  ['icCardModuleFault', 12], ['overspeedWarning', 13], ['fatigueWarning', 14], ['drivingTimeoutToday', 18],
  ['parkingTimeout', 19], ['areaInOut', 20], ['routeInOut', 21], ['routeDrivingTimeAbnormal', 22],
  ['routeDeviation', 23], ['vssFault', 24], ['fuelAbnormal', 25], ['vehicleStolen', 26],
  ['illegalIgnition', 27], ['illegalDisplacement', 28], ['collisionWarning', 29], ['rolloverWarning', 30],
  ['illegalDoorOpen', 31],
];

/** Load state from status bits 8-9 (0b10 is reserved). */
export type LoadState = 'empty' | 'halfLoaded' | 'reserved' | 'fullyLoaded';
const LOAD_STATES: LoadState[] = ['empty', 'halfLoaded', 'reserved', 'fullyLoaded'];

/** Named status bits of the 0x0200 status DWORD (JT/T 808-2019 table 24). */
export interface StatusFlags {
  acc: boolean;
  fixed: boolean;
  south: boolean;
  west: boolean;
  outOfService: boolean;
  encryptedCoordinates: boolean;
  /** Bit 6 (2019): forward collision warning from the emergency braking system. */
  forwardCollisionWarning: boolean;
  /** Bit 7 (2019): lane departure warning. */
  laneDepartureWarning: boolean;
  loadState: LoadState;
  oilCircuitCut: boolean;
  circuitCut: boolean;
  doorLocked: boolean;
  /** Bits 13-17: door 1 (front) to door 5 (custom) open. */
  door1Open: boolean;
  door2Open: boolean;
  door3Open: boolean;
  door4Open: boolean;
  door5Open: boolean;
  gps: boolean;
  beidou: boolean;
  glonass: boolean;
  galileo: boolean;
  /** Bit 22 (2019): vehicle moving. */
  moving: boolean;
}

const STATUS_BITS: [Exclude<keyof StatusFlags, 'loadState'>, number][] = [
  ['acc', 0], ['fixed', 1], ['south', 2], ['west', 3], ['outOfService', 4], ['encryptedCoordinates', 5],
  ['forwardCollisionWarning', 6], ['laneDepartureWarning', 7], ['oilCircuitCut', 10], ['circuitCut', 11],
  ['doorLocked', 12], ['door1Open', 13], ['door2Open', 14], ['door3Open', 15], ['door4Open', 16],
  ['door5Open', 17], ['gps', 18], ['beidou', 19], ['glonass', 20], ['galileo', 21], ['moving', 22],
];

/** Named bits of additional item 0x25, extended vehicle signal status (JT/T 808 table 31; bits 15-31 reserved). */
export interface VehicleSignals {
  lowBeam: boolean;
  highBeam: boolean;
  rightTurnSignal: boolean;
  leftTurnSignal: boolean;
  brake: boolean;
  reverse: boolean;
  fogLight: boolean;
  positionLight: boolean;
  horn: boolean;
  airConditioner: boolean;
  neutral: boolean;
  retarder: boolean;
  abs: boolean;
  heater: boolean;
  clutch: boolean;
}


function namedBits<K extends string>(dword: number, table: [K, number][]): Record<K, boolean> {
  const flags = {} as Record<K, boolean>;
  for (const [name, bit] of table) flags[name] = ((dword >>> bit) & 1) === 1;
  return flags;
}

export function alarmFlags(alarm: number): AlarmFlags {
  return namedBits(alarm, ALARM_BITS);
}

export function statusFlags(status: number): StatusFlags {
  return { ...namedBits(status, STATUS_BITS), loadState: LOAD_STATES[(status >>> 8) & 0x03]! };
}

/** Returns the named bits of item 0x25 as one object literal, because it is decoded with every report that carries it. */
export function vehicleSignals(dword: number): VehicleSignals {
  return {
    lowBeam: (dword & 0x1) !== 0,
    highBeam: (dword & 0x2) !== 0,
    rightTurnSignal: (dword & 0x4) !== 0,
    leftTurnSignal: (dword & 0x8) !== 0,
    brake: (dword & 0x10) !== 0,
    reverse: (dword & 0x20) !== 0,
    fogLight: (dword & 0x40) !== 0,
    positionLight: (dword & 0x80) !== 0,
    horn: (dword & 0x100) !== 0,
    airConditioner: (dword & 0x200) !== 0,
    neutral: (dword & 0x400) !== 0,
    retarder: (dword & 0x800) !== 0,
    abs: (dword & 0x1000) !== 0,
    heater: (dword & 0x2000) !== 0,
    clutch: (dword & 0x4000) !== 0,
  };
}

/** Returns the numbers of the bits set in a DWORD, ascending. */
export function setBits(dword: number): number[] {
  const bits: number[] = [];
  for (let bit = 0; bit < 32; bit++) if ((dword >>> bit) & 1) bits.push(bit);
  return bits;
}
