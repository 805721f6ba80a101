import type { FastifyInstance } from 'fastify';
import type { ModuleDefinition } from '../platform/module.ts';
import { sendPage, useView } from './view.tsx';

const ORDER = ['resources', 'initiatives', 'organisations', 'processes', 'events', 'countries'];

function Home(props: { stats: Record<string, number> }) {
  const view = useView();
  const { t } = view;
  const keys = Object.keys(props.stats).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
  return (
    <>
      <section class="hero">
        <h1>{t('home.title')}</h1>
        <p class="lead">{t('home.intro')}</p>
        <form method="get" action={view.href('/catalogue')} role="search" class="search-inline">
          <label for="home-q">{t('home.searchLabel')}</label>
          <input id="home-q" type="search" name="q" />
          <button type="submit">{t('home.searchButton')}</button>
        </form>
      </section>
      <section aria-labelledby="holds">
        <h2 id="holds">{t('home.holds')}</h2>
        <ul class="stats">
          {keys.map((key) => (
            <li key={key}>{t(`home.count.${key}`, { count: props.stats[key] ?? 0 })}</li>
          ))}
        </ul>
      </section>
      <section class="audiences">
        <ul>
          <li>{t('home.for.practitioners')}</li>
          <li>{t('home.for.coordinators')}</li>
          <li>{t('home.for.stakeholders')}</li>
          <li>{t('home.for.organisers')}</li>
        </ul>
      </section>
    </>
  );
}

/** The home page: what the platform holds, gathered from each module's own counts. */
export function homePage(modules: readonly ModuleDefinition[]) {
  return async (app: FastifyInstance) => {
    app.get('/', { config: { page: true }, schema: { hide: true } }, async (request, reply) => {
      const parts = await Promise.all(
        modules.map((m) => (m.stats ? m.stats(request.ctx) : Promise.resolve({}))),
      );
      const stats = Object.assign({}, ...parts) as Record<string, number>;
      return sendPage(
        request,
        reply,
        { title: request.t('home.title'), description: request.t('home.intro') },
        <Home stats={stats} />,
      );
    });
  };
}
