import { useEffect, useRef, useState } from 'react';
import {
  AttributionControl,
  LngLatBounds,
  Map as MapLibreMap,
  Marker,
  NavigationControl,
  setWorkerUrl,
  type GeoJSONSource,
  type MapLayerMouseEvent,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection } from 'geojson';
import type { ApiClient, Response } from '../api/client';
import { basemapStyle } from './basemap-style';
import { centralAngleDeg, circleRing, footprintHalfAngleDeg, positionOnTrack, trackLines, unwrapLon } from './geo';
import { ServerClock, utc } from '../core-clock';
import { COVERAGE_HOURS, coverageCells, WAIT_STOPS } from './coverage-layer';
import { SECTOR_COLOURS, SECTORS, sectorOf, type Sector } from '../terminal-sector';

setWorkerUrl(workerUrl);

/**
 * Elevation masks, degrees: a terminal hears a satellite above 10°, a ground station above 5° (as the contact plan).
 */
const TERMINAL_MASK = 10;
const STATION_MASK = 5;
const POSITIONS_EVERY_MS = 5_000;
/** The second positions poll, which gives the server clock's rate (ServerClock needs two answers > 0.5 s apart). */
const CLOCK_RATE_AFTER_MS = 1_000;
const TRACKS_EVERY_MS = 60_000;
/**
 * Satellites are redrawn every FRAME_MS; footprints and contact links, larger and slower to change, every SLOW_FRAMES
 * frames.
 */
const FRAME_MS = 150;
const SLOW_FRAMES = 6;

export interface MapTerminal {
  devEui: string;
  name?: string | undefined;
  codec?: string | undefined;
  lat: number;
  lon: number;
  /** Last message ingested, ms; undefined: none seen. */
  lastSeen?: number | undefined;
}

type Satellites = Response<'GET /api/v1/satellites'>['items'];
type Tracks = Response<'GET /api/v1/satellites/tracks'>;
type Stations = Response<'GET /api/v1/ground-stations'>['items'];

