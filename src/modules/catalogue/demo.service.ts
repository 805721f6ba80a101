import { existsSync, readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { importResources } from './transfer.service.ts';

/**
 * The demo catalogue: real, public training programmes, tools and publications (facts from their
 * providers' pages), published as if first listed on the day they were last verified.
 */
export async function seedDemoResources(ctx: ServiceContext): Promise<void> {
  const file = new URL('./demo/resources.json', import.meta.url);
  if (!existsSync(file)) return;
  const records = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
  await importResources(ctx, records, {
    status: 'published',
    isDemo: true,
    publishedAt: (input) => (input.verifiedAt ? new Date(`${input.verifiedAt}T09:00:00Z`) : null),
  });
}
