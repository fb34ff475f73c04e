import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * Starts the worker module `name` that sits next to the calling module (`base`: its
 * import.meta.url): the compiled `.js`, or — when running from the TypeScript sources (tests, tsx)
 * — a small bootstrap that registers tsx's loader inside the worker first: Node 20 does not pass a
 * loader given in `execArgv` on to workers.
 */
export function startWorkerModule(
  base: string,
  name: string,
  opts: { resourceLimits?: ResourceLimits; workerData?: unknown } = {},
): Worker {
  const limits = {
    ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}),
    ...(opts.workerData !== undefined ? { workerData: opts.workerData } : {}),
  };
  if (!base.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, base), limits);
  const target = new URL(`./${name}.ts`, base).href;
  return new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); });`, {
    eval: true,
    ...limits,
  });
}
