import type { Response } from '../api/client';

type Pass = Response<'GET /api/v1/terminals/{devEui}/passes'>['passes'][number];

/**
 * Passes on a 24-hour strip from the first AOS: each a bar as long as the pass, labelled on hover and for screen
 * readers.
 */
export function PassTimeline({ passes }: { passes: Pass[] }) {
  const valid = passes.filter((p) => p.aos && p.los);
  if (valid.length === 0) return <p className="muted">No pass in the next 24 h.</p>;
  const start = Date.parse(valid[0]?.aos ?? '');
  const span = 24 * 3_600_000;
  return (
    <div>
      <div className="timeline" role="list" aria-label="Pass timeline">
        {valid.map((p, i) => {
          const a = Date.parse(p.aos ?? ''),
            l = Date.parse(p.los ?? '');
          const label =
            `${p.satellite?.name ?? '?'} ${p.aos?.slice(11, 16)}–${p.los?.slice(11, 16)} UTC, max ` +
            `${p.maxElevationDeg?.toFixed(0)}°`;
          return (
            <span
              key={i}
              role="listitem"
              className="pass"
              title={label}
              aria-label={label}
              style={{ left: `${((a - start) / span) * 100}%`, width: `${Math.max(0.4, ((l - a) / span) * 100)}%` }}
            />
          );
        })}
      </div>
      <p className="muted">
        {valid.length} passes; next: {valid[0]?.satellite?.name} at {valid[0]?.aos?.replace('T', ' ').slice(0, 16)} UTC,
        max {valid[0]?.maxElevationDeg?.toFixed(0)}°
      </p>
    </div>
  );
}