const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** Where the map opens for an operator whose terminals are not known yet: China and its seas (the trial's area). */
const CHINA: [[number, number], [number, number]] = [
  [73, 17],
  [136, 54],
];

/** Freshness of a terminal's last message: 1 within an hour, fading to 0.25 after a day. */
function freshness(lastSeen: number | undefined, now: number): number {
  if (lastSeen === undefined) return 0.25;
  const h = (now - lastSeen) / 3_600_000;
  return h <= 1 ? 1 : h >= 24 ? 0.25 : 1 - (0.75 * (h - 1)) / 23;
}

/**
 * The live map: satellites where the API says they are, moved smoothly along their ground tracks
 * between polls (on the server's clock), their footprints and tracks, ground stations with the
 * contacts they have now, and terminals clustered, coloured by sector and faded by age.
 */
/** Terrestrial gateways on the map and in its legend. */
const GATEWAY_COLOUR = '#f472b6';

export function LiveMap(props: {
  api: ApiClient;
  showStations: boolean;
  terminals: readonly MapTerminal[];
  focus?: { lat: number; lon: number } | undefined;
  trail?: Array<[number, number]> | undefined;
  legend?: boolean;
  clock?: ServerClock;
  fit?: boolean;
}) {
  const { api, showStations, terminals, focus, trail, legend = true, fit = false } = props;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [status, setStatus] = useState<{ satellites: number; contacts: number; at?: string }>({
    satellites: 0,
    contacts: 0,
  });
  const [hover, setHover] = useState<string | undefined>();
  const clockRef = useRef(props.clock ?? new ServerClock());
  const [coverage, setCoverage] = useState<{ state: 'off' | 'loading' | 'on'; note?: string }>({ state: 'off' });
  const fitted = useRef(false);
  const clusterMarkers = useRef(new Map<string, Marker>());

  useEffect(() => {
    if (!container.current) return;
    const map = new MapLibreMap({
      container: container.current,
      style: basemapStyle(),
      center: focus ? [focus.lon, focus.lat] : [105, 25],
      zoom: focus ? 4 : 1.3,
      attributionControl: false,
      renderWorldCopies: true,
      maxZoom: 12,
      // Tests read the canvas back to check that the map renders.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.addControl(new AttributionControl({ compact: true, customAttribution: 'Natural Earth (world-atlas)' }));
    map.on('load', () => {
      for (const id of ['coverage', 'tracks', 'footprints', 'links', 'satellites', 'stations', 'gateways', 'trail'])
        map.addSource(id, { type: 'geojson', data: empty() });
      map.addLayer({
        id: 'coverage',
        type: 'fill',
        source: 'coverage',
        paint: {
          'fill-color': ['interpolate', ['linear'], ['get', 'wait'], ...WAIT_STOPS.flat()],
          'fill-opacity': 0.45,
        },
      });
      // Clusters count their terminals by sector and by freshness (drawn as HTML markers below).
      map.addSource('terminals', {
        type: 'geojson',
        data: empty(),
        cluster: true,
        clusterRadius: 40,
        clusterMaxZoom: 7,
        clusterProperties: {
          ...Object.fromEntries(SECTORS.map((s) => [s, ['+', ['case', ['==', ['get', 'sector'], s], 1, 0]]])),
          fresh: ['+', ['case', ['>=', ['get', 'fresh'], 0.99], 1, 0]],
        },
      });
      map.addLayer({
        id: 'footprints',
        type: 'fill',
        source: 'footprints',
        paint: { 'fill-color': '#22d3ee', 'fill-opacity': 0.08 },
      });
      map.addLayer({
        id: 'footprint-edges',
        type: 'line',
        source: 'footprints',
        paint: { 'line-color': '#22d3ee', 'line-opacity': 0.35, 'line-width': 1 },
      });
      map.addLayer({
        id: 'tracks',
        type: 'line',
        source: 'tracks',
        paint: { 'line-color': '#67e8f9', 'line-opacity': 0.45, 'line-width': 1, 'line-dasharray': [2, 2] },
      });
      map.addLayer({
        id: 'trail',
        type: 'line',
        source: 'trail',
        paint: { 'line-color': '#fbbf24', 'line-width': 2.5 },
      });
      map.addLayer({
        id: 'links',
        type: 'line',
        source: 'links',
        paint: { 'line-color': '#4ade80', 'line-width': 2, 'line-opacity': 0.9 },
      });
      // A terminal: its sector's colour; heard within the hour, full and ringed in white; older, faded and smaller.
      map.addLayer({
        id: 'terminals',
        type: 'circle',
        source: 'terminals',
        filter: ['!', ['has', 'point_count']],
        paint: {
          'circle-color': ['get', 'colour'],
          'circle-opacity': ['get', 'fresh'],
          'circle-radius': ['case', ['>=', ['get', 'fresh'], 0.99], 6, 4],
          'circle-stroke-color': ['case', ['>=', ['get', 'fresh'], 0.99], '#f8fafc', '#0f172a'],
          'circle-stroke-width': ['case', ['>=', ['get', 'fresh'], 0.99], 1.5, 1],
        },
      });
      map.addLayer({
        id: 'stations',
        type: 'circle',
        source: 'stations',
        paint: {
          'circle-color': '#4ade80',
          'circle-radius': 6,
          'circle-stroke-color': '#052e16',
          'circle-stroke-width': 2,
        },
      });
      // Terrestrial LoRa gateways: the ground path beside the satellites (faded when not heard for 5 minutes).
      map.addLayer({
        id: 'gateways',
        type: 'circle',
        source: 'gateways',
        paint: {
          'circle-color': GATEWAY_COLOUR,
          'circle-opacity': ['get', 'fresh'],
          'circle-radius': 6,
          'circle-stroke-color': '#500724',
          'circle-stroke-width': 2,
        },
      });
      map.addLayer({
        id: 'satellites',
        type: 'circle',
        source: 'satellites',
        paint: {
          'circle-color': '#fde047',
          'circle-radius': 5,
          'circle-stroke-color': '#422006',
          'circle-stroke-width': 1.5,
        },
      });
      for (const layer of ['satellites', 'stations', 'gateways', 'terminals']) {
        map.on('mouseenter', layer, (e: MapLayerMouseEvent) => {
          map.getCanvas().style.cursor = 'pointer';
          setHover(String(e.features?.[0]?.properties?.['label'] ?? ''));
        });
        map.on('mouseleave', layer, () => {
          map.getCanvas().style.cursor = '';
          setHover(undefined);
        });
      }
      // The satellites redraw the map several times a second: clusters follow at most five times a second, and when it
      // settles.
      let synced = 0;
      map.on('render', () => {
        const t = performance.now();
        if (t - synced > 200) {
          synced = t;
          syncClusters(map, clusterMarkers.current);
        }
      });
      map.on('idle', () => syncClusters(map, clusterMarkers.current));
      map.on('moveend', () => {
        const b = map.getBounds();
        container.current?.setAttribute(
          'data-view',
          [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((x) => x.toFixed(2)).join(','),
        );
      });
      if (fit && !focus) map.fitBounds(CHINA, { padding: 20, duration: 0 });
      setReady(true);
    });
    mapRef.current = map;
    const markers = clusterMarkers.current;
    return () => {
      map.remove();
      markers.clear();
      mapRef.current = null;
    };
    // The map is made once; later props are pushed into its sources by the effects below.
  }, []);

  // Terminals: clustered points, colour by sector, opacity by freshness (on the core's clock: lastSeen is the core's).
  useEffect(() => {
    const map = mapRef.current;
    const src = map?.getSource<GeoJSONSource>('terminals');
    if (!ready || !map || !src) return;
    const now = clockRef.current.now() ?? Date.now();
    src.setData({
      type: 'FeatureCollection',
      features: terminals.map((t) => ({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
        properties: {
          label:
            `${t.name ? `${t.name}, ` : ''}terminal ${t.devEui} (${sectorOf(t.codec)})` +
            `${t.lastSeen ? `, last heard ${utc(t.lastSeen).slice(0, 16)} UTC` : ', not heard yet'}`,
          sector: sectorOf(t.codec),
          colour: SECTOR_COLOURS[sectorOf(t.codec)],
          fresh: freshness(t.lastSeen, now),
        },
      })),
    });
    // Opens on the terminals (once: then the operator's panning is left alone).
    if (fit && !fitted.current && terminals.length > 0) {
      fitted.current = true;
      const b = new LngLatBounds();
      for (const t of terminals) b.extend([t.lon, t.lat]);
      // Never closer than a region a satellite's footprint covers: the passes over the terminals stay in view.
      map.fitBounds(b, { padding: 60, maxZoom: 4.5, duration: 0 });
    }
  }, [ready, terminals, fit]);

  useEffect(() => {
    const src = mapRef.current?.getSource<GeoJSONSource>('trail');
    if (!ready || !src) return;
    src.setData(
      trail && trail.length > 1
        ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: trail } }
        : empty(),
    );
  }, [ready, trail]);

  // Satellites, tracks, footprints, stations and contacts: polled, then animated.
  useEffect(() => {
    if (!ready) return;
    const map = mapRef.current;
    if (!map) return;
    const clock = clockRef.current;
    let sats: Satellites = [];
    let tracks: Tracks | undefined;
    let stations: Stations = [];
    let stopped = false;
    const failed = (e: unknown) => {
      if (!stopped) console.warn('map poll failed', e);
    };
    const pollPositions = async () => {
      const r = await api.call('GET /api/v1/satellites');
      clock.observe(r.at);
      sats = r.items;
    };
    const pollTracks = async () => {
      tracks = await api.call('GET /api/v1/satellites/tracks', {
        query: { beforeMinutes: 45, afterMinutes: 45, stepSeconds: 30 },
      });
      const features = tracks.items.flatMap((s) =>
        trackLines(s.points).map((coords) => ({
          type: 'Feature' as const,
          properties: {},
          geometry: { type: 'LineString' as const, coordinates: coords },
        })),
      );
      map.getSource<GeoJSONSource>('tracks')?.setData({ type: 'FeatureCollection', features });
    };
    const pollStations = async () => {
      // Gateways are visible to every role (a tenant sees the operator's and its own).
      const gateways = (await api.call('GET /api/v1/gateways')).items.filter((g) => g.enabled);
      const now = clock.now() ?? Date.now(); // last-heard times are the server's (the twin runs its clock faster)
      map.getSource<GeoJSONSource>('gateways')?.setData({
        type: 'FeatureCollection',
        features: gateways.map((g) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [g.lon, g.lat] },
          properties: {
            label:
              `LoRa gateway ${g.name} (${g.gatewayEui})` +
              `${g.lastSeenAt ? `, last heard ${g.lastSeenAt.slice(0, 16).replace('T', ' ')} UTC` : ', not heard yet'}`,
            fresh: g.lastSeenAt && now - Date.parse(g.lastSeenAt) < 5 * 60_000 ? 1 : 0.45,
          },
        })),
      });
      if (!showStations) return;
      stations = (await api.call('GET /api/v1/ground-stations')).items.filter((s) => s.enabled);
      map.getSource<GeoJSONSource>('stations')?.setData({
        type: 'FeatureCollection',
        features: stations.map((s) => ({
          type: 'Feature',
          properties: { label: `ground station ${s.name}` },
          geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
        })),
      });
    };
    let frame = 0;
    const draw = () => {
      const t = clock.now();
      if (t === undefined) return;
      const slow = frame++ % SLOW_FRAMES === 0;
      const trackOf = new Map(tracks?.items.map((s) => [s.noradId, s.points]) ?? []);
      const start = tracks ? Date.parse(tracks.start) : 0;
      const step = (tracks?.stepSeconds ?? 30) * 1000;
      const now = sats.flatMap((s) => {
        const along = trackOf.get(s.noradId);
        const p =
          (along && positionOnTrack(start, step, along, t)) ??
          (s.position && s.position.lat !== undefined
            ? { lat: s.position.lat, lon: s.position.lon ?? 0, altKm: s.position.altKm ?? 500 }
            : undefined);
        return p ? [{ id: s.noradId, name: s.name, ...p }] : [];
      });
      map.getSource<GeoJSONSource>('satellites')?.setData({
        type: 'FeatureCollection',
        features: now.map((s) => ({
          type: 'Feature',
          properties: { label: `${s.name} (${s.id}) ${s.altKm.toFixed(0)} km` },
          geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
        })),
      });
      if (!slow) return;
      map.getSource<GeoJSONSource>('footprints')?.setData({
        type: 'FeatureCollection',
        features: now.map((s) => ({
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [circleRing(s.lat, s.lon, footprintHalfAngleDeg(s.altKm, TERMINAL_MASK))],
          },
        })),
      });
      const links = stations.flatMap((g) =>
        now
          .filter((s) => centralAngleDeg(g, s) <= footprintHalfAngleDeg(s.altKm, STATION_MASK))
          .map((s) => ({
            type: 'Feature' as const,
            properties: {},
            geometry: {
              type: 'LineString' as const,
              coordinates: [
                [g.lon, g.lat],
                [unwrapLon(s.lon, g.lon), s.lat],
              ],
            },
          })),
      );
      map.getSource<GeoJSONSource>('links')?.setData({ type: 'FeatureCollection', features: links });
      setStatus((old) =>
        old.satellites === now.length &&
        old.contacts === links.length &&
        old.at?.slice(0, 16) === new Date(t).toISOString().slice(0, 16)
          ? old
          : { satellites: now.length, contacts: links.length, at: new Date(t).toISOString() },
      );
    };
    void pollPositions().then(pollTracks).then(pollStations).then(draw).catch(failed);
    // The server's clock rate (the twin may run it faster) is known from two answers: ask again soon
    // rather than drawing satellites at real-time speed until the first regular poll.
    const learnRate = setTimeout(() => void pollPositions().catch(failed), CLOCK_RATE_AFTER_MS);
    const timers = [
      setInterval(() => void pollPositions().catch(failed), POSITIONS_EVERY_MS),
      setInterval(() => void pollTracks().catch(failed), TRACKS_EVERY_MS),
      setInterval(() => void pollStations().catch(failed), TRACKS_EVERY_MS),
      setInterval(draw, FRAME_MS),
    ];
    return () => {
      stopped = true;
      clearTimeout(learnRate);
      timers.forEach(clearInterval);
    };
  }, [ready, api, showStations]);

  const toggleCoverage = () => {
    const map = mapRef.current;
    if (!map) return;
    if (coverage.state !== 'off') {
      map.getSource<GeoJSONSource>('coverage')?.setData(empty());
      setCoverage({ state: 'off' });
      return;
    }
    setCoverage({ state: 'loading' });
    const b = map.getBounds();
    coverageCells(
      api,
      { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() },
      clockRef.current.now() ?? Date.now(),
    ).then(
      (r) => {
        map.getSource<GeoJSONSource>('coverage')?.setData(r.cells);
        setCoverage({
          state: 'on',
          note:
            `planner: mean wait for a contact over the next ${COVERAGE_HOURS} h, H3 resolution ${r.resolution}` +
            `${r.summaryWaitMin !== null ? `, region mean ${r.summaryWaitMin.toFixed(0)} min` : ''}`,
        });
      },
      (e: Error) => setCoverage({ state: 'off', note: `coverage failed: ${e.message}` }),
    );
  };

  useEffect(() => {
    if (ready && focus)
      mapRef.current?.jumpTo({ center: [focus.lon, focus.lat], zoom: Math.max(mapRef.current.getZoom(), 3) });
  }, [ready, focus]);

  return (
    <div className="map-wrap">
      <div
        ref={container}
        className="map"
        role="region"
        aria-label="Live map of satellites, ground stations and terminals"
        data-testid="live-map"
      />
      <div className="map-status" aria-live="polite" data-testid="map-status">
        {status.satellites} satellites · {status.contacts} ground contacts
        {status.at ? ` · ${utc(Date.parse(status.at)).slice(0, 16)} UTC, core clock` : ''}
        {hover ? <div className="map-hover">{hover}</div> : null}
      </div>
      <div className="map-tools">
        <button
          type="button"
          aria-pressed={coverage.state !== 'off'}
          disabled={!ready || coverage.state === 'loading'}
          onClick={toggleCoverage}
        >
          {coverage.state === 'loading' ? 'Planning coverage…' : 'Coverage heat'}
        </button>
        {coverage.note ? <div className="map-note">{coverage.note}</div> : null}
        {coverage.state === 'on' ? (
          <div className="ramp" aria-label="Mean wait for a contact, minutes">
            {WAIT_STOPS.map(([m, c]) => (
              <span key={m} style={{ background: c }}>
                {m}
              </span>
            ))}
            <span>min</span>
          </div>
        ) : null}
      </div>
      {legend ? (
        <ul className="legend" aria-label="Legend">
          <li>
            <span className="dot" style={{ background: '#fde047' }} />
            satellite
          </li>
          <li>
            <span className="dot" style={{ background: '#4ade80' }} />
            ground station / contact
          </li>
          <li>
            <span className="dot" style={{ background: GATEWAY_COLOUR }} />
            LoRa gateway
          </li>
          {SECTORS.map((s) => (
            <li key={s}>
              <span className="dot" style={{ background: SECTOR_COLOURS[s] }} />
              {s}
            </li>
          ))}
          <li>
            <span className="dot ringed" />
            heard within the hour; faded: a day or more
          </li>
          <li>
            <span className="cluster-key" aria-hidden="true">
              12
            </span>
            a cluster: its ring by sector
          </li>
        </ul>
      ) : null}
    </div>
  );
}

