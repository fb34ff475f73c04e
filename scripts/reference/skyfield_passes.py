#!/usr/bin/python3
"""Generate golden satellite-pass reference data with Skyfield.

What it does
    Loads the hand-made element sets in test/fixtures/tle/reference-leo.tle,
    and for every case in CASES below (ground site x minimum elevation x time
    window) finds every pass of every satellite with Skyfield's
    ``EarthSatellite.find_events``.  Events are grouped into passes (rise ->
    culmination(s) -> set) and written, sorted by AOS then satellite name, to
    test/fixtures/reference/skyfield-passes.json.  The TypeScript pass finder
    is tested against that file.

Why events are refined
    ``find_events`` only locates rise/culminate/set to about a second (it
    stops bisecting at half a second), which is too coarse for a golden
    file.  (With Skyfield 1.45 its rise/set times are in fact always late,
    by up to ~7 s here: its bisection stops when the *first* bracket is
    below 0.5 s and then returns the late end of every bracket.)  Every event is therefore refined on Skyfield's own geometry,
    ``(sat - site).at(t).altaz()`` (geometric altitude, no refraction):

    * AOS/LOS: root of ``altitude - minEl`` found by bisection to well below
      1 ms;
    * TCA: maximum of altitude, found by bisecting the sign of the
      altitude's time derivative (central difference, +/-5 ms) to well
      below 1 ms; maxElevationDeg is the altitude at that time.

    All times are then rounded to the millisecond and the angles in the
    output are evaluated at the rounded times, so the file is
    self-consistent.  Passes already in progress at the window start or
    still in progress at its end are clipped to the window and marked
    ``"truncated": true``; their TCA/max elevation is the highest altitude
    inside the clipped interval (possibly at the window edge).

    As a sanity check, every (satellite, site, minEl) is also scanned on an
    independent dense time grid; any pass seen there but not by find_events
    (or vice versa) is reported on stderr and makes the script exit non-zero.

How to run
    From the repository root, with Debian's Python (it has skyfield and
    sgp4; no network access is needed, the built-in timescale is used):

        /usr/bin/python3 scripts/reference/skyfield_passes.py

    The output is deterministic: same inputs, same bytes.
"""

import json
import os
import sys

try:
    import numpy as np
    import skyfield
    from skyfield.api import load, wgs84
except ImportError as exc:  # pragma: no cover
    sys.stderr.write(
        'skyfield_passes.py: cannot import skyfield/numpy (%s); run it with '
        '/usr/bin/python3 (Debian python3-skyfield)\n' % exc)
    sys.exit(2)

# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------

TLE_FILE = 'test/fixtures/tle/reference-leo.tle'
OUTPUT_FILE = 'test/fixtures/reference/skyfield-passes.json'

SITES = [
    {'name': 'sanya', 'latDeg': 18.25, 'lonDeg': 109.5, 'altM': 10},
    {'name': 'beijing', 'latDeg': 40.0, 'lonDeg': 116.33, 'altM': 50},
    {'name': 'mohe', 'latDeg': 53.0, 'lonDeg': 122.5, 'altM': 300},
]
MIN_ELEVATIONS_DEG = [0, 10, 25]
START = '2026-01-15T00:00:00.000Z'
HOURS = 48

# One case per (site, minimum elevation); all share the same window.
CASES = [
    {'site': site, 'minElevationDeg': min_el, 'start': START, 'hours': HOURS}
    for site in SITES
    for min_el in MIN_ELEVATIONS_DEG
]

# Refinement parameters (seconds).
ROOT_TOL_S = 1e-5        # bisection stops when the bracket is this narrow
DERIV_H_S = 0.005        # half-step of the central difference for d(alt)/dt
BRACKET_S = 3.0          # initial half-width of brackets around find_events times
MAX_BRACKET_S = 120.0    # give up widening a bracket beyond this
DENSE_STEP_S = 5.0       # grid step of the independent cross-check scan

# ---------------------------------------------------------------------------

ts = load.timescale(builtin=True)


def parse_start(iso):
    """'YYYY-MM-DDTHH:MM:SS.sssZ' -> (y, mo, d, h, mi, s)."""
    assert iso.endswith('Z'), iso
    date, clock = iso[:-1].split('T')
    y, mo, d = (int(x) for x in date.split('-'))
    h, mi, s = clock.split(':')
    return y, mo, d, int(h), int(mi), float(s)


