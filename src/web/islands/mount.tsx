import { hydrate, type ComponentType } from 'preact';

/** Hydrates every server-rendered `<div data-island="name">` with its component and props. */
export function mountIsland<P extends object>(name: string, Component: ComponentType<P>): void {
  const start = () => {
    for (const element of document.querySelectorAll<HTMLElement>(`[data-island="${name}"]`)) {
      const props = JSON.parse(element.dataset.props ?? '{}') as P;
      hydrate(<Component {...props} />, element);
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
