import { readFileSync } from 'node:fs';
import type { ServiceContext } from '../../platform/context.ts';
import { actorFor, createUser, findUserByEmail } from '../accounts/index.ts';
import { createThread, reply, savePreferences } from './discussions.service.ts';
import { addMember, createGroup } from './groups.service.ts';

interface DemoData {
  people: Array<{ email: string; displayName: string; languages: string[] }>;
  groups: Array<{
    key: string;
    name: string;
    description: string;
    admin: string;
    members: string[];
  }>;
  threads: Array<{
    author: string;
    group?: string;
    title: string;
    language: string;
    themes: string[];
    region: string | null;
    body: string;
    replies: Array<{ author: string; body: string; quote?: number }>;
  }>;
}

/**
 * A few threads between the fictional demo people (the experts' demo set), one of them in a
 * private demo group. Demo people get no email: their addresses are on example.org.
 */
export async function seedDemoDiscussions(ctx: ServiceContext): Promise<void> {
  const data = JSON.parse(
    readFileSync(new URL('./demo/discussions.json', import.meta.url), 'utf8'),
  ) as DemoData;
  const people = new Map<string, ServiceContext>();
  for (const p of data.people) {
    const user =
      (await findUserByEmail(ctx, p.email)) ??
      (await createUser(ctx, { email: p.email, displayName: p.displayName }));
    const as = { ...ctx, actor: await actorFor(ctx, user.id) };
    await savePreferences(as, {
      handle: p.displayName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, ''),
      languages: p.languages,
      emailNotifications: false,
    });
    people.set(p.email, as);
  }
  const groups = new Map<string, string>();
  for (const g of data.groups) {
    const { id } = await createGroup(
      ctx,
      { name: g.name, description: g.description, adminEmail: g.admin },
      { isDemo: true },
    );
    for (const email of g.members)
      await addMember(people.get(g.admin)!, id, { email, role: 'member' });
    groups.set(g.key, id);
  }
  for (const th of data.threads) {
    const { id, postId } = await createThread(
      people.get(th.author)!,
      {
        title: th.title,
        body: th.body,
        language: th.language,
        themes: th.themes,
        region: th.region,
        groupId: th.group ? groups.get(th.group) : null,
      },
      [],
      { isDemo: true },
    );
    const posts = [postId];
    for (const r of th.replies) {
      const quoteOf = r.quote === undefined ? null : (posts[r.quote] ?? null);
      const post = await reply(people.get(r.author)!, id, { body: r.body, quoteOf });
      posts.push(post.id);
    }
  }
}