/**
 * Clusters as HTML markers (the style has no glyphs, so counts cannot be map text): a ring split by
 * sector around the number of terminals, with the same in words for screen readers and on hover.
 * Called on the map's renders; markers are kept by what they show and only changed ones touched.
 */
function syncClusters(map: MapLibreMap, markers: Map<string, Marker>): void {
  if (!map.getSource('terminals')) return;
  const seen = new Set<string>();
  for (const f of map.querySourceFeatures('terminals')) {
    const p = f.properties as Record<string, number | boolean | undefined> | null;
    if (!p?.['cluster'] || f.geometry.type !== 'Point') continue;
    const total = Number(p['point_count']);
    const counts = SECTORS.map((s) => [s, Number(p[s] ?? 0)] as [Sector, number]).filter(([, n]) => n > 0);
    // A cluster id is reused when the data changes: the key holds what the marker shows.
    const [lon, lat] = f.geometry.coordinates as [number, number];
    const id =
      `${String(p['cluster_id'])}:${counts.join(';')}:${String(p['fresh'])}:${lon.toFixed(4)},` + `${lat.toFixed(4)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (markers.has(id)) continue;
    let at = 0;
    const ring = counts
      .map(([s, n]) => {
        const from = at;
        at += (n / total) * 360;
        return `${SECTOR_COLOURS[s]} ${from}deg ${at}deg`;
      })
      .join(', ');
    const words =
      `${total} terminals: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}; ${Number(p['fresh'] ?? 0)} ` +
      `heard within the hour`;
    const el = document.createElement('div');
    el.className = 'cluster-marker';
    el.style.background = `conic-gradient(${ring})`;
    el.style.width = el.style.height = `${Math.round(28 + Math.min(24, Math.log2(total) * 4))}px`;
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', words);
    el.title = words;
    el.dataset['sectors'] = counts.map(([s, n]) => `${s}:${n}`).join(' ');
    const inner = document.createElement('span');
    inner.textContent = String(total);
    el.appendChild(inner);
    markers.set(id, new Marker({ element: el }).setLngLat([lon, lat]).addTo(map));
  }
  for (const [id, m] of markers)
    if (!seen.has(id)) {
      m.remove();
      markers.delete(id);
    }
}
