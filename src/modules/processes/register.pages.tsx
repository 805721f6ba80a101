import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static } from 'typebox';
import { stringify } from 'csv-stringify/sync';
import { Feed } from 'feed';
import { validate } from '../../platform/validation.ts';
import type { Translate } from '../../platform/i18n/index.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { countryName } from '../reference/index.ts';
import * as accreditation from './accreditation.service.ts';
import { OUTCOMES, csvSafe, type Outcome, type Process } from './processes.ts';
import type { StatRow } from './register.ts';
import { StackedBars } from './chart.tsx';
import { DemoNotice, Instant, ObjectionsCell, OutcomeTag, ProcessNav } from './components.tsx';
import { type SlugParams, processRights } from './processes.pages.tsx';

const PAGE = { config: { page: true }, schema: { hide: true } } as const;

const RegisterFilter = Type.Object(
  {
    outcome: Type.Optional(Type.String({ enum: ['', ...OUTCOMES] })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  },
  { additionalProperties: false },
);

function StatTable(props: {
  id: string;
  caption: string;
  heading: string;
  rows: StatRow[];
  label: (value: string) => string;
}): VNode {
  const { t } = useView();
  return (
    <div class="table-scroll" role="region" aria-labelledby={props.id} tabIndex={0}>
      <table class="stats-table">
        <caption id={props.id}>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.heading}</th>
            <th scope="col">{t('processes.register.applied')}</th>
            <th scope="col">{t('processes.outcome.accredited')}</th>
            <th scope="col">{t('processes.outcome.refused')}</th>
            <th scope="col">{t('processes.outcome.pending')}</th>
            <th scope="col">{t('processes.register.refusedShare')}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => {
            const decided = r.accredited + r.refused;
            return (
              <tr key={r.value}>
                <th scope="row">{props.label(r.value)}</th>
                <td>{r.applied}</td>
                <td>{r.accredited}</td>
                <td>{r.refused}</td>
                <td>{r.pending}</td>
                <td>{decided ? `${Math.round((100 * r.refused) / decided)} %` : '–'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function RegisterPage(props: {
  register: accreditation.Register;
  filter: Static<typeof RegisterFilter>;
  rights: { review: boolean; manage: boolean };
}): VNode {
  const view = useView();
  const { t } = view;
  const { process: p, statistics } = props.register;
  const base = `/processes/${p.slug}`;
  const anyDemo = props.register.items.some((a) => a.isDemo) || p.isDemo;
  const groupLabel = (v: string) => t(`processes.group.${v}`);
  const regionLabel = (v: string) => t(`processes.region.${v}`);
  const ecosocLabel = (v: string) => t(`processes.ecosoc.${v}`);
  const total = statistics.byEcosocStatus.reduce((n, r) => n + r.applied, 0);
  view.head.push(
    <link
      rel="alternate"
      type="application/atom+xml"
      title={t('processes.feed.title', { name: p.name })}
      href={view.href(`${base}/decisions.atom`)}
    />,
  );
  return (
    <>
      <h1>{t('processes.register.title', { name: p.name })}</h1>
      <ProcessNav process={p} current="register" {...props.rights} />
      <p class="lead">{t('processes.register.intro')}</p>
      <p>
        {t(`processes.disclosure.objector.${p.disclosure.objector}`)}{' '}
        {t(
          p.disclosure.reasonsPublic
            ? 'processes.disclosure.reasonsPublic'
            : 'processes.disclosure.reasonsPrivate',
        )}
      </p>
      {anyDemo ? <DemoNotice>{t('processes.demo.register')}</DemoNotice> : null}
      <p class="actions">
        <a href={view.href(`${base}/register.csv`)} download>
          {t('processes.register.csv')}
        </a>{' '}
        ·{' '}
        <a href={view.href(`${base}/decisions.atom`)} type="application/atom+xml">
          {t('processes.register.atom')}
        </a>
      </p>

      <section aria-labelledby="inclusion">
        <h2 id="inclusion">{t('processes.register.statistics')}</h2>
        {total === 0 ? (
          <p>{t('processes.register.empty')}</p>
        ) : (
          <>
            <StackedBars
              id="chart-groups"
              rows={statistics.byStakeholderGroup}
              labels={{
                title: t('processes.register.chartTitle', { name: p.name }),
                description: t('processes.register.chartDescription', {
                  summary: statistics.byStakeholderGroup
                    .map((r) =>
                      t('processes.register.chartRow', {
                        group: groupLabel(r.value),
                        applied: r.applied,
                        accredited: r.accredited,
                        refused: r.refused,
                        pending: r.pending,
                      }),
                    )
                    .join('; '),
                }),
                rowLabel: groupLabel,
                segmentLabel: (k) => t(`processes.outcome.${k}`),
              }}
            />
            <StatTable
              id="by-group"
              caption={t('processes.register.byGroup')}
              heading={t('processes.register.group')}
              rows={statistics.byStakeholderGroup}
              label={groupLabel}
            />
            <StatTable
              id="by-region"
              caption={t('processes.register.byRegion')}
              heading={t('processes.register.region')}
              rows={statistics.byRegion}
              label={regionLabel}
            />
            <StatTable
              id="by-ecosoc"
              caption={t('processes.register.byEcosoc')}
              heading={t('processes.register.ecosoc')}
              rows={statistics.byEcosocStatus}
              label={ecosocLabel}
            />
          </>
        )}
      </section>

      <section aria-labelledby="applications">
        <h2 id="applications">{t('processes.register.applications')}</h2>
        <form method="get" action={view.href(`${base}/register`)} class="filters" role="search">
          <div class="field">
            <label for="register-q">{t('processes.register.search')}</label>
            <input id="register-q" type="search" name="q" value={props.filter.q ?? ''} />
          </div>
          <div class="field">
            <label for="register-outcome">{t('processes.register.outcome')}</label>
            <select id="register-outcome" name="outcome">
              <option value="">{t('processes.list.any')}</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o} selected={props.filter.outcome === o}>
                  {t(`processes.outcome.${o}`)}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">{t('processes.list.filter')}</button>
        </form>
        <p>{t('processes.register.count', { count: props.register.total })}</p>
        <div class="table-scroll" role="region" aria-labelledby="applications" tabIndex={0}>
          <table class="register">
            <thead>
              <tr>
                <th scope="col">{t('processes.register.organisation')}</th>
                <th scope="col">{t('processes.register.group')}</th>
                <th scope="col">{t('processes.register.region')}</th>
                <th scope="col">{t('processes.register.ecosoc')}</th>
                <th scope="col">{t('processes.register.meeting')}</th>
                <th scope="col">{t('processes.register.dates')}</th>
                <th scope="col">{t('processes.register.outcome')}</th>
                <th scope="col">{t('processes.register.objections')}</th>
              </tr>
            </thead>
            <tbody>
              {props.register.items.map((a) => (
                <tr key={a.id} id={`application-${a.id}`}>
                  <th scope="row">
                    {a.organisation.slug && !a.isDemo ? (
                      <a href={view.href(`/organisations/${a.organisation.slug}`)}>
                        {a.organisation.name}
                      </a>
                    ) : (
                      a.organisation.name
                    )}
                    {a.isDemo ? (
                      <>
                        {' '}
                        <span class="tag">{t('processes.demo.label')}</span>
                      </>
                    ) : null}
                    <details>
                      <summary>{t('processes.register.statement')}</summary>
                      <p class="statement">{a.statement}</p>
                    </details>
                  </th>
                  <td>{groupLabel(a.organisation.stakeholderGroup)}</td>
                  <td>
                    {regionLabel(a.organisation.region)}
                    {a.organisation.country
                      ? ` (${countryName(a.organisation.country, view.locale)})`
                      : ''}
                  </td>
                  <td>{t(a.organisation.ecosocStatus ? 'processes.yes' : 'processes.no')}</td>
                  <td>{a.meeting.title}</td>
                  <td>
                    <dl class="dates">
                      <dt>{t('processes.register.submitted')}</dt>
                      <dd>
                        <Instant value={a.submittedAt} timeZone={p.timeZone} />
                      </dd>
                      {a.basis === 'non-objection' ? (
                        <>
                          <dt>{t('processes.register.deadline')}</dt>
                          <dd>
                            <Instant value={a.objectionDeadline} timeZone={p.timeZone} />
                          </dd>
                        </>
                      ) : null}
                      {a.decidedAt ? (
                        <>
                          <dt>{t('processes.register.decided')}</dt>
                          <dd>
                            <Instant value={a.decidedAt} timeZone={p.timeZone} />
                          </dd>
                        </>
                      ) : null}
                    </dl>
                  </td>
                  <td>
                    <OutcomeTag outcome={a.outcome} />
                    {a.basis === 'ecosoc' ? (
                      <span class="hint"> {t('processes.register.byStatus')}</span>
                    ) : null}
                  </td>
                  <td>
                    <ObjectionsCell objections={a.objections} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pagination
          page={props.register.page}
          pageSize={props.register.pageSize}
          total={props.register.total}
        />
      </section>
    </>
  );
}

const CSV_COLUMNS = [
  'application_id',
  'organisation',
  'organisation_slug',
  'stakeholder_group',
  'country',
  'un_regional_group',
  'ecosoc_status',
  'meeting',
  'meeting_starts_on',
  'submitted_at',
  'objection_deadline',
  'decided_at',
  'outcome',
  'basis',
  'objections',
  'objecting_states',
  'reasons',
  'demo',
];

/** The register as CSV (RFC 4180, UTF-8): public data only, formula-looking cells neutralised. */
export function registerCsv(items: accreditation.PublicApplication[]): string {
  const rows = items.map((a) =>
    [
      a.id,
      a.organisation.name,
      a.organisation.slug ?? '',
      a.organisation.stakeholderGroup,
      a.organisation.country ?? '',
      a.organisation.region,
      a.organisation.ecosocStatus ? 'yes' : 'no',
      a.meeting.title,
      a.meeting.startsOn,
      a.submittedAt.toISOString(),
      a.basis === 'non-objection' ? a.objectionDeadline.toISOString() : '',
      a.decidedAt?.toISOString() ?? '',
      a.outcome,
      a.basis,
      String(a.objections.count),
      a.objections.states?.join(' ') ?? '',
      a.objections.reasons?.join(' | ') ?? '',
      a.isDemo ? 'yes' : 'no',
    ].map(csvSafe),
  );
  return stringify([CSV_COLUMNS, ...rows], { record_delimiter: 'windows' });
}

/** Decisions as an Atom feed, newest first. */
export function decisionsFeed(
  register: accreditation.Register,
  t: Translate,
  locale: string,
  baseUrl: string,
): string {
  const p: Process = register.process;
  const page = `${baseUrl}/processes/${p.slug}/register`;
  const decided = register.items
    .filter((a) => a.decidedAt)
    .sort((a, b) => b.decidedAt!.getTime() - a.decidedAt!.getTime())
    .slice(0, 100);
  const feed = new Feed({
    id: `${baseUrl}/processes/${p.slug}/decisions.atom`,
    title: t('processes.feed.title', { name: p.name }),
    description: t('processes.feed.description', { name: p.name }),
    link: page,
    language: locale,
    updated: register.lastDecisionAt ?? new Date(0),
    generator: false,
    feedLinks: { atom: `${baseUrl}/processes/${p.slug}/decisions.atom` },
    copyright: t('processes.feed.rights'),
  });
  for (const a of decided) {
    const states = a.objections.states?.map((c) => countryName(c, locale)).join(', ');
    const lines = [
      t(`processes.feed.outcome.${a.outcome}`, { organisation: a.organisation.name }),
      t('processes.feed.meeting', { meeting: a.meeting.title }),
      a.basis === 'ecosoc'
        ? t('processes.register.byStatus')
        : t('processes.objections.count', { count: a.objections.count }) +
          (states ? `: ${states}` : ''),
      ...(a.objections.reasons?.length ? [a.objections.reasons.join(' / ')] : []),
      ...(a.isDemo ? [t('processes.demo.application')] : []),
    ];
    feed.addItem({
      id: `urn:uuid:${a.id}`,
      title: `${a.isDemo ? `[${t('processes.demo.label')}] ` : ''}${t(
        `processes.feed.outcome.${a.outcome}`,
        { organisation: a.organisation.name },
      )}`,
      link: `${page}#application-${a.id}`,
      date: a.decidedAt!,
      published: a.submittedAt,
      description: lines.join(' — '),
    });
  }
  return feed.atom1();
}

export async function registerPages(app: FastifyInstance): Promise<void> {
  app.get('/processes/:slug/register', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const parsed = validate(RegisterFilter, request.query);
    const filter = parsed.ok ? parsed.value : {};
    const register = await accreditation.getRegister(request.ctx, slug, {
      outcome: (filter.outcome || undefined) as Outcome | undefined,
      q: filter.q,
      page: filter.page ?? 1,
      pageSize: 50,
    });
    return sendPage(
      request,
      reply,
      {
        title: request.t('processes.register.title', { name: register.process.name }),
        description: request.t('processes.register.intro'),
      },
      <RegisterPage
        register={register}
        filter={filter}
        rights={processRights(request, register.process)}
      />,
    );
  });

  app.get('/processes/:slug/register.csv', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const parsed = validate(RegisterFilter, request.query);
    const filter = parsed.ok ? parsed.value : {};
    const register = await accreditation.getRegister(request.ctx, slug, {
      outcome: (filter.outcome || undefined) as Outcome | undefined,
      q: filter.q,
      page: 1,
      pageSize: 1_000_000,
    });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${register.process.slug}-register.csv"`)
      .send(registerCsv(register.items));
  });

  app.get('/processes/:slug/decisions.atom', PAGE, async (request, reply) => {
    const { slug } = request.params as Static<typeof SlugParams>;
    const register = await accreditation.getRegister(request.ctx, slug, {
      page: 1,
      pageSize: 1_000_000,
    });
    return reply
      .type('application/atom+xml; charset=utf-8')
      .send(decisionsFeed(register, request.t, request.locale, request.server.deps.config.baseUrl));
  });
}
