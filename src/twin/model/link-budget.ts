import type { RadioSpec } from '../scenario/scenario.js';

/**
 * Uplink budget, terminal → satellite, over the slant range (docs/twin.md lists the sources):
 *
 *   FSPL (dB)  = 20·log10(d_km) + 20·log10(f_MHz) + 32.44
 *   C/N0 (dBHz) = EIRP (dBW) − FSPL − L_misc + G/T (dB/K) − k,   k = −228.6 dBW/(K·Hz)
 *   SNR (dB)   = C/N0 − 10·log10(B_Hz)
 *
 * A frame decodes with probability 1 / (1 + exp(−(SNR − SNR_req) / slope)): 50 % at the required
 * SNR, a logistic slope standing in for fading and demodulator behaviour near the threshold.
 */
export const BOLTZMANN_DBW_PER_K_HZ = -228.6;

/** The scenario's radio figures a link needs (a fleet may override the EIRP). */
export type LinkParams = Pick<
  RadioSpec,
  'frequencyMHz' | 'eirpDbm' | 'satGOverTDbK' | 'bandwidthHz' | 'requiredSnrDb' | 'snrSlopeDb' | 'miscLossDb'
>;

export function freeSpacePathLossDb(rangeKm: number, frequencyMHz: number): number {
  return 20 * Math.log10(rangeKm) + 20 * Math.log10(frequencyMHz) + 32.44;
}

/** SNR at the satellite receiver, dB. */
export function uplinkSnrDb(rangeKm: number, p: LinkParams): number {
  const eirpDbw = p.eirpDbm - 30;
  const cn0 =
    eirpDbw - freeSpacePathLossDb(rangeKm, p.frequencyMHz) - p.miscLossDb + p.satGOverTDbK - BOLTZMANN_DBW_PER_K_HZ;
  return cn0 - 10 * Math.log10(p.bandwidthHz);
}

/**
 * Received power at the satellite (dBm, before the antenna gain, which is common to all terminals): what capture
 * compares.
 */
export function receivedPowerDbm(rangeKm: number, p: LinkParams): number {
  return p.eirpDbm - freeSpacePathLossDb(rangeKm, p.frequencyMHz) - p.miscLossDb;
}

export function decodeProbability(snrDb: number, p: Pick<LinkParams, 'requiredSnrDb' | 'snrSlopeDb'>): number {
  return 1 / (1 + Math.exp(-(snrDb - p.requiredSnrDb) / p.snrSlopeDb));
}

/**
 * Slant range (km) from a site to a satellite at `altitudeKm` seen at `elevationDeg` (spherical
 * Earth of radius `earthRadiusKm`): d = √((R+h)² − R²cos²ε) − R·sin ε.
 */
export function slantRangeKm(elevationDeg: number, altitudeKm: number, earthRadiusKm = 6371): number {
  const e = (elevationDeg * Math.PI) / 180;
  const r = earthRadiusKm,
    a = r + altitudeKm;
  return Math.sqrt(a * a - r * r * Math.cos(e) ** 2) - r * Math.sin(e);
}

/** Log-distance path-loss exponent over the ground (suburban and rural LoRa links measure 3–4). */
export const GROUND_PATH_LOSS_EXPONENT = 3.5;
/** Receiver noise figure of a LoRa gateway, dB. */
const GATEWAY_NOISE_FIGURE_DB = 6;

/**
 * SNR at a terrestrial gateway `distanceKm` away, dB: a log-distance model anchored at the
 * gateway's stated range, where the frame decodes half the time (SNR = the required SNR), with
 * exponent GROUND_PATH_LOSS_EXPONENT: SNR(d) = SNR_req − 10·n·log10(d / range). Near the gateway
 * the SNR is capped at +15 dB (a LoRa demodulator's SNR saturates there).
 */
export function groundSnrDb(distanceKm: number, rangeKm: number, p: Pick<LinkParams, 'requiredSnrDb'>): number {
  const d = Math.max(distanceKm, 0.01);
  return Math.min(15, p.requiredSnrDb - 10 * GROUND_PATH_LOSS_EXPONENT * Math.log10(d / rangeKm));
}

/** RSSI a gateway reports for a frame at `snrDb`: the thermal noise floor of its bandwidth plus the SNR, dBm. */
export function groundRssiDbm(snrDb: number, p: Pick<LinkParams, 'bandwidthHz'>): number {
  return -174 + 10 * Math.log10(p.bandwidthHz) + GATEWAY_NOISE_FIGURE_DB + snrDb;
}
