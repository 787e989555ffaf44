/** Terminal as GET /api/terminals returns it. The legacy auth code is write-only and never returned. */
export interface Terminal {
  id: number;
  phone: string;
  vehicleId: number | null;
  terminalId: string | null;
  manufacturerId: string | null;
  terminalModel: string | null;
  imei: string | null;
  iccid: string | null;
  edition: string | null;
  lastSeenAt: string | null;
  online: boolean;
}

/** Response of POST /api/registry/import. */
export interface RegistryImportResult {
  imported: boolean;
  vehicles: number;
  terminals: number;
  unitsCreated: string[];
}
