import type { LineMonitorField, LineMonitorPacketType } from './profile.js';

/**
 * Monitoring-data payload layouts, field by field, from billkin/Online-monitoring
 * `SensorApp/App/GDW_I1_2015/GDW_I1_2015.h` (Q/GDW 1242-2015 structs; packed, no padding). Every
 * payload starts with the monitored component's 17-character ID and the sampling time, except
 * where the standard adds unit numbers first. `decimals` is the precision the header states.
 */

const componentId: LineMonitorField = { key: 'componentId', type: 'ascii', length: 17 };
const sampledAt: LineMonitorField = { key: 'sampledAt', type: 'time32' };
/** Several sensing units on one span: how many, and which one this is. */
const unitSum: LineMonitorField = { key: 'unitSum', type: 'u8' };
const unitNo: LineMonitorField = { key: 'unitNo', type: 'u8' };
const f32 = (key: string, unit: string, decimals: number): LineMonitorField => ({ key, type: 'f32', unit, decimals });

const WEATHER: LineMonitorPacketType = {
  key: 'weather',
  name: 'micro-meteorology',
  fields: [
    componentId,
    sampledAt,
    f32('windSpeedAvg10minMs', 'm/s', 1),
    { key: 'windDirectionAvg10minDeg', type: 'u16', unit: '°' },
    f32('windSpeedMaxMs', 'm/s', 1),
    f32('windSpeedExtremeMs', 'm/s', 1),
    f32('windSpeedStandardMs', 'm/s', 1), // converted to standard height with a log wind profile
    f32('airTemperatureC', '°C', 1),
    { key: 'humidityPct', type: 'u16', unit: '%RH' },
    f32('airPressureHpa', 'hPa', 1),
    f32('rainfallMm', 'mm', 1),
    f32('rainIntensityMmPerMin', 'mm/min', 1),
    { key: 'radiationWm2', type: 'u16', unit: 'W/m²' },
  ],
};

/** billkin comments out Component_ID and Time_Stamp in this one struct; kept here like every other packet. */
const TOWER_TILT: LineMonitorPacketType = {
  key: 'tower-tilt',
  name: 'tower inclination',
  fields: [
    componentId,
    sampledAt,
    f32('inclinationMmPerM', 'mm/m', 1),
    f32('inclinationAlongMmPerM', 'mm/m', 1), // 顺线: along the line (x)
    f32('inclinationAcrossMmPerM', 'mm/m', 1), // 横向: across the line (y)
    f32('angleAlongDeg', '°', 2),
    f32('angleAcrossDeg', '°', 2),
  ],
};

const AEOLIAN_VIBRATION: LineMonitorPacketType = {
  key: 'aeolian-vibration',
  name: 'aeolian vibration features',
  fields: [
    componentId,
    unitSum,
    unitNo,
    sampledAt,
    { key: 'strainAmplitudeMicrostrain', type: 'u16', unit: 'με' },
    f32('bendingAmplitudeMm', 'mm', 3),
    f32('vibrationFrequencyHz', 'Hz', 2),
  ],
};

const CONDUCTOR_SAG: LineMonitorPacketType = {
  key: 'conductor-sag',
  name: 'conductor sag',
  fields: [
    componentId,
    sampledAt,
    f32('sagM', 'm', 3),
    f32('groundClearanceM', 'm', 3),
    f32('clampAngleDeg', '°', 2), // conductor tangent vs horizontal at the clamp
    { key: 'measureMethod', type: 'u8' }, // 0 direct, 1 indirect
  ],
};

/**
 * Conductor temperature. billkin and AwayFromhom agree on this layout, which has no line current;
 * a vendor that appends one can add `{ key: 'lineCurrentA', type: 'f32', unit: 'A' }` in its profile.
 */
const CONDUCTOR_TEMPERATURE: LineMonitorPacketType = {
  key: 'conductor-temperature',
  name: 'conductor temperature',
  fields: [componentId, unitSum, unitNo, sampledAt, f32('lineTemperatureC', '°C', 1)],
};

