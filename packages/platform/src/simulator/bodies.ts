import { createHash } from 'node:crypto';
import type { HeaderEdition, MessageBody } from '@gongche/jt808';

const terminalIdSpace = 36n ** 7n;

/**
 * Returns the 7-character terminal ID (upper-case letters and digits) of a simulated terminal:
 * its phone number without leading zeros in base 36, so that no two phones share one. The rules
 * treat a terminal ID seen on two phones as a swapped device. A number of 36^7 or more (only
 * 2019 phones can be that long) gets a digest of the phone instead, which is unique only with
 * high probability.
 */
export function simulatedTerminalId(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^0+/, '') || '0';
  const value = BigInt(digits);
  const id = value < terminalIdSpace ? value : BigInt(`0x${createHash('sha256').update(digits).digest('hex').slice(0, 16)}`) % terminalIdSpace;
  return id.toString(36).toUpperCase().padStart(7, '0');
}

export interface RegistrationFields {
  phone: string;
  edition: HeaderEdition;
  terminalModel: string;
  /** Plate; empty sends a VIN-style identifier with plate colour 0. */
  plate: string;
  plateColor: number;
  /** The terminal ID the registry already has for the phone; default simulatedTerminalId(phone). */
  terminalId?: string | undefined;
}

/** Builds the 0x0100 registration of a simulated terminal in Kashgar city, in the body layout of the header edition. */
export function registrationBody(fields: RegistrationFields): MessageBody {
  const digits = fields.phone.replace(/^0+/, '');
  return {
    messageId: 0x0100,
    body: {
      layout: fields.edition === '2019' ? '2019' : '2013',
      provinceId: 65, // Xinjiang
      cityId: 3101, // Kashgar city (administrative division 653101)
      manufacturerId: 'GCSIM',
      terminalModel: fields.terminalModel,
      terminalId: fields.terminalId ?? simulatedTerminalId(fields.phone),
      plateColor: fields.plate ? fields.plateColor : 0,
      plate: fields.plate || `SIM${digits}`.slice(0, 17),
    },
  };
}

/** Builds the 0x0107 terminal attributes of a simulated terminal; its ICCID is derived from the phone, like its terminal ID. */
export function attributesBody(phone: string, terminalModel: string, terminalId = simulatedTerminalId(phone)): MessageBody {
  const digits = phone.replace(/\D/g, '');
  return {
    messageId: 0x0107,
    body: {
      terminalType: 0b0000_0011, // passenger vehicle terminal (bits 0 and 1)
      manufacturerId: 'GCSIM',
      terminalModel,
      terminalId,
      iccid: `8986${digits.padStart(16, '0').slice(-16)}`,
      hardwareVersion: 'GCSIM-HW1',
      firmwareVersion: 'GCSIM-1.0',
      gnssAttributes: 0b0011, // GPS and BeiDou
      commAttributes: 0b0000_0010, // GPRS
    },
  };
}

/** Builds the 0x0102 authentication; the 2019 layout adds an IMEI and a software version. */
export function authenticationBody(authCode: string, phone: string, edition: HeaderEdition): MessageBody {
  const body = edition === '2019' ? { authCode, imei: imeiFor(phone), softwareVersion: 'GCSIM-1.0' } : { authCode };
  return { messageId: 0x0102, body };
}

/** Derives a made-up but stable 15-digit IMEI from a phone number. */
function imeiFor(phone: string): string {
  return `86${phone.replace(/\D/g, '').padStart(13, '0').slice(-13)}`;
}
