import { useEffect, useRef, useState } from 'react';
import { AttributionControl, Map as MapLibreMap, NavigationControl, setWorkerUrl, type GeoJSONSource, type MapLayerMouseEvent } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import type { FeatureCollection } from 'geojson';
import type { ApiClient, Response } from '../api/client';
import { basemapStyle } from './basemap-style';
import { centralAngleDeg, circleRing, footprintHalfAngleDeg, positionOnTrack, trackLines, unwrapLon } from './geo';
import { ServerClock } from './server-clock';
import { COVERAGE_HOURS, coverageCells, WAIT_STOPS } from './coverage-layer';
import { SECTOR_COLOURS, sectorOf } from '../terminal-sector';

setWorkerUrl(workerUrl);

/** Elevation masks, degrees: a terminal hears a satellite above 10°, a ground station above 5° (as the contact plan). */
const TERMINAL_MASK = 10;
const STATION_MASK = 5;
const POSITIONS_EVERY_MS = 5_000;
/** The second positions poll, which gives the server clock's rate (ServerClock needs two answers > 0.5 s apart). */
const CLOCK_RATE_AFTER_MS = 1_000;
const TRACKS_EVERY_MS = 60_000;
/** Satellites are redrawn every FRAME_MS; footprints and contact links, larger and slower to change, every SLOW_FRAMES frames. */
const FRAME_MS = 150;
const SLOW_FRAMES = 6;

