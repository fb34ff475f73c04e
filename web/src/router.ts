import { useEffect, useState } from 'react';

/** The client's routes live in the path (the server answers index.html for any of them). */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    addEventListener('popstate', update);
    addEventListener('satiot:navigate', update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener('satiot:navigate', update);
    };
  }, []);
  return path;
}

export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new Event('satiot:navigate'));
}

/** An in-app link: a real anchor (keyboard, middle-click), navigating without a reload. */
export function linkProps(path: string) {
  return {
    href: path,
    onClick: (e: { preventDefault(): void; metaKey: boolean; ctrlKey: boolean; button?: number }) => {
      if (e.metaKey || e.ctrlKey || (e.button ?? 0) !== 0) return;
      e.preventDefault();
      navigate(path);
    },
  };
}
