import { parseScenario, type Scenario } from '../../src/twin/index.js';

export const T0 = Date.parse('2026-01-15T00:00:00Z');

/**
 * A small scenario for end-to-end tests: 12 satellites, two stations, ~40 terminals of the three
 * solutions (fixed, moving and blind ones), reporting every 20 minutes, with downlinks.
 */
export function smallScenario(over: Record<string, unknown> = {}): Scenario {
  return parseScenario(
    {
      name: 'small',
      seed: 42,
      hours: 3,
      speed: 'max',
      constellation: { walker: { design: '45:12/3/1', altitudeKm: 550 } },
      groundStations: [
        { id: 'miyun', name: 'Miyun', lat: 40.45, lon: 116.85, minElevationDeg: 5 },
        { id: 'kashi', name: 'Kashi', lat: 39.5, lon: 76.0, minElevationDeg: 5 },
      ],
      tenants: [
        {
          name: 'water',
          sector: 'water',
          fleets: [
            {
              name: 'yangtze',
              count: 10,
              protocol: 'sl651',
              profile: 'fixed-collector',
              mobility: {
                kind: 'fixed',
                along: [
                  [28.77, 104.63],
                  [30.59, 114.31],
                  [31.39, 121.5],
                ],
              },
              traffic: { periodMinutes: 20, eventsPerDay: 4, emergencyShare: 0.5, downlinksPerDay: 12 },
            },
          ],
        },
        {
          name: 'power',
          sector: 'power',
          fleets: [
            {
              name: 'line',
              count: 10,
              protocol: 'line-monitor',
              profile: 'fixed-collector',
              mobility: {
                kind: 'fixed',
                along: [
                  [42.83, 93.51],
                  [36.06, 103.83],
                ],
              },
              traffic: { periodMinutes: 20, eventsPerDay: 2, emergencyShare: 0.5 },
            },
          ],
        },
        {
          name: 'logistics',
          sector: 'logistics',
          fleets: [
            {
              name: 'trucks',
              count: 10,
              protocol: 'jt808',
              profile: 'vehicle',
              mobility: {
                kind: 'route',
                cities: [
                  [39.9, 116.4],
                  [34.75, 113.62],
                  [30.59, 114.31],
                ],
                speedKmh: 80,
              },
              traffic: { periodMinutes: 20 },
            },
            {
              name: 'wearables',
              count: 8,
              protocol: 'jt808',
              profile: 'wearable',
              mobility: { kind: 'area', box: [41, 105, 45, 118] },
              traffic: { periodMinutes: 30, waitForSatellite: false },
            },
          ],
        },
      ],
      ...over,
    },
    { defaultStart: T0 },
  );
}
