/** The industry a terminal serves, from its payload codec (docs/solutions.md). */
export type Sector = 'logistics' | 'power' | 'water' | 'other';

export function sectorOf(codec: string | undefined): Sector {
  if (codec === 'jt808') return 'logistics';
  if (codec === 'line-monitor' || codec === 'dlt645') return 'power';
  if (codec === 'sl651') return 'water';
  return 'other';
}

/** The sectors in the order legends and counts list them. */
export const SECTORS: readonly Sector[] = ['logistics', 'power', 'water', 'other'];

export const SECTOR_COLOURS: Record<Sector, string> = {
  logistics: '#f59e0b',
  power: '#a78bfa',
  water: '#38bdf8',
  other: '#94a3b8',
};
