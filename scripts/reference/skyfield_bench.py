#!/usr/bin/python3
"""Timing peer for the pass-finder benchmarks: plain Skyfield find_events.

Loads every element set of a TLE file (3-line sets with a name line, or bare
2-line sets, which are named by catalog number), runs
``EarthSatellite.find_events`` (no refinement) for each satellite over the
window, and prints one line of JSON:

    {"satellites": N, "events": E, "passes": P, "seconds": S}

``seconds`` is the wall time (time.perf_counter) of the find_events loop
only; loading and parsing are not timed.  ``passes`` counts set events plus
a pass still in progress at the window end.

Usage (from the repository root, with Debian's Python which has skyfield):

    /usr/bin/python3 scripts/reference/skyfield_bench.py --tle FILE \\
        --lat DEG --lon DEG --alt-m M --start 2022-08-09T00:00:00Z \\
        --hours H --min-elevation DEG
"""

import argparse
import json
import re
import sys
import time

try:
    import numpy as np
    from skyfield.api import EarthSatellite, load, wgs84
except ImportError as exc:
    sys.stderr.write(
        'skyfield_bench.py: skyfield is not available (%s).\n'
        'Run it with a Python that has skyfield and sgp4, e.g. /usr/bin/python3 '
        '(Debian packages python3-skyfield, python3-sgp4).\n' % exc)
    sys.exit(3)


def parse_iso(text):
    m = re.match(r'^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?'
                 r'(?:Z|\+00:?00)?$', text.strip())
    if not m:
        raise argparse.ArgumentTypeError('not an ISO-8601 UTC time: %r' % text)
    y, mo, d, h, mi, s = m.groups()
    return int(y), int(mo), int(d), int(h or 0), int(mi or 0), float(s or 0)


def read_tle(path, ts):
    """Element sets from a 2- or 3-line TLE file."""
    with open(path) as f:
        lines = [ln.rstrip('\r\n') for ln in f if ln.strip()]
    sats = []
    name = None
    i = 0
    while i < len(lines):
        ln = lines[i]
        if (ln.startswith('1 ') and i + 1 < len(lines)
                and lines[i + 1].startswith('2 ')):
            l1, l2 = ln, lines[i + 1]
            sat = EarthSatellite(l1, l2, name or l1[2:7].strip(), ts)
            sats.append(sat)
            name = None
            i += 2
        else:
            name = ln.strip()
            if name.startswith('0 '):
                name = name[2:].strip()
            i += 1
    return sats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tle', required=True)
    ap.add_argument('--lat', type=float, required=True, help='degrees, north positive')
    ap.add_argument('--lon', type=float, required=True, help='degrees, east positive')
    ap.add_argument('--alt-m', type=float, default=0.0, help='metres above WGS84')
    ap.add_argument('--start', type=parse_iso, required=True, help='ISO-8601 UTC')
    ap.add_argument('--hours', type=float, required=True)
    ap.add_argument('--min-elevation', type=float, default=0.0, help='degrees')
    args = ap.parse_args()

    ts = load.timescale(builtin=True)
    sats = read_tle(args.tle, ts)
    if not sats:
        sys.stderr.write('skyfield_bench.py: no element sets in %s\n' % args.tle)
        sys.exit(2)
    site = wgs84.latlon(args.lat, args.lon, elevation_m=args.alt_m)
    y, mo, d, h, mi, s = args.start
    t0 = ts.utc(y, mo, d, h, mi, s)
    t1 = ts.utc(y, mo, d, h, mi, s + args.hours * 3600.0)

    events = 0
    passes = 0
    start = time.perf_counter()
    for sat in sats:
        t, kinds = sat.find_events(site, t0, t1, altitude_degrees=args.min_elevation)
        kinds = np.asarray(kinds)
        events += len(kinds)
        passes += int(np.count_nonzero(kinds == 2))
        if len(kinds) and kinds[-1] != 2:
            passes += 1  # still above the threshold at the window end
    seconds = time.perf_counter() - start

    print(json.dumps({'satellites': len(sats), 'events': events,
                      'passes': passes, 'seconds': round(seconds, 3)}))


if __name__ == '__main__':
    main()
