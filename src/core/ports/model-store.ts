import type { Page } from './page.js';

/**
 * A learned model as it judged something (docs/intelligence.md): what it models (a terminal's
 * field, a pool of terminals), its parameters and the window of data it was trained on. Models of
 * one series — same tenant, subject, kind and field — are numbered 1, 2, … as they are refitted, so
 * a decision can name the exact model behind it.
 */
export interface LearnedModel {
  readonly id: string;
  readonly tenantId: string;
  /** What it models: a terminal's id, or a pool of terminals (`pool:<profile>:<region>`). */
  readonly subject: string;
  /** `forecast`, `anomaly`, … */
  readonly kind: string;
  /** The field it models, as rules name it (`values.waterLevelM`); '' for a model of no field. */
  readonly field: string;
  readonly version: number;
  /** JSON-safe: the method and what was fitted (seasonal periods, tide, interval, thresholds). */
  readonly params: Record<string, unknown>;
  /** The training window (capture times, Unix ms) and how many values were in it. */
  readonly trainedFrom: number;
  readonly trainedTo: number;
  readonly observations: number;
  readonly createdAt: number;
}

export type ModelDraft = Omit<LearnedModel, 'id' | 'version' | 'createdAt'>;

export interface ModelQuery {
  readonly tenantId?: string;
  readonly subject?: string;
  readonly kind?: string;
  readonly field?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface ModelStore {
  /**
   * Stores the model as the next version of its series, or returns the newest version when that one
   * already has these parameters and this training window (the same fit judged twice). Safe when two
   * nodes save one series at once: each gets a version of its own.
   */
  save(m: ModelDraft, at: number): Promise<LearnedModel>;
  get(id: string): Promise<LearnedModel | undefined>;
  /** Newest first. */
  list(q: ModelQuery): Promise<Page<LearnedModel>>;
}
