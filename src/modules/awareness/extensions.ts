/**
 * Awareness gathers what every module offers through its ModuleDefinition: saved-search kinds,
 * sitemap entries and deadlines. The registry is read when needed (not at import time, since the
 * registry imports this module); `registerExtension` adds definitions that are not in the registry
 * (tests, or a module being brought in).
 */
import type {
  Deadline,
  ModuleDefinition,
  SavedSearchKind,
  SitemapEntry,
} from '../../platform/module.ts';
import { ANONYMOUS, type ServiceContext } from '../../platform/context.ts';

const extra: ModuleDefinition[] = [];

/**
 * What goes out in digests, feeds, sitemaps and public calendars is public: modules are asked as
 * an anonymous visitor, whoever (the system, an editor) triggered the work. Otherwise drafts seen
 * by an editor could end up in a publicly cached feed, or in a digest sent by the system.
 */
export function asPublic(ctx: ServiceContext): ServiceContext {
  return { ...ctx, actor: ANONYMOUS };
}

export function registerExtension(definition: ModuleDefinition): () => void {
  extra.push(definition);
  return () => {
    const at = extra.indexOf(definition);
    if (at >= 0) extra.splice(at, 1);
  };
}

export async function installedModules(): Promise<readonly ModuleDefinition[]> {
  const { MODULES } = await import('../registry.ts');
  return [...MODULES, ...extra];
}

export async function savedSearchKinds(): Promise<Record<string, SavedSearchKind>> {
  const kinds: Record<string, SavedSearchKind> = {};
  for (const module of await installedModules()) Object.assign(kinds, module.savedSearchKinds);
  return kinds;
}

export async function savedSearchKind(name: string): Promise<SavedSearchKind | null> {
  return (await savedSearchKinds())[name] ?? null;
}

export async function* sitemapEntries(ctx: ServiceContext): AsyncIterable<SitemapEntry> {
  for (const module of await installedModules()) {
    if (module.sitemap) yield* module.sitemap(asPublic(ctx));
  }
}

/** Every module's deadlines, soonest first; a module that fails is logged and left out. */
export async function allDeadlines(
  ctx: ServiceContext,
  options: { userId?: string },
): Promise<Deadline[]> {
  const modules = (await installedModules()).filter((m) => m.deadlines);
  const lists = await Promise.all(
    modules.map((m) =>
      m.deadlines!(ctx, options).catch((error: unknown) => {
        ctx.log.error({ err: error, module: m.name }, 'deadlines failed');
        return [] as Deadline[];
      }),
    ),
  );
  return lists.flat().sort((a, b) => a.at.getTime() - b.at.getTime());
}
