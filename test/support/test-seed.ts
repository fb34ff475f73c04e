import { Random } from '../../src/twin/model/random.js';

/**
 * The random source of a test that draws its timings (when to kill a process, how many rows to
 * write): seeded from SATIOT_TEST_SEED when set, else from the clock, and the seed is printed so a
 * failing run can be repeated exactly (`SATIOT_TEST_SEED=<seed> npx vitest run <file>`).
 */
export function seededRandom(what: string): Random {
  const fromEnv = Number(process.env['SATIOT_TEST_SEED']);
  const seed = Number.isInteger(fromEnv) && process.env['SATIOT_TEST_SEED'] !== '' ? fromEnv : Date.now() % 2 ** 31;
  console.info(`${what}: seed ${seed} (SATIOT_TEST_SEED=${seed} repeats this run)`);
  return new Random(seed);
}
