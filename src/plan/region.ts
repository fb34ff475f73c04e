/**
 * A named area to plan over, as GeoJSON polygon rings (lon, lat degrees). Loading presets and
 * files is the job of src/regions; the planner only grids what it is given.
 */
export interface Region {
  readonly name: string;
  /** MultiPolygon coordinates: polygons → rings → [lon, lat]. */
  readonly polygons: ReadonlyArray<ReadonlyArray<ReadonlyArray<readonly [number, number]>>>;
}
