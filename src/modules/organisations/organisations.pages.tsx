import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import { dropEmptyQuery } from '../../platform/http/query.ts';
import { Pagination } from '../../web/components/pagination.tsx';
import { JsonLd } from '../../web/components/island.tsx';
import { countries, countryName, type Country } from '../reference/index.ts';
import { TAXONOMIES } from '../reference/index.ts';
import { getOrganisation, listOrganisations } from './organisations.service.ts';
import { organisationSections } from './organisations.sections.ts';
import { ORGANISATION_KINDS, type Organisation } from './organisations.ts';
import { OrganisationListQuery } from './organisations.schemas.ts';

type ListQuery = Static<typeof OrganisationListQuery>;

function SelectFilter(props: {
  name: string;
  label: string;
  value: string | undefined;
  options: Array<{ value: string; label: string }>;
}): VNode {
  const { t } = useView();
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{props.label}</label>
      <select id={`f-${props.name}`} name={props.name}>
        <option value="">{t('organisations.search.any')}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function Directory(props: {
  query: ListQuery;
  result: Awaited<ReturnType<typeof listOrganisations>>;
  countryList: Country[];
}): VNode {
  const view = useView();
  const { t } = view;
  const countryOptions = props.countryList
    .map((c) => ({ value: c.iso2, label: countryName(c.iso2, view.locale, c.name) }))
    .sort((a, b) => a.label.localeCompare(b.label, view.locale));
  return (
    <>
      <h1>{t('organisations.title')}</h1>
      <p class="lead">{t('organisations.intro')}</p>
      <div class="layout-with-aside">
        <form
          method="get"
          action={view.href('/organisations')}
          class="facets"
          role="search"
          aria-label={t('organisations.search.label')}
        >
          <div class="field">
            <label for="f-q">{t('organisations.search.q')}</label>
            <input id="f-q" type="search" name="q" value={props.query.q ?? ''} />
          </div>
          <SelectFilter
            name="stakeholderGroup"
            label={t('organisations.search.group')}
            value={props.query.stakeholderGroup}
            options={TAXONOMIES.stakeholderGroup.map((g) => ({
              value: g.code,
              label: t(`organisations.group.${g.code}`),
            }))}
          />
          <SelectFilter
            name="kind"
            label={t('organisations.search.kind')}
            value={props.query.kind}
            options={ORGANISATION_KINDS.map((k) => ({
              value: k,
              label: t(`organisations.kind.${k}`),
            }))}
          />
          <SelectFilter
            name="country"
            label={t('organisations.search.country')}
            value={props.query.country?.toUpperCase()}
            options={countryOptions}
          />
          <SelectFilter
            name="memberState"
            label={t('organisations.search.memberState')}
            value={props.query.memberState?.toUpperCase()}
            options={countryOptions}
          />
          <button type="submit">{t('organisations.search.submit')}</button>
        </form>
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">
            {t('organisations.search.results', { count: props.result.total })}
          </h2>
          <ul class="results">
            {props.result.items.map((o) => (
              <li key={o.id}>
                <h3>
                  <a href={view.href(`/organisations/${o.slug}`)}>{o.name}</a>
                  {o.acronym ? ` (${o.acronym})` : ''}
                </h3>
                <ul class="meta">
                  <li>{t(`organisations.group.${o.stakeholderGroup}`)}</li>
                  <li>{t(`organisations.kind.${o.kind}`)}</li>
                  {o.country ? <li>{countryName(o.country, view.locale)}</li> : null}
                  {o.memberStates.length ? (
                    <li>{t('organisations.members', { count: o.memberStates.length })}</li>
                  ) : null}
                </ul>
              </li>
            ))}
          </ul>
          <Pagination
            page={props.result.page}
            pageSize={props.result.pageSize}
            total={props.result.total}
          />
        </section>
      </div>
    </>
  );
}

function Profile(props: {
  organisation: Organisation;
  sections: Array<{ id: string; node: VNode | null }>;
}): VNode {
  const view = useView();
  const { t } = view;
  const o = props.organisation;
  const members = [...o.memberStates].sort((a, b) =>
    countryName(a, view.locale).localeCompare(countryName(b, view.locale), view.locale),
  );
  return (
    <>
      <JsonLd
        data={{
          '@type': o.stakeholderGroup === 'government' ? 'GovernmentOrganization' : 'Organization',
          name: o.name,
          ...(o.acronym ? { alternateName: o.acronym } : {}),
          ...(o.website ? { url: o.website } : {}),
          description: o.description,
        }}
      />
      <h1>
        {o.name}
        {o.acronym ? ` (${o.acronym})` : ''}
      </h1>
      <p>{o.description}</p>
      <h2>{t('organisations.profile.facts')}</h2>
      <dl class="facts">
        <dt>{t('organisations.profile.group')}</dt>
        <dd>{t(`organisations.group.${o.stakeholderGroup}`)}</dd>
        <dt>{t('organisations.profile.kind')}</dt>
        <dd>{t(`organisations.kind.${o.kind}`)}</dd>
        {o.country ? (
          <>
            <dt>{t('organisations.profile.basedIn')}</dt>
            <dd>
              <a href={view.href(`/countries/${o.country.toLowerCase()}`)}>
                {countryName(o.country, view.locale)}
              </a>
            </dd>
          </>
        ) : null}
        {o.website ? (
          <>
            <dt>{t('organisations.profile.website')}</dt>
            <dd>
              <a href={o.website} rel="noopener">
                {o.website}
              </a>
            </dd>
          </>
        ) : null}
        {o.ecosocStatus ? (
          <>
            <dt>{t('organisations.profile.ecosoc')}</dt>
            <dd>{t('organisations.profile.yes')}</dd>
          </>
        ) : null}
      </dl>
      {members.length ? (
        <section aria-labelledby="members-heading">
          <h2 id="members-heading">{t('organisations.profile.memberStates')}</h2>
          <p>{t('organisations.profile.memberStatesIntro', { count: members.length })}</p>
          <ul class="columns">
            {members.map((iso2) => (
              <li key={iso2}>
                <a href={view.href(`/countries/${iso2.toLowerCase()}`)}>
                  {countryName(iso2, view.locale)}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {props.sections.map((s) => (s.node ? <div key={s.id}>{s.node}</div> : null))}
      {props.sections.some((s) => s.id === 'resources') ? null : (
        <section aria-labelledby="resources-heading">
          <h2 id="resources-heading">{t('organisations.profile.resources')}</h2>
          <p>
            <a href={view.href(`/catalogue?q=${encodeURIComponent(o.acronym ?? o.name)}`)}>
              {t('organisations.profile.resourcesLink', { name: o.acronym ?? o.name })}
            </a>
          </p>
        </section>
      )}
    </>
  );
}

export async function organisationsPages(app: FastifyInstance): Promise<void> {
  app.get(
    '/organisations',
    {
      preValidation: dropEmptyQuery,
      config: { page: true },
      schema: { hide: true, querystring: OrganisationListQuery },
    },
    async (request, reply) => {
      const query = request.query as ListQuery;
      const [result, countryList] = await Promise.all([
        listOrganisations(request.ctx, query),
        countries(request.ctx),
      ]);
      return sendPage(
        request,
        reply,
        { title: request.t('organisations.title'), description: request.t('organisations.intro') },
        <Directory query={query} result={result} countryList={countryList} />,
      );
    },
  );
  app.get(
    '/organisations/:slug',
    {
      config: { page: true },
      schema: { hide: true, params: Type.Object({ slug: Type.String({ maxLength: 100 }) }) },
    },
    async (request, reply) => {
      const organisation = await getOrganisation(
        request.ctx,
        (request.params as { slug: string }).slug,
      );
      const sections = await Promise.all(
        organisationSections().map(async (s) => {
          const data = await s.load(request.ctx, organisation);
          return {
            id: s.id,
            node: data === null ? null : <s.Component data={data} organisation={organisation} />,
          };
        }),
      );
      return sendPage(
        request,
        reply,
        {
          title: organisation.name,
          description: organisation.description.slice(0, 200),
          canonical: `/organisations/${organisation.slug}`,
        },
        <Profile organisation={organisation} sections={sections} />,
      );
    },
  );
}
