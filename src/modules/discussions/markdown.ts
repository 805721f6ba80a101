import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/**
 * Markdown in posts: rendered with marked (GitHub flavour), then everything not on a short allow
 * list is removed by sanitize-html. No scripts, styles, images, frames or event-handler attributes
 * survive; links keep only http(s) and mailto and carry rel="nofollow ugc noopener". Mentions
 * (@handle) are marked up in text, never inside code or links.
 */
const marked = new Marked({ gfm: true, breaks: false, async: false });

const MENTION = /(^|[^\w.@&/-])@([a-z0-9][a-z0-9_-]{1,29})\b/gi;

export interface RenderedMarkdown {
  html: string;
  /** Handles mentioned, lowercased, in order of first mention. */
  mentions: string[];
}

export function renderMarkdown(markdown: string): RenderedMarkdown {
  const mentions: string[] = [];
  const raw = marked.parse(markdown) as string;
  const html = sanitizeHtml(raw, {
    allowedTags: [
      'p',
      'br',
      'hr',
      'strong',
      'em',
      'del',
      's',
      'code',
      'pre',
      'blockquote',
      'ul',
      'ol',
      'li',
      'a',
      'h3',
      'h4',
      'h5',
      'h6',
      'table',
      'thead',
      'tbody',
      'tr',
      'th',
      'td',
      'span',
    ],
    allowedAttributes: { a: ['href', 'rel'], ol: ['start'], th: ['align'], td: ['align'] },
    allowedClasses: { span: ['mention'], code: [/^language-[\w-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesAppliedToAttributes: ['href'],
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      // The page outline keeps its own h1/h2: headings in posts start at h3.
      h1: 'h3',
      h2: 'h4',
      h3: 'h5',
      h4: 'h6',
      h5: 'h6',
      a: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, rel: 'nofollow ugc noopener' },
      }),
    },
    textFilter(text, tagName) {
      if (tagName === 'code' || tagName === 'pre' || tagName === 'a') return text;
      return text.replace(MENTION, (_m, before: string, handle: string) => {
        const h = handle.toLowerCase();
        if (!mentions.includes(h)) mentions.push(h);
        return `${before}<span class="mention">@${h}</span>`;
      });
    },
  });
  return { html, mentions };
}
