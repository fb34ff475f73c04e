import { CHINA_GROUND_STATIONS } from '../../plan/ground-station.js';
import type { LatLon } from './scenario.js';

// City coordinates (rounded to 0.01°) for routes, rivers and lines.
const C = {
  beijing: [39.9, 116.4],
  shijiazhuang: [38.04, 114.51],
  zhengzhou: [34.75, 113.62],
  wuhan: [30.59, 114.31],
  changsha: [28.23, 112.94],
  guangzhou: [23.13, 113.26],
  shanghai: [31.23, 121.47],
  nanjing: [32.06, 118.8],
  hefei: [31.82, 117.23],
  xian: [34.34, 108.94],
  lanzhou: [36.06, 103.83],
  urumqi: [43.83, 87.62],
  chengdu: [30.57, 104.07],
  chongqing: [29.56, 106.55],
  kunming: [25.04, 102.71],
  lhasa: [29.65, 91.1],
  hami: [42.83, 93.51],
  jiuquan: [39.73, 98.49],
  zhangye: [38.93, 100.45],
  wuwei: [37.93, 102.64],
} satisfies Record<string, LatLon>;

/** Hydrological stations along the Yangtze (Yibin → Wusong) and the Yellow River (Lanzhou → Lijin). */
const YANGTZE: LatLon[] = [
  [28.77, 104.63],
  [29.56, 106.55],
  [30.69, 111.29],
  [30.59, 114.31],
  [29.71, 116.0],
  [30.52, 117.05],
  [32.06, 118.8],
  [31.39, 121.5],
];
const YELLOW: LatLon[] = [
  [36.06, 103.83],
  [38.49, 106.23],
  [40.66, 109.84],
  [34.54, 110.25],
  [34.91, 113.66],
  [36.72, 117.0],
  [37.49, 118.26],
];

const STATIONS = ['miyun', 'kashi', 'sanya', 'jiamusi', 'kunming'];

/**
 * The built-in scenario `china-trial`: a 36-satellite Walker constellation at 550 km, five ground
 * stations at Chinese sites, and the three solutions' fleets. Traffic is a few to a few dozen
 * reports per terminal per day, as design.md expects of the trial's terminals.
 */
export const CHINA_TRIAL: Record<string, unknown> = {
  name: 'china-trial',
  seed: 20_260_115,
  hours: 24,
  speed: 60,
  constellation: { walker: { design: '45:36/6/1', altitudeKm: 550 } },
  groundStations: CHINA_GROUND_STATIONS.filter((g) => STATIONS.includes(g.id)).map((g) => ({
    id: g.id,
    name: g.name,
    lat: g.latDeg,
    lon: g.lonDeg,
    altM: g.altM,
    minElevationDeg: g.minElevationDeg,
  })),
  tenants: [
    {
      name: 'Yangtze & Yellow River Hydrology',
      sector: 'water',
      fleets: [
        {
          name: 'yangtze-stations',
          count: 30,
          protocol: 'sl651',
          profile: 'fixed-collector',
          mobility: { kind: 'fixed', along: YANGTZE, jitterKm: 3 },
          traffic: {
            periodMinutes: 60,
            eventsPerDay: 1,
            emergencyShare: 0.5,
            waitForSatellite: true,
            downlinksPerDay: 0.5,
          },
        },
        {
          name: 'yellow-river-stations',
          count: 30,
          protocol: 'sl651',
          profile: 'fixed-collector',
          mobility: { kind: 'fixed', along: YELLOW, jitterKm: 3 },
          traffic: {
            periodMinutes: 60,
            eventsPerDay: 1,
            emergencyShare: 0.5,
            waitForSatellite: true,
            downlinksPerDay: 0.5,
          },
        },
      ],
    },
    {
      name: 'Western Grid Line Monitoring',
      sector: 'power',
      fleets: [
        {
          name: 'hami-lanzhou-line',
          count: 40,
          protocol: 'line-monitor',
          profile: 'fixed-collector',
          mobility: { kind: 'fixed', along: [C.hami, C.jiuquan, C.zhangye, C.wuwei, C.lanzhou], jitterKm: 0.5 },
          traffic: {
            periodMinutes: 120,
            eventsPerDay: 0.5,
            emergencyShare: 0.3,
            waitForSatellite: true,
            downlinksPerDay: 0.2,
          },
        },
      ],
    },
    {
      name: 'Silk Road Logistics',
      sector: 'logistics',
      fleets: [
        {
          name: 'trucks-north-south',
          count: 20,
          protocol: 'jt808',
          profile: 'vehicle',
          mobility: {
            kind: 'route',
            cities: [C.beijing, C.shijiazhuang, C.zhengzhou, C.wuhan, C.changsha, C.guangzhou],
            speedKmh: 75,
            dwellMinutes: 60,
          },
          traffic: {
            periodMinutes: 30,
            eventsPerDay: 0.5,
            emergencyShare: 0.2,
            waitForSatellite: true,
            downlinksPerDay: 0.5,
          },
        },
        {
          name: 'trucks-east-west',
          count: 20,
          protocol: 'jt808',
          profile: 'vehicle',
          mobility: {
            kind: 'route',
            cities: [C.shanghai, C.nanjing, C.hefei, C.xian, C.lanzhou, C.urumqi],
            speedKmh: 75,
            dwellMinutes: 60,
          },
          traffic: {
            periodMinutes: 30,
            eventsPerDay: 0.5,
            emergencyShare: 0.2,
            waitForSatellite: true,
            downlinksPerDay: 0.5,
          },
        },
        {
          name: 'fishing-east-china-sea',
          count: 30,
          protocol: 'jt808',
          profile: 'vessel',
          mobility: { kind: 'drift', box: [27, 121.5, 32, 125], speedKmh: 8 },
          traffic: {
            periodMinutes: 60,
            eventsPerDay: 0.2,
            emergencyShare: 1,
            waitForSatellite: true,
            downlinksPerDay: 0.2,
          },
        },
        {
          name: 'handhelds-plateau',
          count: 20,
          protocol: 'jt808',
          profile: 'handheld',
          mobility: { kind: 'area', box: [31, 85, 36, 97] },
          traffic: {
            periodMinutes: 240,
            eventsPerDay: 0.2,
            emergencyShare: 1,
            waitForSatellite: true,
            downlinksPerDay: 0,
          },
        },
        {
          name: 'wearables-grassland',
          count: 20,
          protocol: 'jt808',
          profile: 'wearable',
          mobility: { kind: 'area', box: [41, 105, 45, 118] },
          traffic: {
            periodMinutes: 180,
            eventsPerDay: 0.1,
            emergencyShare: 1,
            waitForSatellite: false,
            downlinksPerDay: 0,
          },
        },
        {
          name: 'cargo-aircraft',
          count: 2,
          protocol: 'jt808',
          profile: 'aircraft',
          mobility: {
            kind: 'route',
            cities: [C.chengdu, C.lhasa, C.urumqi, C.beijing],
            speedKmh: 800,
            dwellMinutes: 90,
            altM: 10_000,
          },
          traffic: {
            periodMinutes: 15,
            eventsPerDay: 0,
            emergencyShare: 0,
            waitForSatellite: true,
            downlinksPerDay: 0,
          },
        },
      ],
    },
  ],
};

