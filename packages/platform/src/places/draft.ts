import { AppError } from '../errors.ts';
import { checkPlace, type PlaceCategory, type PlaceShape } from '../rules/places.ts';
import { categoryNames, unitOwnedCategories } from './categories.ts';

/** A place before it is stored: from the API, an import file or the demo set. */
export interface PlaceDraft {
  name: string;
  category: PlaceCategory;
  unitId: number | null;
  shape: PlaceShape;
  remarks: string | null;
}

export const maxNameLength = 100;
/** Largest circle radius accepted, in metres; a larger area should be a polygon. */
export const maxRadiusM = 100_000;
/** Maximum number of vertices in one place, over all rings. A detailed prefecture boundary has a few thousand. */
export const maxVertices = 100_000;

function vertexCount(shape: PlaceShape): number {
  if (shape.kind === 'circle') return 1;
  const polygons = shape.kind === 'polygon' ? [shape.rings] : shape.polygons;
  return polygons.reduce((sum, rings) => sum + rings.reduce((n, ring) => n + ring.length, 0), 0);
}

/** A problem of a draft and the field it concerns. */
export interface DraftProblem {
  field: 'name' | 'unit' | 'shape';
  reason: string;
}

/** Returns what is wrong with a draft, or null when it can be stored. Unit existence is checked by the caller. */
export function draftProblem(draft: PlaceDraft): DraftProblem | null {
  const name = draft.name.trim();
  if (name === '') return { field: 'name', reason: 'missing name' };
  if ([...name].length > maxNameLength) return { field: 'name', reason: `name longer than ${maxNameLength} characters` };
  if (unitOwnedCategories.includes(draft.category) && draft.unitId === null) {
    return { field: 'unit', reason: `a place of category ${draft.category} (${categoryNames[draft.category]}) needs the unit it belongs to` };
  }
  if (draft.shape.kind === 'circle' && draft.shape.radiusM > maxRadiusM) {
    return { field: 'shape', reason: `radius ${draft.shape.radiusM} m is larger than ${maxRadiusM} m; draw a polygon instead` };
  }
  if (vertexCount(draft.shape) > maxVertices) return { field: 'shape', reason: `shape has more than ${maxVertices} vertices; simplify it` };
  try {
    checkPlace({ id: 0, ...draft, name: '' });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    // checkPlace names the place as "Invalid place 0 (): problem"; keep the problem.
    return { field: 'shape', reason: error.message.replace('Invalid place 0 (): ', '') };
  }
  return null;
}