const ICING: LineMonitorPacketType = {
  key: 'icing',
  name: 'icing and unbalanced tension',
  fields: [
    componentId,
    sampledAt,
    f32('iceThicknessMm', 'mm', 1), // equivalent ice thickness
    f32('tensionN', 'N', 1), // combined suspension load
    f32('tensionDifferenceN', 'N', 1), // unbalanced tension difference
    { key: 'sensorCount', type: 'u8' },
    {
      key: 'sensors',
      type: 'group',
      countField: 'sensorCount',
      fields: [
        { key: 'originalTensionN', type: 'f32', unit: 'N', decimals: 1 },
        { key: 'windDeflectionAngleDeg', type: 'f32', unit: '°', decimals: 2 }, // insulator-string swing
        { key: 'deflectionAngleDeg', type: 'f32', unit: '°', decimals: 2 },
      ],
    },
  ],
};

const WIND_DEFLECTION: LineMonitorPacketType = {
  key: 'wind-deflection',
  name: 'wind deflection',
  fields: [
    componentId,
    sampledAt,
    f32('windDeflectionAngleDeg', '°', 2),
    f32('deflectionAngleDeg', '°', 2),
    f32('minClearanceM', 'm', 3), // minimum electrical clearance
  ],
};

const GALLOPING: LineMonitorPacketType = {
  key: 'galloping',
  name: 'conductor galloping features',
  fields: [
    componentId,
    unitSum,
    unitNo,
    sampledAt,
    f32('amplitudeM', 'm', 3),
    f32('verticalAmplitudeM', 'm', 3),
    f32('horizontalAmplitudeM', 'm', 3),
    f32('ellipseTiltDeg', '°', 2),
    f32('frequencyHz', 'Hz', 2),
  ],
};

const POLLUTION: LineMonitorPacketType = {
  key: 'pollution',
  name: 'site pollution severity',
  fields: [
    componentId,
    sampledAt,
    f32('esddMgCm2', 'mg/cm²', 3), // equivalent salt deposit density
    f32('nsddMgCm2', 'mg/cm²', 3), // non-soluble deposit density
    f32('dailyMaxTemperatureC', '°C', 1),
    f32('dailyMinTemperatureC', '°C', 1),
    { key: 'dailyMaxHumidityPct', type: 'u16', unit: '%RH' },
    { key: 'dailyMinHumidityPct', type: 'u16', unit: '%RH' },
  ],
};

/**
 * Packet_Type codes. The sources disagree: yixin A1000 ProtocolSamplingValidator.java cites the
 * standard's table 2-55 (01 weather, 0C tower tilt, 1E aeolian vibration, 20 sag, 21 conductor
 * temperature, 22 icing, 23 wind deflection, 24 galloping, 5C pollution), while billkin's
 * commented-out code numbers the same list 01..0B (CONSECUTIVE_PACKET_TYPES). The default follows
 * the one that cites the standard. The waveform packets (1F vibration, 25 galloping trajectory)
 * are not decoded: their payload comes back as hex.
 */
export const DEFAULT_PACKET_TYPES: Readonly<Record<number, LineMonitorPacketType>> = {
  0x01: WEATHER,
  0x0c: TOWER_TILT,
  0x1e: AEOLIAN_VIBRATION,
  0x20: CONDUCTOR_SAG,
  0x21: CONDUCTOR_TEMPERATURE,
  0x22: ICING,
  0x23: WIND_DEFLECTION,
  0x24: GALLOPING,
  0x5c: POLLUTION,
};

/** billkin/Online-monitoring's numbering (GDW_Protocol.c, commented out): the same layouts at 01..0B. */
export const CONSECUTIVE_PACKET_TYPES: Readonly<Record<number, LineMonitorPacketType>> = {
  0x01: WEATHER,
  0x02: TOWER_TILT,
  0x03: AEOLIAN_VIBRATION,
  0x05: CONDUCTOR_SAG,
  0x06: CONDUCTOR_TEMPERATURE,
  0x07: ICING,
  0x08: WIND_DEFLECTION,
  0x09: GALLOPING,
  0x0b: POLLUTION,
};
