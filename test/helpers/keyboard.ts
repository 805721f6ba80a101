/**
 * Keyboard-only browsing for the browser tests: Tab through a page as someone without a mouse
 * does, and check at each stop that the focused element shows where focus is.
 */
import type { Page } from 'playwright-core';

export interface FocusStop {
  /** A short description of the focused element, for failure messages. */
  element: string;
  /** The element matches :focus-visible (the browser decided the ring should show). */
  focusVisible: boolean;
  /** It draws an outline or a box shadow while focused. */
  indicator: boolean;
  /** Contrast of the outline against the background behind it (WCAG 1.4.11 asks for ≥ 3). */
  contrast: number;
}

/** What the focused element looks like; null when nothing (or the body) has focus. */
export function focusStop(page: Page): Promise<FocusStop | null> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return null;
    const rgb = (color: string) => {
      const parts = color.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return { r: parts[0]!, g: parts[1]!, b: parts[2]!, a: parts[3] ?? 1 };
    };
    const luminance = (c: { r: number; g: number; b: number }) => {
      const [r, g, b] = [c.r, c.g, c.b].map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    // The outline sits outside the element: measure it against the nearest ancestor's background.
    let background = { r: 255, g: 255, b: 255, a: 1 };
    for (let node = el.parentElement; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.a > 0) {
        background = c;
        break;
      }
    }
    const style = getComputedStyle(el);
    const hasOutline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const hasShadow = style.boxShadow !== 'none';
    const [l1, l2] = [luminance(rgb(style.outlineColor)), luminance(background)].sort(
      (a, b) => b - a,
    );
    const label = el.id
      ? `#${el.id}`
      : (el.getAttribute('name') ?? el.textContent?.trim().slice(0, 40) ?? '');
    return {
      element: `${el.tagName.toLowerCase()} ${label}`,
      focusVisible: el.matches(':focus-visible'),
      indicator: hasOutline || hasShadow,
      contrast: hasOutline ? (l1! + 0.05) / (l2! + 0.05) : 0,
    };
  });
}

/** Fails unless focus is on an element that shows it clearly. */
export async function expectVisibleFocus(page: Page): Promise<FocusStop> {
  const stop = await focusStop(page);
  if (!stop) throw new Error('nothing has keyboard focus');
  if (!stop.focusVisible || !stop.indicator || stop.contrast < 3)
    throw new Error(`focus is not clearly visible on ${JSON.stringify(stop)}`);
  return stop;
}

/**
 * Presses Tab (Shift+Tab when `backwards`) until the focused element matches `selector`,
 * checking that focus is visible at every stop on the way. Fails after `max` presses.
 */
export async function tabTo(
  page: Page,
  selector: string,
  options: { max?: number; backwards?: boolean } = {},
): Promise<number> {
  const max = options.max ?? 120;
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  const visited: string[] = [];
  for (let presses = 1; presses <= max; presses += 1) {
    await page.keyboard.press(key);
    const stop = await focusStop(page);
    if (stop) {
      visited.push(stop.element);
      if (!stop.focusVisible || !stop.indicator || stop.contrast < 3)
        throw new Error(`focus is not clearly visible on ${JSON.stringify(stop)}`);
    }
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector))
      return presses;
  }
  throw new Error(
    `${selector} not reached in ${max} presses of ${key}; last stops: ${visited.slice(-8).join(', ')}`,
  );
}

/** Presses `key` and waits for the next page to load, which must be at `url`. */
export async function pressAndWait(page: Page, key: string, url: RegExp): Promise<void> {
  // Waiting for the load event rather than the URL: a form that comes back with errors is
  // answered at the URL it was posted to.
  await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
  if (!url.test(page.url())) throw new Error(`${key} led to ${page.url()}, not ${url}`);
}
