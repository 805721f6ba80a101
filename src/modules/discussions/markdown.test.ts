import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

const TAGS = new Set(
  'p br hr strong em del s code pre blockquote ul ol li a h3 h4 h5 h6 table thead tbody tr th td span'.split(
    ' ',
  ),
);
const ATTRIBUTES = new Set(['href', 'rel', 'start', 'align', 'class']);

/**
 * Reads the output as HTML: text keeps "<" escaped, so every "<" opens a real tag. Each tag must be
 * on the allow list, each attribute too, and links may only lead to http(s), mailto or this site.
 */
function assertSafe(html: string): void {
  for (const [, closing, name, attrs] of html.matchAll(/<(\/?)([a-zA-Z0-9]+)([^>]*)>/g)) {
    expect(TAGS.has(name!.toLowerCase()), `tag <${name}> in ${html}`).toBe(true);
    if (closing) continue;
    const rest = attrs!.replace(/\s([a-z-]+)="([^"]*)"/g, (_m, attr: string, value: string) => {
      expect(ATTRIBUTES.has(attr), `attribute ${attr} in ${html}`).toBe(true);
      if (attr === 'href') expect(value, html).toMatch(/^(https?:|mailto:|\/(?!\/)|#|[^:]*$)/i);
      return '';
    });
    expect(rest.trim().replace(/\/$/, ''), `unparsed attributes in ${html}`).toBe('');
  }
  expect(html).not.toMatch(/<(?![a-zA-Z/])/);
}

const VECTORS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](javascript&#58;alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<form action="https://evil"><input name=x></form>',
  '"><script>alert(1)</script>',
  '`<script>` in code is text',
  '<base href="https://evil.example/">',
];

describe('Markdown sanitising', () => {
  it('uses a safety check that does catch unsafe HTML', () => {
    for (const bad of [
      '<img src=x>',
      '<a href="javascript:alert(1)">a</a>',
      '<p onclick="x()">a</p>',
      '<span style="color:red">a</span>',
      '<p>a < b</p>',
    ])
      expect(() => assertSafe(bad), bad).toThrow();
    assertSafe('<p>a &lt;script&gt; b <a href="/x" rel="nofollow ugc noopener">l</a></p>');
  });

  it('removes every known vector', () => {
    for (const vector of VECTORS) assertSafe(renderMarkdown(vector).html);
  });

  it('keeps ordinary formatting and marks links nofollow ugc noopener', () => {
    const { html } = renderMarkdown(
      '**bold** _em_ `code`\n\n- a\n- b\n\n> quoted\n\n[site](https://example.org)',
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow ugc noopener">site</a>');
  });

  it('starts headings at h3 under the page outline', () => {
    expect(renderMarkdown('# One\n\n## Two').html).toMatch(/<h3>One<\/h3>\s*<h4>Two<\/h4>/);
  });

  it('finds mentions in text but not in code, links or e-mail addresses', () => {
    const { html, mentions } = renderMarkdown(
      'Hi @Amina and @kofi-b! `@notme` [@nor](https://x.org) write to a@example.org\n\n```\n@neither\n```',
    );
    expect(mentions).toEqual(['amina', 'kofi-b']);
    expect(html).toContain('<span class="mention">@amina</span>');
  });

  it('never lets generated HTML-ish input through', () => {
    const tag = fc.constantFrom('script', 'img', 'svg', 'iframe', 'a', 'div', 'style', 'p', 'b');
    const attr = fc.constantFrom('onerror', 'onclick', 'onload', 'href', 'src', 'style', 'title');
    const value = fc.constantFrom(
      'alert(1)',
      'javascript:alert(1)',
      'x',
      'data:text/html,x',
      '"><script>x</script>',
    );
    const element = fc
      .tuple(tag, attr, value, fc.string({ maxLength: 20 }))
      .map(([t, a, v, text]) => `<${t} ${a}="${v}">${text}</${t}>`);
    const markdown = fc.array(
      fc.oneof(
        element,
        fc.string({ maxLength: 40 }),
        value.map((v) => `[l](${v})`),
      ),
      {
        maxLength: 8,
      },
    );
    fc.assert(
      fc.property(markdown, (parts) => {
        assertSafe(renderMarkdown(parts.join(' ')).html);
      }),
      { numRuns: 300 },
    );
  });
});
