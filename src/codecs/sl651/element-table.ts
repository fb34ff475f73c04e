/**
 * SL 651-2014 element identifiers (要素标识符). Names from Quick.SL651 Enums/ElementCodes.cs and the
 * standard; digits N(d,p) (total digits, decimals) from yu-xiaoyao/sl651-2014-server. The standard data
 * definition byte is (ceil(d/2) << 3) | p: e.g. water level N(7,3) -> 4 bytes, 3 decimals -> 0x23.
 * Keys end in the unit (`waterLevelM`, `rainCurrentMm`), as the codec contract asks.
 */

/**
 * How the value bytes read: `bcd` a BCD number (0xFF first byte = minus, all 0xFF = invalid);
 * `bits` an unsigned HEX bit field (0x45 status); `timeStep` BCD DDHHMM read as minutes;
 * `rainSeries`/`levelSeries` the twelve 5-minute HEX values of F4 / F5-FC (fixed size, the definition
 * byte is ignored because some provinces send a wrong one); `text` F2 manual data (ASCII to the end of
 * the body); `raw` F3 picture bytes (to the end of the body).
 */
export type Sl651ElementKind = 'bcd' | 'bits' | 'timeStep' | 'rainSeries' | 'levelSeries' | 'text' | 'raw';

export interface Sl651ElementInfo {
  readonly id: number;
  /** The identifier the ASCII mode sends (PJ, Z, VT ...). */
  readonly mnemonic: string;
  readonly key: string;
  readonly name: string;
  readonly nameZh: string;
  readonly unit: string | null;
  /** Total decimal digits and decimals of the standard definition (0 for the series, text and raw kinds). */
  readonly digits: number;
  readonly decimals: number;
  readonly kind: Sl651ElementKind;
}

type Row = [
  id: number,
  mnemonic: string,
  key: string,
  name: string,
  nameZh: string,
  unit: string | null,
  digits: number,
  decimals: number,
  kind?: Sl651ElementKind,
];

/** Eight numbered elements in a row (intake flows 1-8, water pressures 1-8 ...). */
function eight(
  first: number,
  mnemonic: (n: number) => string,
  key: (n: number) => string,
  name: string,
  nameZh: string,
  unit: string | null,
  digits: number,
  decimals: number,
): Row[] {
  return [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [
    first + n - 1,
    mnemonic(n),
    key(n),
    `${name} ${n}`,
    `${nameZh}${n}`,
    unit,
    digits,
    decimals,
  ]);
}

const SOIL_DEPTHS_CM = [10, 20, 30, 40, 50, 60, 80, 100];

