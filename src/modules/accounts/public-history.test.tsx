import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../../platform/i18n/index.ts';
import { ViewProvider, type View } from '../../web/view.tsx';
import { PublicHistory } from './public-history.tsx';

const catalogue = loadCatalogue(fileURLToPath(new URL('../../web/locales/', import.meta.url)));

function render(node: preact.ComponentChildren): string {
  const view = {
    locale: 'en',
    t: catalogue.translator('en'),
    formatDate: (d: Date) => new Date(d).toISOString().slice(0, 10),
  } as unknown as View;
  return renderToString(<ViewProvider view={view}>{node}</ViewProvider>);
}

describe('<PublicHistory>', () => {
  it('lists when and what changed, naming known actions and the changed fields', () => {
    const html = render(
      <PublicHistory
        entries={[
          {
            at: new Date('2026-11-20T10:00:00Z'),
            action: 'organisation.update',
            fields: ['website'],
            before: null,
            after: { website: 'https://x.example' },
          },
          {
            at: new Date('2026-11-01T10:00:00Z'),
            action: 'thing.archive',
            fields: [],
            before: null,
            after: null,
          },
        ]}
      />,
    );
    expect(html).toContain('<h2 id="public-history-title">History</h2>');
    expect(html).toContain('datetime="2026-11-20T10:00:00.000Z"');
    expect(html).toContain('Updated');
    expect(html).toContain('(website)');
    expect(html).toContain('Changed (thing.archive)');
  });

  it('renders nothing without entries', () => {
    expect(render(<PublicHistory entries={[]} />)).toBe('');
  });
});