export interface MapTerminal {
  devEui: string;
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

export function LiveMap(props: { api: ApiClient; showStations: boolean; terminals: readonly MapTerminal[]; focus?: { lat: number; lon: number } | undefined; trail?: Array<[number, number]> | undefined; legend?: boolean }) {
  const { api, showStations, terminals, focus, trail, legend = true } = props;
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [ready, setReady] = useState(false);
  const [status, setStatus] = useState<{ satellites: number; contacts: number; at?: string }>({ satellites: 0, contacts: 0 });
  const [hover, setHover] = useState<string | undefined>();
  const clockRef = useRef(new ServerClock());
  const [coverage, setCoverage] = useState<{ state: 'off' | 'loading' | 'on'; note?: string }>({ state: 'off' });

  useEffect(() => {
    if (!container.current) return;
    const map = new MapLibreMap({
      container: container.current, style: basemapStyle(), center: focus ? [focus.lon, focus.lat] : [105, 25], zoom: focus ? 4 : 1.3,
      attributionControl: false, renderWorldCopies: true, maxZoom: 12,
      // Tests read the canvas back to check that the map renders.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new NavigationControl({ showCompass: false }), 'top-left');
    map.addControl(new AttributionControl({ compact: true, customAttribution: 'Natural Earth (world-atlas)' }));
    map.on('load', () => {
      for (const id of ['coverage', 'tracks', 'footprints', 'links', 'satellites', 'stations', 'gateways', 'trail']) map.addSource(id, { type: 'geojson', data: empty() });
      map.addLayer({
        id: 'coverage', type: 'fill', source: 'coverage',
        paint: { 'fill-color': ['interpolate', ['linear'], ['get', 'wait'], ...WAIT_STOPS.flat()], 'fill-opacity': 0.45 },
      });
      map.addSource('terminals', { type: 'geojson', data: empty(), cluster: true, clusterRadius: 40, clusterMaxZoom: 7 });
      map.addLayer({ id: 'footprints', type: 'fill', source: 'footprints', paint: { 'fill-color': '#22d3ee', 'fill-opacity': 0.08 } });
      map.addLayer({ id: 'footprint-edges', type: 'line', source: 'footprints', paint: { 'line-color': '#22d3ee', 'line-opacity': 0.35, 'line-width': 1 } });
      map.addLayer({ id: 'tracks', type: 'line', source: 'tracks', paint: { 'line-color': '#67e8f9', 'line-opacity': 0.45, 'line-width': 1, 'line-dasharray': [2, 2] } });
      map.addLayer({ id: 'trail', type: 'line', source: 'trail', paint: { 'line-color': '#fbbf24', 'line-width': 2.5 } });
      map.addLayer({ id: 'links', type: 'line', source: 'links', paint: { 'line-color': '#4ade80', 'line-width': 2, 'line-opacity': 0.9 } });
      map.addLayer({
        id: 'terminal-clusters', type: 'circle', source: 'terminals', filter: ['has', 'point_count'],
        paint: { 'circle-color': '#e2e8f0', 'circle-opacity': 0.8, 'circle-radius': ['interpolate', ['linear'], ['get', 'point_count'], 2, 9, 50, 18, 500, 28], 'circle-stroke-color': '#0f172a', 'circle-stroke-width': 1 },
      });
      map.addLayer({
        id: 'terminals', type: 'circle', source: 'terminals', filter: ['!', ['has', 'point_count']],
        paint: { 'circle-color': ['get', 'colour'], 'circle-opacity': ['get', 'fresh'], 'circle-radius': 5, 'circle-stroke-color': '#0f172a', 'circle-stroke-width': 1 },
      });
      map.addLayer({ id: 'stations', type: 'circle', source: 'stations', paint: { 'circle-color': '#4ade80', 'circle-radius': 6, 'circle-stroke-color': '#052e16', 'circle-stroke-width': 2 } });
      // Terrestrial LoRa gateways: the ground path beside the satellites (faded when not heard for 5 minutes).
      map.addLayer({ id: 'gateways', type: 'circle', source: 'gateways', paint: { 'circle-color': GATEWAY_COLOUR, 'circle-opacity': ['get', 'fresh'], 'circle-radius': 6, 'circle-stroke-color': '#500724', 'circle-stroke-width': 2 } });
      map.addLayer({ id: 'satellites', type: 'circle', source: 'satellites', paint: { 'circle-color': '#fde047', 'circle-radius': 5, 'circle-stroke-color': '#422006', 'circle-stroke-width': 1.5 } });
      for (const layer of ['satellites', 'stations', 'gateways', 'terminals']) {
        map.on('mouseenter', layer, (e: MapLayerMouseEvent) => { map.getCanvas().style.cursor = 'pointer'; setHover(String(e.features?.[0]?.properties?.['label'] ?? '')); });
        map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; setHover(undefined); });
      }
      setReady(true);
    });
    mapRef.current = map;
    return () => { map.remove(); mapRef.current = null; };
    // The map is made once; later props are pushed into its sources by the effects below.
  }, []);

  // Terminals: clustered points, colour by sector, opacity by freshness.
  useEffect(() => {
    const src = mapRef.current?.getSource<GeoJSONSource>('terminals');
    if (!ready || !src) return;
    const now = Date.now();
    src.setData({
      type: 'FeatureCollection',
      features: terminals.map((t) => ({
        type: 'Feature', geometry: { type: 'Point', coordinates: [t.lon, t.lat] },
        properties: { label: `terminal ${t.devEui} (${sectorOf(t.codec)})`, colour: SECTOR_COLOURS[sectorOf(t.codec)], fresh: freshness(t.lastSeen, now) },
      })),
    });
  }, [ready, terminals]);

  useEffect(() => {
    const src = mapRef.current?.getSource<GeoJSONSource>('trail');
    if (!ready || !src) return;
    src.setData(trail && trail.length > 1 ? { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: trail } } : empty());
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
    const failed = (e: unknown) => { if (!stopped) console.warn('map poll failed', e); };
    const pollPositions = async () => {
      const r = await api.call('GET /api/v1/satellites');
      clock.observe(r.at);
      sats = r.items;
    };
    const pollTracks = async () => {
      tracks = await api.call('GET /api/v1/satellites/tracks', { query: { beforeMinutes: 45, afterMinutes: 45, stepSeconds: 30 } });
      const features = tracks.items.flatMap((s) => trackLines(s.points).map((coords) => ({ type: 'Feature' as const, properties: {}, geometry: { type: 'LineString' as const, coordinates: coords } })));
      map.getSource<GeoJSONSource>('tracks')?.setData({ type: 'FeatureCollection', features });
    };
    const pollStations = async () => {
      // Gateways are visible to every role (a tenant sees the operator's and its own).
      const gateways = (await api.call('GET /api/v1/gateways')).items.filter((g) => g.enabled);
      const now = clock.now() ?? Date.now(); // last-heard times are the server's (the twin runs its clock faster)
      map.getSource<GeoJSONSource>('gateways')?.setData({
        type: 'FeatureCollection',
        features: gateways.map((g) => ({
          type: 'Feature', geometry: { type: 'Point', coordinates: [g.lon, g.lat] },
          properties: { label: `LoRa gateway ${g.name} (${g.gatewayEui})${g.lastSeenAt ? `, last heard ${g.lastSeenAt.slice(0, 16).replace('T', ' ')} UTC` : ', not heard yet'}`, fresh: g.lastSeenAt && now - Date.parse(g.lastSeenAt) < 5 * 60_000 ? 1 : 0.45 },
        })),
      });
      if (!showStations) return;
      stations = (await api.call('GET /api/v1/ground-stations')).items.filter((s) => s.enabled);
      map.getSource<GeoJSONSource>('stations')?.setData({
        type: 'FeatureCollection',
        features: stations.map((s) => ({ type: 'Feature', properties: { label: `ground station ${s.name}` }, geometry: { type: 'Point', coordinates: [s.lon, s.lat] } })),
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
        const p = (along && positionOnTrack(start, step, along, t)) ?? (s.position && s.position.lat !== undefined ? { lat: s.position.lat, lon: s.position.lon ?? 0, altKm: s.position.altKm ?? 500 } : undefined);
        return p ? [{ id: s.noradId, name: s.name, ...p }] : [];
      });
      map.getSource<GeoJSONSource>('satellites')?.setData({
        type: 'FeatureCollection',
        features: now.map((s) => ({ type: 'Feature', properties: { label: `${s.name} (${s.id}) ${s.altKm.toFixed(0)} km` }, geometry: { type: 'Point', coordinates: [s.lon, s.lat] } })),
      });
      if (!slow) return;
      map.getSource<GeoJSONSource>('footprints')?.setData({
        type: 'FeatureCollection',
        features: now.map((s) => ({ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [circleRing(s.lat, s.lon, footprintHalfAngleDeg(s.altKm, TERMINAL_MASK))] } })),
      });
      const links = stations.flatMap((g) => now.filter((s) => centralAngleDeg(g, s) <= footprintHalfAngleDeg(s.altKm, STATION_MASK)).map((s) => ({
        type: 'Feature' as const, properties: {}, geometry: { type: 'LineString' as const, coordinates: [[g.lon, g.lat], [unwrapLon(s.lon, g.lon), s.lat]] },
      })));
      map.getSource<GeoJSONSource>('links')?.setData({ type: 'FeatureCollection', features: links });
      setStatus((old) => (old.satellites === now.length && old.contacts === links.length && old.at?.slice(0, 16) === new Date(t).toISOString().slice(0, 16)
        ? old : { satellites: now.length, contacts: links.length, at: new Date(t).toISOString() }));
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
    return () => { stopped = true; clearTimeout(learnRate); timers.forEach(clearInterval); };
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
    coverageCells(api, { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth() }, clockRef.current.now() ?? Date.now()).then((r) => {
      map.getSource<GeoJSONSource>('coverage')?.setData(r.cells);
      setCoverage({ state: 'on', note: `planner: mean wait for a contact over the next ${COVERAGE_HOURS} h, H3 resolution ${r.resolution}${r.summaryWaitMin !== null ? `, region mean ${r.summaryWaitMin.toFixed(0)} min` : ''}` });
    }, (e: Error) => setCoverage({ state: 'off', note: `coverage failed: ${e.message}` }));
  };

  useEffect(() => {
    if (ready && focus) mapRef.current?.jumpTo({ center: [focus.lon, focus.lat], zoom: Math.max(mapRef.current.getZoom(), 3) });
  }, [ready, focus]);

  return (
    <div className="map-wrap">
      <div ref={container} className="map" role="region" aria-label="Live map of satellites, ground stations and terminals" data-testid="live-map" />
      <div className="map-status" aria-live="polite" data-testid="map-status">
        {status.satellites} satellites · {status.contacts} ground contacts{status.at ? ` · ${status.at.slice(0, 16).replace('T', ' ')} UTC` : ''}
        {hover ? <div className="map-hover">{hover}</div> : null}
      </div>
      <div className="map-tools">
        <button type="button" aria-pressed={coverage.state !== 'off'} disabled={!ready || coverage.state === 'loading'} onClick={toggleCoverage}>
          {coverage.state === 'loading' ? 'Planning coverage…' : 'Coverage heat'}
        </button>
        {coverage.note ? <div className="map-note">{coverage.note}</div> : null}
        {coverage.state === 'on' ? <div className="ramp" aria-label="Mean wait for a contact, minutes">{WAIT_STOPS.map(([m, c]) => <span key={m} style={{ background: c }}>{m}</span>)}<span>min</span></div> : null}
      </div>
      {legend ? <ul className="legend" aria-label="Legend">
        <li><span className="dot" style={{ background: '#fde047' }} />satellite</li>
        <li><span className="dot" style={{ background: '#4ade80' }} />ground station / contact</li>
        <li><span className="dot" style={{ background: GATEWAY_COLOUR }} />LoRa gateway</li>
        {(['logistics', 'power', 'water', 'other'] as const).map((s) => <li key={s}><span className="dot" style={{ background: SECTOR_COLOURS[s] }} />{s}</li>)}
      </ul> : null}
    </div>
  );
}
