/** One pass of a satellite over a site above a minimum elevation. Times are Unix ms (UTC). */
export interface Pass {
  readonly satellite: { readonly name: string; readonly noradId: number };
  readonly aos: number;
  readonly tca: number;
  readonly los: number;
  readonly maxElevationDeg: number;
  readonly aosAzimuthDeg: number;
  readonly losAzimuthDeg: number;
  /** The pass was cut by the window's start or end: aos or los is the window edge. */
  readonly truncated: boolean;
}
