import type { ComponentChildren, VNode } from 'preact';
import { useView } from '../view.tsx';

/**
 * Marks server-rendered markup that a client island enhances. The page works without it; with
 * JavaScript the island's script (public/build/islands/NAME.js) hydrates it with `props`.
 * Props travel in a data attribute, so no inline script is needed under the CSP.
 */
export function Island(props: {
  name: string;
  props?: unknown;
  children?: ComponentChildren;
  class?: string;
}): VNode {
  useView().islands.add(props.name);
  return (
    <div
      data-island={props.name}
      data-props={JSON.stringify(props.props ?? {})}
      class={props.class}
    >
      {props.children}
    </div>
  );
}

/** schema.org structured data. JSON in a non-executable script type is allowed by the CSP. */
export function JsonLd(props: { data: Record<string, unknown> }): VNode {
  const json = JSON.stringify({ '@context': 'https://schema.org', ...props.data }).replace(
    /</g,
    '\\u003c',
  );
  return <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: json }} />;
}
