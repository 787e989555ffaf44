import { placeCategories, type PlaceCategory } from '../rules/places.ts';

/** Chinese name of each place category, as users and import files write it. */
export const categoryNames: Record<PlaceCategory, string> = {
  designated_parking: '指定停车场',
  government_office: '党政机关办公场所',
  entertainment: '娱乐场所',
  hotel: '宾馆酒店',
  restaurant: '饭店餐馆',
  scenic_spot: '旅游景区',
  school: '学校',
  residential: '居民小区',
  wedding_funeral: '婚丧场所',
  other_unit_parking: '其他单位停车场',
  prefecture_boundary: '地区边界',
  custom: '自定义',
};

/** Categories whose places belong to a unit: a place of these needs a unit id. */
export const unitOwnedCategories: readonly PlaceCategory[] = ['designated_parking', 'other_unit_parking'];

// Common variants of the Chinese names, as people type them in spreadsheets.
const aliases: Record<string, PlaceCategory> = {
  指定停放点: 'designated_parking',
  指定停车点: 'designated_parking',
  机关办公场所: 'government_office',
  党政机关: 'government_office',
  宾馆: 'hotel',
  酒店: 'hotel',
  饭店: 'restaurant',
  餐馆: 'restaurant',
  景区: 'scenic_spot',
  小区: 'residential',
  婚丧嫁娶场所: 'wedding_funeral',
  边界: 'prefecture_boundary',
};

const lookup = new Map<string, PlaceCategory>();
for (const code of placeCategories) {
  lookup.set(code, code);
  lookup.set(categoryNames[code], code);
}
for (const [alias, code] of Object.entries(aliases)) lookup.set(alias, code);

/** Returns the category for an English code or a Chinese name (spaces ignored, codes case-insensitive), or null. */
export function parseCategory(text: string): PlaceCategory | null {
  const key = text.replace(/\s+/g, '');
  return lookup.get(key) ?? lookup.get(key.toLowerCase()) ?? null;
}

/** Lists the accepted spellings, for error messages. */
export function categoryHint(): string {
  return placeCategories.map((code) => `${code} (${categoryNames[code]})`).join(', ');
}