const ROWS: Row[] = [
  [0x01, 'AC', 'sectionAreaM2', 'cross-section area', '断面面积', 'm²', 8, 2],
  [0x02, 'AI', 'airTempC', 'air temperature', '瞬时气温', '°C', 3, 1],
  [0x03, 'C', 'waterTempC', 'water temperature', '瞬时水温', '°C', 3, 1],
  [0x04, 'DRxnn', 'timeStepMin', 'time step', '时间步长码', 'min', 6, 0, 'timeStep'],
  [0x05, 'DT', 'periodHhMm', 'period length (hours.minutes)', '时段长', 'HH.MM', 4, 2],
  [0x06, 'ED', 'evaporationDailyMm', 'daily evaporation', '日蒸发量', 'mm', 5, 1],
  [0x07, 'EJ', 'evaporationCurrentMm', 'current evaporation', '当前蒸发', 'mm', 5, 1],
  [0x08, 'FL', 'airPressureHpa', 'air pressure', '气压', 'hPa', 5, 0],
  [0x09, 'GH', 'gateOpeningM', 'gate opening height', '闸坝、水库闸门开启高度', 'm', 5, 2],
  [0x0a, 'GN', 'gateNumber', 'gate (group) number', '输水设备、闸门(组)编号', null, 3, 0],
  [0x0b, 'GS', 'deviceType', 'water-conveyance device type', '输水设备类别', null, 1, 0],
  [0x0c, 'GT', 'gatesOpen', 'number of open gates', '水库、闸坝闸门开启孔数', null, 3, 0],
  [0x0d, 'GTP', 'groundTempC', 'ground temperature', '地温', '°C', 3, 1],
  [0x0e, 'H', 'groundwaterDepthM', 'groundwater depth', '地下水瞬时埋深', 'm', 6, 2],
  // yu-xiaoyao's two tables disagree on wave height (N(5,2) and N(3,1)); the enum's N(5,2) is kept.
  [0x0f, 'HW', 'waveHeightM', 'wave height', '波浪高度', 'm', 5, 2],
  ...SOIL_DEPTHS_CM.map((cm, i): Row => [
    0x10 + i,
    `M${cm}`,
    `soilMoisture${cm}cmPct`,
    `soil moisture at ${cm} cm`,
    `${cm}厘米处土壤含水量`,
    '%',
    4,
    1,
  ]),
  [0x18, 'MST', 'humidityPct', 'humidity', '湿度', '%', 4, 1],
  [0x19, 'NS', 'unitsRunning', 'units running', '开机台数', null, 2, 0],
  [0x1a, 'P1', 'rain1hMm', '1-hour rainfall', '1小时时段降水量', 'mm', 5, 1],
  [0x1b, 'P2', 'rain2hMm', '2-hour rainfall', '2小时时段降水量', 'mm', 5, 1],
  [0x1c, 'P3', 'rain3hMm', '3-hour rainfall', '3小时时段降水量', 'mm', 5, 1],
  [0x1d, 'P6', 'rain6hMm', '6-hour rainfall', '6小时时段降水量', 'mm', 5, 1],
  [0x1e, 'P12', 'rain12hMm', '12-hour rainfall', '12小时时段降水量', 'mm', 5, 1],
  [0x1f, 'PD', 'rainDailyMm', 'daily rainfall', '日降水量', 'mm', 5, 1],
  [0x20, 'PJ', 'rainCurrentMm', 'current rainfall', '当前降水量', 'mm', 5, 1],
  [0x21, 'PN01', 'rain1minMm', '1-minute rainfall', '1分钟时段降水量', 'mm', 5, 1],
  [0x22, 'PN05', 'rain5minMm', '5-minute rainfall', '5分钟时段降水量', 'mm', 5, 1],
  [0x23, 'PN10', 'rain10minMm', '10-minute rainfall', '10分钟时段降水量', 'mm', 5, 1],
  [0x24, 'PN30', 'rain30minMm', '30-minute rainfall', '30分钟时段降水量', 'mm', 5, 1],
  [0x25, 'PR', 'rainStormMm', 'storm rainfall', '暴雨量', 'mm', 5, 1],
  [0x26, 'PT', 'rainAccumulatedMm', 'accumulated rainfall', '降水量累计值', 'mm', 6, 1],
  [0x27, 'Q', 'flowM3s', 'instantaneous flow', '瞬时流量、抽水流量', 'm³/s', 9, 3],
  ...eight(
    0x28,
    (n) => `Q${n}`,
    (n) => `intakeFlow${n}M3s`,
    'intake/outlet flow',
    '取(排)水口流量',
    'm³/s',
    9,
    3,
  ),
  [0x30, 'QA', 'outflowTotalM3s', 'total outflow', '总出库流量、过闸总流量', 'm³/s', 9, 3],
  [0x31, 'QZ', 'deviceFlowM3s', 'device (gate group) flow', '输水设备流量、过闸(组)流量', 'm³/s', 9, 3],
  [0x32, 'SW', 'sedimentTransport10kT', 'sediment transport', '输沙量', '10⁴ t', 11, 3],
  [0x33, 'UC', 'windDirection', 'wind direction', '风向', null, 2, 0],
  [0x34, 'UE', 'windForce', 'wind force (Beaufort level)', '风力(级)', null, 2, 0],
  [0x35, 'US', 'windSpeedMs', 'wind speed', '风速', 'm/s', 4, 1],
  [0x36, 'VA', 'velocityMeanMs', 'cross-section mean velocity', '断面平均流速', 'm/s', 5, 3],
  [0x37, 'VJ', 'velocityMs', 'instantaneous velocity', '当前瞬时流速', 'm/s', 5, 3],
  [0x38, 'VT', 'voltageV', 'supply voltage', '电源电压', 'V', 4, 2],
  [0x39, 'Z', 'waterLevelM', 'instantaneous river (tide) level', '瞬时河道水位、潮位', 'm', 7, 3],
  [0x3a, 'ZB', 'downstreamLevelM', 'level below the dam, gate or station', '库(闸、站)下水位', 'm', 7, 3],
  [0x3b, 'ZU', 'reservoirLevelM', 'reservoir level (above the dam, gate or station)', '库(闸、站)上水位', 'm', 7, 3],
  ...eight(
    0x3c,
    (n) => `Z${n}`,
    (n) => `intakeLevel${n}M`,
    'intake/outlet level',
    '取(排)水口水位',
    'm',
    7,
    3,
  ),
  [0x44, 'SQ', 'sedimentConcentrationKgM3', 'sediment concentration', '含沙量', 'kg/m³', 9, 3],
  [0x45, 'ZT', 'statusBits', 'station status and alarm bits', '遥测站状态及报警信息', null, 8, 0, 'bits'],
  [0x46, 'PH', 'ph', 'pH', 'pH值', null, 4, 2],
  [0x47, 'DO', 'dissolvedOxygenMgL', 'dissolved oxygen', '溶解氧', 'mg/L', 4, 2],
  [0x48, 'COND', 'conductivityUsCm', 'conductivity', '电导率', 'µS/cm', 5, 0],
  [0x49, 'TURB', 'turbidityDeg', 'turbidity', '浊度', 'degree', 3, 0],
  [0x4a, 'CODMN', 'permanganateIndexMgL', 'permanganate index (CODMn)', '高锰酸盐指数', 'mg/L', 4, 1],
  [0x4b, 'REDOX', 'redoxMv', 'redox potential', '氧化还原电位', 'mV', 5, 1],
  [0x4c, 'NH4N', 'ammoniaNitrogenMgL', 'ammonia nitrogen', '氨氮', 'mg/L', 6, 2],
  [0x4d, 'TP', 'totalPhosphorusMgL', 'total phosphorus', '总磷', 'mg/L', 5, 3],
  [0x4e, 'TN', 'totalNitrogenMgL', 'total nitrogen', '总氮', 'mg/L', 5, 2],
  [0x4f, 'TOC', 'totalOrganicCarbonMgL', 'total organic carbon', '总有机碳', 'mg/L', 4, 2],
  [0x50, 'CU', 'copperMgL', 'copper', '铜', 'mg/L', 7, 4],
  [0x51, 'ZN', 'zincMgL', 'zinc', '锌', 'mg/L', 6, 4],
  [0x52, 'SE', 'seleniumMgL', 'selenium', '硒', 'mg/L', 7, 5],
  [0x53, 'AS', 'arsenicMgL', 'arsenic', '砷', 'mg/L', 7, 5],
  [0x54, 'THG', 'mercuryMgL', 'total mercury', '总汞', 'mg/L', 7, 5],
  [0x55, 'CD', 'cadmiumMgL', 'cadmium', '镉', 'mg/L', 7, 5],
  [0x56, 'PB', 'leadMgL', 'lead', '铅', 'mg/L', 7, 5],
  [0x57, 'CHLA', 'chlorophyllAMgL', 'chlorophyll a', '叶绿素a', 'mg/L', 4, 2],
  ...eight(
    0x58,
    (n) => `WP${n}`,
    (n) => `waterPressure${n}Kpa`,
    'water pressure',
    '水压',
    'kPa',
    5,
    2,
  ),
  ...eight(
    0x60,
    (n) => `SYL${n}`,
    (n) => `meter${n}RemainingM3`,
    'water meter remaining volume',
    '水表剩余水量',
    'm³',
    11,
    3,
  ),
  ...eight(
    0x68,
    (n) => `SBL${n}`,
    (n) => `meter${n}HourlyM3h`,
    'water meter hourly volume',
    '水表每小时水量',
    'm³/h',
    10,
    2,
  ),
  [0x70, 'VTA', 'acVoltageAV', 'AC phase A voltage', '交流A相电压', 'V', 4, 1],
  [0x71, 'VTB', 'acVoltageBV', 'AC phase B voltage', '交流B相电压', 'V', 4, 1],
  [0x72, 'VTC', 'acVoltageCV', 'AC phase C voltage', '交流C相电压', 'V', 4, 1],
  [0x73, 'VIA', 'acCurrentAA', 'AC phase A current', '交流A相电流', 'A', 4, 1],
  [0x74, 'VIB', 'acCurrentBA', 'AC phase B current', '交流B相电流', 'A', 4, 1],
  [0x75, 'VIC', 'acCurrentCA', 'AC phase C current', '交流C相电流', 'A', 4, 1],
  [0xf2, 'RGZS', 'manualData', 'manual data', '人工置数', null, 0, 0, 'text'],
  [0xf3, 'PIC', 'picture', 'picture', '图片信息', null, 0, 0, 'raw'],
  // Twelve 5-minute values of the hour: rain 1 HEX byte each in 0.1 mm, levels 2 HEX bytes each in cm.
  [
    0xf4,
    'DRP',
    'rain5minSeriesMm',
    '5-minute rainfalls of the hour',
    '1小时内每5分钟时段雨量',
    'mm',
    0,
    1,
    'rainSeries',
  ],
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n): Row => [
    0xf4 + n,
    `DRZ${n}`,
    `relLevel${n}SeriesM`,
    `5-minute relative water levels ${n}`,
    `1小时内5分钟间隔相对水位${n}`,
    'm',
    0,
    2,
    'levelSeries',
  ]),
];

export const SL651_ELEMENTS: readonly Sl651ElementInfo[] = ROWS.map(
  ([id, mnemonic, key, name, nameZh, unit, digits, decimals, kind]) => ({
    id,
    mnemonic,
    key,
    name,
    nameZh,
    unit,
    digits,
    decimals,
    kind: kind ?? 'bcd',
  }),
);

const BY_ID = new Map(SL651_ELEMENTS.map((e) => [e.id, e]));
const BY_MNEMONIC = new Map(SL651_ELEMENTS.map((e) => [e.mnemonic, e]));

/** The table row of a one-byte identifier (0xF0/0xF1 guides and unknown codes have none). */
export function sl651Element(id: number): Sl651ElementInfo | undefined {
  return BY_ID.get(id);
}

/** The table row of an ASCII-mode mnemonic. */
export function sl651ElementByMnemonic(mnemonic: string): Sl651ElementInfo | undefined {
  return BY_MNEMONIC.get(mnemonic);
}

/** Value bytes of the standard definition: ceil(digits / 2). */
export function standardSize(e: Sl651ElementInfo): number {
  return Math.ceil(e.digits / 2);
}

/** Number of values in the 5-minute series (one an interval of the hour). */
export const SERIES_LENGTH = 12;
