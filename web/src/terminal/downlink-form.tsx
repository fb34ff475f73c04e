import { useState, type FormEvent } from 'react';
import type { ApiClient } from '../api/client';

/** Bytes written as hex ("01 02 ff") to the API's base64. */
function hexToBase64(hex: string): string | undefined {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) return undefined;
  let bin = '';
  for (let i = 0; i < clean.length; i += 2) bin += String.fromCharCode(parseInt(clean.slice(i, i + 2), 16));
  return btoa(bin);
}

/** Queue a downlink to the terminal; the answer's state and ETA are shown, the list refreshes. */
export function DownlinkForm({ api, devEui, onQueued }: { api: ApiClient; devEui: string; onQueued: () => void }) {
  const [fPort, setFPort] = useState('1');
  const [hex, setHex] = useState('');
  const [priority, setPriority] = useState<'normal' | 'emergency'>('normal');
  const [confirmed, setConfirmed] = useState(false);
  const [result, setResult] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setResult(undefined);
    const payload = hexToBase64(hex);
    if (payload === undefined) {
      setError('payload must be hex bytes, e.g. "01 a0"');
      return;
    }
    setBusy(true);
    try {
      const r = await api.call('POST /api/v1/terminals/{devEui}/downlinks', {
        params: { devEui },
        body: { fPort: Number(fPort), payload, priority, confirmed },
      });
      setResult(`${r.state}${r.eta ? `, ETA ${r.eta.replace('T', ' ').slice(0, 19)} UTC` : ', no route yet'}`);
      onQueued();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="downlink-form" onSubmit={submit} aria-label="Send a downlink">
      <h3>Send a downlink</h3>
      <div className="row">
        <label>
          Port{' '}
          <input
            name="fPort"
            type="number"
            min={1}
            max={223}
            value={fPort}
            onChange={(e) => setFPort(e.target.value)}
            required
          />
        </label>
        <label>
          Payload (hex){' '}
          <input name="payload" value={hex} onChange={(e) => setHex(e.target.value)} placeholder="01 02" />
        </label>
        <label>
          Priority
          <select
            name="priority"
            value={priority}
            onChange={(e) => setPriority(e.target.value as 'normal' | 'emergency')}
          >
            <option value="normal">normal</option>
            <option value="emergency">emergency</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> confirmed
        </label>
        <button type="submit" disabled={busy}>
          Queue
        </button>
      </div>
      {result ? (
        <p role="status" data-testid="downlink-result">
          Queued: {result}
        </p>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
