const STORAGE_KEY = 'satiot.apiKey';

/** What the address bar's fragment carries: an API key (`#key=`) or a one-time sign-in link token (`#signin=`). */
export type FragmentCredential = { kind: 'key'; value: string } | { kind: 'signin'; value: string };

/**
 * Takes a credential out of the URL fragment and removes it from the address bar (and so from the
 * history), keeping the rest of the location.
 */
export function takeFragmentCredential(): FragmentCredential | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const key = params.get('key');
  const signin = params.get('signin');
  if (!key && !signin) return undefined;
  params.delete('key');
  params.delete('signin');
  const rest = params.toString();
  history.replaceState(history.state, '', location.pathname + location.search + (rest ? `#${rest}` : ''));
  return key ? { kind: 'key', value: key } : { kind: 'signin', value: signin ?? '' };
}

/** The key of this browser tab's session (sessionStorage: gone when the tab closes). */
export function storedKey(): string | undefined {
  return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