/**
 * The built-in scenario `china-mixed`: `china-trial` with terrestrial LoRa gateways beside the
 * satellites — on the Yangtze's banks at its hydrological stations and in the logistics parks the
 * trucks pass through — so one network hears a terminal on the ground when it is in range and
 * from orbit when it is not (docs/interop.md, docs/twin.md).
 */
export const CHINA_MIXED: Record<string, unknown> = {
  ...CHINA_TRIAL,
  name: 'china-mixed',
  terrestrialGateways: [
    ...YANGTZE.map(([lat, lon], k) => ({
      id: `yangtze-bank-${k + 1}`,
      name: `Yangtze bank ${k + 1}`,
      lat,
      lon,
      altM: 30,
      rangeKm: 25,
    })),
    {
      id: 'park-zhengzhou',
      name: 'Zhengzhou logistics park',
      lat: C.zhengzhou[0],
      lon: C.zhengzhou[1],
      altM: 110,
      rangeKm: 15,
    },
    { id: 'park-wuhan', name: 'Wuhan logistics park', lat: C.wuhan[0], lon: C.wuhan[1], altM: 40, rangeKm: 15 },
    { id: 'park-xian', name: "Xi'an logistics park", lat: C.xian[0], lon: C.xian[1], altM: 400, rangeKm: 15 },
    { id: 'park-nanjing', name: 'Nanjing logistics park', lat: C.nanjing[0], lon: C.nanjing[1], altM: 20, rangeKm: 15 },
  ],
};

/**
 * The built-in scenario `china-demo` (what `satiot demo` runs): `china-trial` with six flood gauges
 * on the Yangtze reporting every 10 minutes, as stations do in flood season. Each sees a flood wave
 * every 30 hours, rising 1.5 m over 6 hours, and has a warning line 1 m above its usual level, so
 * within minutes of the start the water tenant sees a crest foreseen, and the pre-alarm's command
 * switches that station to intensive reporting through an automated decision (docs/intelligence.md).
 */
export const CHINA_DEMO: Record<string, unknown> = {
  ...CHINA_TRIAL,
  name: 'china-demo',
  tenants: (CHINA_TRIAL['tenants'] as Array<{ sector: string; fleets: unknown[] }>).map((t) =>
    t.sector !== 'water'
      ? t
      : {
          ...t,
          fleets: [
            ...t.fleets,
            {
              name: 'yangtze-flood-gauges',
              count: 6,
              protocol: 'sl651',
              profile: 'fixed-collector',
              mobility: { kind: 'fixed', along: YANGTZE.slice(1, 5), jitterKm: 3 },
              traffic: {
                periodMinutes: 10,
                eventsPerDay: 0,
                emergencyShare: 0,
                waitForSatellite: true,
                downlinksPerDay: 0,
              },
              gauge: { floodEveryHours: 30, floodRiseHours: 6, floodPeakM: 1.5, warningAboveM: 1 },
            },
          ],
        },
  ),
};