class Window(object):
    """Times are handled as float seconds of UTC since the window start."""

    def __init__(self, start_iso, hours):
        self.ymdhm = parse_start(start_iso)[:5]
        self.s0 = parse_start(start_iso)[5]
        self.duration = hours * 3600.0
        self.t0 = self.time(0.0)
        self.t1 = self.time(self.duration)
        # Seconds-of-UTC arithmetic is only valid without a leap second
        # inside the window.
        elapsed = ((self.t1.whole - self.t0.whole)
                   + (self.t1.tt_fraction - self.t0.tt_fraction)) * 86400.0
        if abs(elapsed - self.duration) > 1e-6:
            raise SystemExit('leap second inside the window %s + %sh' % (start_iso, hours))

    def time(self, sec):
        y, mo, d, h, mi = self.ymdhm
        return ts.utc(y, mo, d, h, mi, self.s0 + np.asarray(sec, dtype=float))

    def seconds(self, t):
        return ((t.whole - self.t0.whole)
                + (t.tt_fraction - self.t0.tt_fraction)) * 86400.0


def altaz_deg(topocentric_of, window, sec):
    """Altitude and azimuth (degrees) at the given seconds (array)."""
    alt, az, _ = topocentric_of(window.time(sec)).altaz()
    return alt.degrees, az.degrees


