import type { Pass } from './pass.js';

export interface PassJson {
  satellite: { name: string; noradId: number };
  aos: string;
  tca: string;
  los: string;
  maxElevationDeg: number;
  aosAzimuthDeg: number;
  losAzimuthDeg: number;
  truncated: boolean;
}

/** The passes document shared by the CLI and the API: ISO times (ms), angles to 0.001°. */
export function passesToJson(passes: readonly Pass[]): { passes: PassJson[] } {
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    passes: passes.map((p) => ({
      satellite: { name: p.satellite.name, noradId: p.satellite.noradId },
      aos: new Date(p.aos).toISOString(),
      tca: new Date(p.tca).toISOString(),
      los: new Date(p.los).toISOString(),
      maxElevationDeg: r3(p.maxElevationDeg),
      aosAzimuthDeg: r3(p.aosAzimuthDeg),
      losAzimuthDeg: r3(p.losAzimuthDeg),
      truncated: p.truncated,
    })),
  };
}
