/** Province abbreviations that open a Chinese motor-vehicle plate (GA 36). */
const provinces = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
// Plate letters exclude I and O, which read as 1 and 0.
const letter = 'A-HJ-NP-Z';

const ordinary = new RegExp(`^[${provinces}][${letter}][${letter}0-9]{4}[${letter}0-9挂学警港澳领使]$`);
const newEnergySmall = new RegExp(`^[${provinces}][${letter}][DF][${letter}0-9][0-9]{4}$`);
const newEnergyLarge = new RegExp(`^[${provinces}][${letter}][0-9]{5}[DF]$`);

/** Normalises a plate as users type it: full-width letters and digits to ASCII, upper case, no spaces or dots. */
export function normalisePlate(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s·.\-]/g, '')
    .toUpperCase();
}

/** Returns why a (normalised) plate is not a valid Chinese plate, or null when it is. */
export function plateProblem(plate: string): string | null {
  const length = [...plate].length;
  if (length !== 7 && length !== 8) return `must have 7 characters (ordinary) or 8 (new-energy), got ${length}`;
  if (!provinces.includes(plate[0] ?? '')) return `must start with a province abbreviation such as 新, got "${plate[0]}"`;
  if (length === 7 && ordinary.test(plate)) return null;
  if (length === 8 && (newEnergySmall.test(plate) || newEnergyLarge.test(plate))) return null;
  return length === 7
    ? 'ordinary plates are province + city letter + 5 letters or digits (no I or O)'
    : 'new-energy plates are province + city letter + D/F + 5 characters, or + 5 digits + D/F';
}