def bisect(fun, lo, hi, tol):
    """Vectorised bisection: fun(lo) and fun(hi) are booleans of opposite
    value for every element; returns midpoints of final brackets."""
    lo = np.array(lo, dtype=float)
    hi = np.array(hi, dtype=float)
    if lo.size == 0:
        return lo
    flo = fun(lo)
    assert np.all(flo != fun(hi))
    while np.max(hi - lo) > tol:
        mid = 0.5 * (lo + hi)
        fmid = fun(mid)
        same = fmid == flo
        lo = np.where(same, mid, lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def bracket(fun, center, lo_limit, hi_limit, what):
    """Find [lo, hi] around each center where fun(lo) != fun(hi), widening
    as needed, without leaving [lo_limit, hi_limit]."""
    center = np.asarray(center, dtype=float)
    lo_limit = np.broadcast_to(np.asarray(lo_limit, dtype=float), center.shape)
    hi_limit = np.broadcast_to(np.asarray(hi_limit, dtype=float), center.shape)
    los = np.empty_like(center)
    his = np.empty_like(center)
    for i, c in enumerate(center):
        width = BRACKET_S
        while True:
            lo = max(c - width, lo_limit[i])
            hi = min(c + width, hi_limit[i])
            f = fun(np.array([lo, hi]))
            if f[0] != f[1]:
                break
            if width > MAX_BRACKET_S or (lo == lo_limit[i] and hi == hi_limit[i]):
                raise RuntimeError('cannot bracket %s near t=%.3f s' % (what, c))
            width *= 2.0
        los[i], his[i] = lo, hi
    return los, his


def ms(sec):
    """Round seconds to whole milliseconds."""
    return np.round(np.asarray(sec, dtype=float) * 1000.0) / 1000.0


def group_events(sec, kinds):
    """Turn find_events output into passes: dicts with 'rise', 'culm' (list),
    'set'; rise/set are None when the pass is clipped by the window."""
    passes = []
    current = None
    for s, k in zip(sec, kinds):
        if k == 0:
            if current is not None:
                raise RuntimeError('rise at %.3f s inside an open pass' % s)
            current = {'rise': s, 'culm': [], 'set': None}
        elif k == 1:
            if current is None:
                current = {'rise': None, 'culm': [], 'set': None}
            current['culm'].append(s)
        elif k == 2:
            if current is None:
                current = {'rise': None, 'culm': [], 'set': None}
            current['set'] = s
            passes.append(current)
            current = None
    if current is not None:
        passes.append(current)
    return passes


def passes_for(sat, site_topos, window, min_el):
    topocentric_of = (sat - site_topos).at
    t_ev, kinds = sat.find_events(site_topos, window.t0, window.t1,
                                  altitude_degrees=min_el)
    ev_sec = window.seconds(t_ev) if len(kinds) else np.zeros(0)
    raw = group_events(ev_sec, kinds)

    def above(sec):
        return altaz_deg(topocentric_of, window, sec)[0] >= min_el

    def rising(sec):
        sec = np.asarray(sec, dtype=float)
        a_plus = altaz_deg(topocentric_of, window, sec + DERIV_H_S)[0]
        a_minus = altaz_deg(topocentric_of, window, sec - DERIV_H_S)[0]
        return a_plus > a_minus

    # --- refine rises and sets (vectorised over the passes) -------------
    rise_idx = [i for i, p in enumerate(raw) if p['rise'] is not None]
    set_idx = [i for i, p in enumerate(raw) if p['set'] is not None]
    aos = np.array([0.0] * len(raw))
    los = np.array([window.duration] * len(raw))
    # Brackets never reach past the pass's own culmination(s) or into the
    # neighbouring passes, so each contains exactly one crossing.
    def prev_set(i):
        return raw[i - 1]['set'] if i > 0 else 0.0

    def next_rise(i):
        return raw[i + 1]['rise'] if i + 1 < len(raw) else window.duration

    def first_culm(i):
        p = raw[i]
        return p['culm'][0] if p['culm'] else (p['set'] if p['set'] is not None else window.duration)

    def last_culm(i):
        p = raw[i]
        return p['culm'][-1] if p['culm'] else (p['rise'] if p['rise'] is not None else 0.0)

    if rise_idx:
        c = np.array([raw[i]['rise'] for i in rise_idx])
        lo, hi = bracket(above, c, [prev_set(i) for i in rise_idx],
                         [first_culm(i) for i in rise_idx], 'rise of %s' % sat.name)
        aos[rise_idx] = bisect(above, lo, hi, ROOT_TOL_S)
    if set_idx:
        c = np.array([raw[i]['set'] for i in set_idx])
        lo, hi = bracket(above, c, [last_culm(i) for i in set_idx],
                         [next_rise(i) for i in set_idx], 'set of %s' % sat.name)
        los[set_idx] = bisect(above, lo, hi, ROOT_TOL_S)
    aos = ms(aos)
    los = ms(los)

    # --- refine culminations ----------------------------------------------
    culm_pass = [i for i, p in enumerate(raw) for _ in p['culm']]
    culm_c = np.array([c for p in raw for c in p['culm']])
    culm_sec = np.zeros(0)
    if len(culm_c):
        lo_lim = np.array([aos[i] for i in culm_pass])
        hi_lim = np.array([los[i] for i in culm_pass])
        lo, hi = bracket(rising, culm_c, lo_lim, hi_lim,
                         'culmination of %s' % sat.name)
        culm_sec = ms(bisect(rising, lo, hi, ROOT_TOL_S))

    out = []
    for i, p in enumerate(raw):
        truncated = p['rise'] is None or p['set'] is None
        # Candidate TCAs: refined culminations of this pass, plus the
        # window edges for clipped passes.
        cand = [culm_sec[j] for j, k in enumerate(culm_pass) if k == i]
        if p['rise'] is None:
            cand.append(aos[i])
        if p['set'] is None:
            cand.append(los[i])
        cand = np.clip(np.array(cand), aos[i], los[i])
        alts, _ = altaz_deg(topocentric_of, window, cand)
        j = int(np.argmax(alts))
        tca, max_el = cand[j], alts[j]

        edge_alt, edge_az = altaz_deg(topocentric_of, window,
                                      np.array([aos[i], los[i]]))
        out.append({
            'satellite': sat.name,
            'noradId': int(sat.model.satnum),
            'aos_s': aos[i], 'tca_s': tca, 'los_s': los[i],
            'maxElevationDeg': float(max_el),
            'aosAzimuthDeg': float(edge_az[0]),
            'losAzimuthDeg': float(edge_az[1]),
            'truncated': bool(truncated),
        })
    return out


def dense_check(sat, site_topos, window, min_el, passes, alt_cache):
    """Independent scan on a DENSE_STEP_S grid; returns a list of problems."""
    key = (sat.name, id(site_topos))
    if key not in alt_cache:
        grid = np.arange(0.0, window.duration + DENSE_STEP_S / 2, DENSE_STEP_S)
        alt_cache[key] = (grid, altaz_deg((sat - site_topos).at, window, grid)[0])
    grid, alt = alt_cache[key]
    up = alt >= min_el
    # Intervals [first, last] of consecutive grid samples above min_el.
    edges = np.flatnonzero(np.diff(up.astype(int)))
    starts = [grid[0]] * bool(up[0]) + [grid[k + 1] for k in edges if up[k + 1]]
    ends = [grid[k] for k in edges if up[k]] + [grid[-1]] * bool(up[-1])
    problems = []
    for a, b in zip(starts, ends):
        hit = [p for p in passes if p['aos_s'] - 1e-3 <= b and a <= p['los_s'] + 1e-3]
        if len(hit) != 1:
            problems.append('%s: grid interval %.0f..%.0f s matches %d passes'
                            % (sat.name, a, b, len(hit)))
    for p in passes:
        inside = [(a, b) for a, b in zip(starts, ends)
                  if p['aos_s'] - 1e-3 <= b and a <= p['los_s'] + 1e-3]
        if len(inside) != 1 and p['los_s'] - p['aos_s'] >= 2 * DENSE_STEP_S:
            problems.append('%s: pass %.3f..%.3f s matches %d grid intervals'
                            % (sat.name, p['aos_s'], p['los_s'], len(inside)))
        if p['maxElevationDeg'] < min_el - 1e-6:
            problems.append('%s: pass %.3f..%.3f s peaks at %.6f < %s'
                            % (sat.name, p['aos_s'], p['los_s'],
                               p['maxElevationDeg'], min_el))
    return problems


def iso(window, sec):
    return window.time(float(sec)).utc_iso(places=3)


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    os.chdir(root)
    sats = load.tle_file(TLE_FILE, ts=ts, reload=False)
    if not sats:
        raise SystemExit('no element sets in %s' % TLE_FILE)
    sats.sort(key=lambda s: s.name)

    topos_cache = {}
    alt_cache = {}
    problems = []
    cases_out = []
    for case in CASES:
        site = case['site']
        skey = (site['latDeg'], site['lonDeg'], site['altM'])
        if skey not in topos_cache:
            topos_cache[skey] = wgs84.latlon(site['latDeg'], site['lonDeg'],
                                             elevation_m=site['altM'])
        topos = topos_cache[skey]
        window = Window(case['start'], case['hours'])
        min_el = case['minElevationDeg']

        passes = []
        for sat in sats:
            sp = passes_for(sat, topos, window, min_el)
            problems.extend('%s/%s: %s' % (site['name'], min_el, m)
                            for m in dense_check(sat, topos, window, min_el, sp, alt_cache))
            passes.extend(sp)
        passes.sort(key=lambda p: (p['aos_s'], p['satellite']))

        cases_out.append({
            'site': dict(site),
            'minElevationDeg': min_el,
            'start': window.t0.utc_iso(places=3),
            'hours': case['hours'],
            'passes': [{
                'satellite': p['satellite'],
                'noradId': p['noradId'],
                'aos': iso(window, p['aos_s']),
                'tca': iso(window, p['tca_s']),
                'los': iso(window, p['los_s']),
                'maxElevationDeg': round(p['maxElevationDeg'], 4),
                'aosAzimuthDeg': round(p['aosAzimuthDeg'] % 360.0, 4) % 360.0,
                'losAzimuthDeg': round(p['losAzimuthDeg'] % 360.0, 4) % 360.0,
                'truncated': p['truncated'],
            } for p in passes],
        })
        n_trunc = sum(p['truncated'] for p in passes)
        print('%-8s minEl=%2d  %3d passes (%d truncated)'
              % (site['name'], min_el, len(passes), n_trunc))

    doc = {
        'generator': 'scripts/reference/skyfield_passes.py',
        'skyfield': skyfield.__version__,
        'tleFile': TLE_FILE,
        'cases': cases_out,
    }
    os.makedirs(os.path.dirname(OUTPUT_FILE), exist_ok=True)
    with open(OUTPUT_FILE, 'w') as f:
        json.dump(doc, f, indent=2)
        f.write('\n')
    print('wrote %s (%d bytes)' % (OUTPUT_FILE, os.path.getsize(OUTPUT_FILE)))

    if problems:
        for m in problems:
            sys.stderr.write('CHECK FAILED: %s\n' % m)
        sys.exit(1)


if __name__ == '__main__':
    main()
