import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { Type, type Static } from 'typebox';
import { sendPage, useView } from '../../web/view.tsx';
import { dropEmptyQuery } from '../../platform/http/query.ts';
import { Pagination } from '../../web/components/pagination.tsx';
import { JsonLd } from '../../web/components/island.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  errorsByField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { AppError, isAppError } from '../../platform/errors.ts';
import { can, isAllowed } from '../accounts/index.ts';
import { countries, countryName, regions, TAXONOMIES, type Country } from '../reference/index.ts';
import { exportOrganisations, type Organisation } from '../organisations/index.ts';
import {
  canEdit,
  createInitiative,
  getInitiative,
  history,
  listInitiatives,
  transition,
  updateInitiative,
  workQueue,
  type WorkflowAction,
} from './initiatives.service.ts';
import { listOverlaps, registrationOverlaps, type OverlapView } from './overlap.service.ts';
import { ACTIVITY_STATUSES, type Initiative } from './initiatives.ts';
import { InitiativeListQuery } from './initiatives.schemas.ts';
import { listText, reasonsText, themeLabel } from './labels.ts';
import { toRecord } from './initiatives.present.ts';
import { seeOther } from '../../web/redirect.ts';
import { SaveSearchForm } from '../awareness/index.ts';

type ListQuery = Static<typeof InitiativeListQuery>;
const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });

/** Links between the registry's pages. */
export function RegistryNav(): VNode {
  const view = useView();
  const { t } = view;
  const items: Array<[string, string]> = [
    ['/initiatives', 'initiatives.nav.initiatives'],
    ['/coverage', 'initiatives.nav.coverage'],
    ['/overlaps', 'initiatives.nav.overlaps'],
    ['/needs', 'initiatives.nav.needs'],
    ['/countries', 'initiatives.nav.countries'],
  ];
  if (
    can(view.actor, 'registry.submit') ||
    view.actor.grants.some((g) => g.role === 'organisation-rep')
  ) {
    items.push(
      ['/initiatives/new', 'initiatives.nav.register'],
      ['/initiatives/review', 'initiatives.nav.review'],
    );
  }
  return (
    <nav class="subnav" aria-label={t('initiatives.nav.label')}>
      <ul>
        {items.map(([path, key]) => (
          <li key={path}>
            <a href={view.href(path)} aria-current={view.path === path ? 'page' : undefined}>
              {t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Select(props: {
  name: string;
  label: string;
  value?: string;
  options: Array<{ value: string; label: string }>;
}): VNode {
  const { t } = useView();
  return (
    <div class="field">
      <label for={`f-${props.name}`}>{props.label}</label>
      <select id={`f-${props.name}`} name={props.name}>
        <option value="">{t('initiatives.search.any')}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function countryOptions(list: readonly Country[], locale: string) {
  return list
    .map((c) => ({ value: c.iso2, label: countryName(c.iso2, locale, c.name) }))
    .sort((a, b) => a.label.localeCompare(b.label, locale));
}

export function InitiativeSummary(props: { item: Initiative }): VNode {
  const view = useView();
  const { t } = view;
  const i = props.item;
  const implementers = i.participants.filter((p) => p.role === 'implementing').map((p) => p.name);
  return (
    <li>
      <h3>
        <a href={view.href(`/initiatives/${i.slug}`)}>{i.title}</a>
      </h3>
      <ul class="meta">
        <li>{t(`initiatives.status.${i.status}`)}</li>
        {i.startsOn || i.endsOn ? (
          <li>{[i.startsOn?.slice(0, 4), i.endsOn?.slice(0, 4)].filter(Boolean).join('–')}</li>
        ) : null}
        {implementers.length ? <li>{listText(implementers, view.locale)}</li> : null}
        {i.countries.length ? (
          <li>
            {listText(
              i.countries.slice(0, 6).map((c) => countryName(c, view.locale)),
              view.locale,
            )}
            {i.countries.length > 6 ? '…' : ''}
          </li>
        ) : null}
        <li>
          {listText(
            i.themes.map((c) => themeLabel(t, c)),
            view.locale,
          )}
        </li>
      </ul>
    </li>
  );
}

function ListPage(props: {
  query: ListQuery;
  result: Awaited<ReturnType<typeof listInitiatives>>;
  countryList: Country[];
  regionList: Array<{ slug: string; name: string }>;
}): VNode {
  const view = useView();
  const { t } = view;
  const q = props.query;
  const exportQuery = new URLSearchParams(view.query);
  exportQuery.delete('page');
  exportQuery.delete('pageSize');
  const suffix = exportQuery.toString() ? `?${exportQuery.toString()}` : '';
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.title')}</h1>
      <p class="lead">{t('initiatives.intro')}</p>
      <div class="layout-with-aside">
        <form
          method="get"
          action={view.href('/initiatives')}
          class="facets"
          role="search"
          aria-label={t('initiatives.search.label')}
        >
          <div class="field">
            <label for="f-q">{t('initiatives.search.q')}</label>
            <input id="f-q" type="search" name="q" value={q.q ?? ''} />
          </div>
          <Select
            name="theme"
            label={t('initiatives.search.theme')}
            value={q.theme?.[0]}
            options={TAXONOMIES.theme.map((x) => ({ value: x.code, label: themeLabel(t, x.code) }))}
          />
          <Select
            name="country"
            label={t('initiatives.search.country')}
            value={q.country?.[0]?.toUpperCase()}
            options={countryOptions(props.countryList, view.locale)}
          />
          <Select
            name="region"
            label={t('initiatives.search.region')}
            value={q.region?.[0]}
            options={props.regionList.map((r) => ({ value: r.slug, label: r.name }))}
          />
          <Select
            name="status"
            label={t('initiatives.search.status')}
            value={q.status?.[0]}
            options={ACTIVITY_STATUSES.map((s) => ({
              value: s,
              label: t(`initiatives.status.${s}`),
            }))}
          />
          <div class="field">
            <label for="f-organisation">{t('initiatives.search.organisation')}</label>
            <input
              id="f-organisation"
              type="text"
              name="organisation"
              value={q.organisation ?? ''}
            />
          </div>
          <div class="field">
            <label for="f-from">{t('initiatives.search.from')}</label>
            <input id="f-from" type="date" name="from" value={q.from ?? ''} />
          </div>
          <div class="field">
            <label for="f-to">{t('initiatives.search.to')}</label>
            <input id="f-to" type="date" name="to" value={q.to ?? ''} />
          </div>
          <button type="submit">{t('initiatives.search.submit')}</button>
        </form>
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">
            {t('initiatives.search.results', { count: props.result.total })}
          </h2>
          <p>
            {t('initiatives.search.export')}:{' '}
            <a href={`/api/v1/initiatives/export.csv${suffix}`}>
              {t('initiatives.search.exportCsv')}
            </a>{' '}
            ·{' '}
            <a href={`/api/v1/initiatives/export.json${suffix}`}>
              {t('initiatives.search.exportJson')}
            </a>{' '}
            ·{' '}
            <a href={`/api/v1/initiatives/export.xml${suffix}`}>
              {t('initiatives.search.exportIati')}
            </a>
          </p>
          <ul class="results">
            {props.result.items.map((i) => (
              <InitiativeSummary key={i.id} item={i} />
            ))}
          </ul>
          <Pagination
            page={props.result.page}
            pageSize={props.result.pageSize}
            total={props.result.total}
          />
          <SaveSearchForm kind="initiatives" />
        </section>
      </div>
    </>
  );
}

export function OverlapList(props: {
  items: OverlapView[];
  from?: string;
  decide?: boolean;
  returnTo?: string;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <ul class="results overlaps">
      {props.items.map((o) => {
        const other = props.from === o.a.id ? [o.b] : props.from === o.b.id ? [o.a] : [o.a, o.b];
        return (
          <li key={o.id ?? o.b.id}>
            <h3>
              {other.map((x, k) => (
                <span key={x.id}>
                  {k > 0 ? ` ${t('initiatives.overlap.and')} ` : ''}
                  <a href={view.href(`/initiatives/${x.slug}`)}>{x.title}</a>
                </span>
              ))}
            </h3>
            <p class="meta">
              <span>
                {t('initiatives.overlap.score')}:{' '}
                {view.formatNumber(o.score, { maximumFractionDigits: 2 })}
              </span>
              {o.likelyDuplicate ? (
                <strong class="tag warn">{t('initiatives.overlap.likelyDuplicate')}</strong>
              ) : null}
              {o.decision ? (
                <span class="tag">{t(`initiatives.overlap.decisions.${o.decision}`)}</span>
              ) : null}
            </p>
            <ul>
              {reasonsText(o.reasons, t, view.locale).map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            {o.decisionNote ? <p>{o.decisionNote}</p> : null}
            {props.decide && o.id ? (
              <PostForm action={`/overlaps/${o.id}/decision`} class="inline-form">
                <input type="hidden" name="returnTo" value={props.returnTo ?? '/overlaps'} />
                <fieldset>
                  <legend>{t('initiatives.overlap.decision')}</legend>
                  {(['duplicate', 'complementary', 'unrelated'] as const).map((d) => (
                    <label key={d} class="checkbox">
                      <input
                        type="radio"
                        name="decision"
                        value={d}
                        checked={o.decision === d}
                        required
                      />{' '}
                      {t(`initiatives.overlap.decisions.${d}`)}
                    </label>
                  ))}
                </fieldset>
                <label for={`note-${o.id}`}>{t('initiatives.overlap.decisionNote')}</label>
                <input
                  id={`note-${o.id}`}
                  type="text"
                  name="note"
                  maxLength={2000}
                  value={o.decisionNote ?? ''}
                />
                <button type="submit" class="secondary">
                  {t('initiatives.overlap.decide')}
                </button>
              </PostForm>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

function Facts(props: { i: Initiative; regionNames: ReadonlyMap<string, string> }): VNode {
  const view = useView();
  const { t } = view;
  const i = props.i;
  const byRole = (role: string) => i.participants.filter((p) => p.role === role);
  return (
    <dl class="facts">
      <dt>{t('initiatives.detail.status')}</dt>
      <dd>{t(`initiatives.status.${i.status}`)}</dd>
      {(['implementing', 'funding', 'partner', 'accountable', 'extending'] as const).map((role) =>
        byRole(role).length ? (
          <>
            <dt>{t(`initiatives.role.${role}`)}</dt>
            <dd>
              {byRole(role).map((p, k) => (
                <span key={`${p.name}-${k}`}>
                  {k > 0 ? ', ' : ''}
                  {p.slug ? <a href={view.href(`/organisations/${p.slug}`)}>{p.name}</a> : p.name}
                </span>
              ))}
            </dd>
          </>
        ) : null,
      )}
      {i.countries.length ? (
        <>
          <dt>{t('initiatives.detail.countries')}</dt>
          <dd>
            {i.countries.map((c, k) => (
              <span key={c}>
                {k > 0 ? ', ' : ''}
                <a href={view.href(`/countries/${c.toLowerCase()}`)}>
                  {countryName(c, view.locale)}
                </a>
              </span>
            ))}
          </dd>
        </>
      ) : null}
      {i.regions.length ? (
        <>
          <dt>{t('initiatives.detail.regions')}</dt>
          <dd>
            {listText(
              i.regions.map((r) => props.regionNames.get(r) ?? r),
              view.locale,
            )}
          </dd>
        </>
      ) : null}
      <dt>{t('initiatives.detail.themes')}</dt>
      <dd>
        {listText(
          i.themes.map((c) => themeLabel(t, c)),
          view.locale,
        )}
      </dd>
      {i.cmm.length ? (
        <>
          <dt>{t('initiatives.detail.cmm')}</dt>
          <dd>
            {listText(
              i.cmm.map((c) => t(`initiatives.cmm.${c}`)),
              view.locale,
            )}
          </dd>
        </>
      ) : null}
      {i.startsOn || i.endsOn ? (
        <>
          <dt>{t('initiatives.detail.dates')}</dt>
          <dd>
            {i.startsOn && i.endsOn
              ? t('initiatives.detail.period', {
                  from: view.formatDate(i.startsOn),
                  to: view.formatDate(i.endsOn),
                })
              : i.startsOn
                ? t('initiatives.detail.since', { from: view.formatDate(i.startsOn) })
                : t('initiatives.detail.until', { to: view.formatDate(i.endsOn) })}
          </dd>
        </>
      ) : null}
      {i.budget !== null && i.currency ? (
        <>
          <dt>{t('initiatives.detail.budget')}</dt>
          <dd>
            {view.formatNumber(i.budget, {
              style: 'currency',
              currency: i.currency,
              maximumFractionDigits: 0,
            })}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

function WorkflowActions(props: {
  i: Initiative;
  canEdit: boolean;
  review: boolean;
  mine: boolean;
}): VNode | null {
  const view = useView();
  const { t } = view;
  const i = props.i;
  const actions: WorkflowAction[] = [];
  if (props.mine && (i.workflow === 'draft' || i.workflow === 'returned')) actions.push('submit');
  if (props.review) {
    if (['submitted', 'draft', 'returned'].includes(i.workflow)) actions.push('publish');
    if (['submitted', 'published'].includes(i.workflow)) actions.push('return');
    if (i.workflow !== 'archived') actions.push('archive');
    else actions.push('restore');
  }
  if (!props.canEdit && actions.length === 0) return null;
  return (
    <section aria-labelledby="actions-heading" class="actions">
      <h2 id="actions-heading">{t('initiatives.detail.actions')}</h2>
      {props.canEdit ? (
        <p>
          <a class="button secondary" href={view.href(`/initiatives/${i.slug}/edit`)}>
            {t('initiatives.detail.edit')}
          </a>
        </p>
      ) : null}
      {actions.map((action) => (
        <PostForm key={action} action={`/initiatives/${i.slug}/workflow`} class="inline-form">
          <input type="hidden" name="action" value={action} />
          {action === 'return' ? (
            <>
              <label for="f-note">{t('initiatives.detail.note')}</label>
              <input id="f-note" type="text" name="note" maxLength={2000} required />
            </>
          ) : null}
          <button type="submit" class={action === 'archive' ? 'danger' : undefined}>
            {t(`initiatives.detail.${action}`)}
          </button>
        </PostForm>
      ))}
    </section>
  );
}

function DetailPage(props: {
  i: Initiative;
  regionNames: ReadonlyMap<string, string>;
  overlaps: OverlapView[];
  notice: string | null;
  canEdit: boolean;
  review: boolean;
  mine: boolean;
  decide: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  const i = props.i;
  return (
    <>
      <RegistryNav />
      <JsonLd
        data={{
          '@type': 'Project',
          name: i.title,
          description: i.description,
          url: `${view.baseUrl}/initiatives/${i.slug}`,
          ...(i.startsOn ? { startDate: i.startsOn } : {}),
          ...(i.endsOn ? { endDate: i.endsOn } : {}),
          funder: i.participants
            .filter((p) => p.role === 'funding')
            .map((p) => ({ '@type': 'Organization', name: p.name })),
        }}
      />
      {props.notice ? (
        <div class="notice ok" role="status">
          <p>{props.notice}</p>
        </div>
      ) : null}
      <h1 lang={i.language}>{i.title}</h1>
      {i.workflow !== 'published' ? (
        <p class="tag">{t(`initiatives.workflow.${i.workflow}`)}</p>
      ) : null}
      {i.reviewNote && i.workflow === 'returned' ? (
        <div class="notice warn">
          <h2>{t('initiatives.detail.reviewNote')}</h2>
          <p>{i.reviewNote}</p>
        </div>
      ) : null}
      {i.isDemo ? <p class="hint">{t('initiatives.detail.demo')}</p> : null}
      <p lang={i.language}>{i.description}</p>
      {Object.keys(i.translations).length ? (
        <p>
          {t('initiatives.detail.translations')}:{' '}
          {Object.entries(i.translations).map(([lang, tr]) => (
            <span key={lang} lang={lang}>
              {tr.title ?? lang}{' '}
            </span>
          ))}
        </p>
      ) : null}
      <h2>{t('initiatives.detail.facts')}</h2>
      <Facts i={i} regionNames={props.regionNames} />
      {i.outputs.length ? (
        <>
          <h2>{t('initiatives.detail.outputs')}</h2>
          <ul>
            {i.outputs.map((o) => (
              <li key={o}>{o}</li>
            ))}
          </ul>
        </>
      ) : null}
      {i.links.length ? (
        <>
          <h2>{t('initiatives.detail.links')}</h2>
          <ul>
            {i.links.map((l) => (
              <li key={l}>
                <a href={l} rel="noopener">
                  {l}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <section aria-labelledby="overlaps-heading">
        <h2 id="overlaps-heading">{t('initiatives.detail.overlaps')}</h2>
        <p>{t('initiatives.detail.overlapsIntro')}</p>
        {props.overlaps.length ? (
          <OverlapList
            items={props.overlaps}
            from={i.id}
            decide={props.decide}
            returnTo={`/initiatives/${i.slug}`}
          />
        ) : (
          <p>{t('initiatives.detail.noOverlaps')}</p>
        )}
      </section>
      <WorkflowActions i={i} canEdit={props.canEdit} review={props.review} mine={props.mine} />
      <p>
        <a href={view.href(`/initiatives/${i.slug}/history`)}>{t('initiatives.detail.history')}</a>
      </p>
    </>
  );
}

interface FormValues {
  [key: string]: string | string[] | undefined;
}

function MultiSelect(props: {
  name: string;
  label: string;
  hint?: string;
  values: readonly string[];
  options: Array<{ value: string; label: string }>;
  errors: FormErrors;
  size?: number;
}): VNode {
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={`field-${props.name}`}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`hint-${props.name}`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="error" id={`error-${props.name}`}>
          {error}
        </p>
      ) : null}
      <select
        id={`field-${props.name}`}
        name={props.name}
        multiple
        size={props.size ?? 6}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={
          [props.hint ? `hint-${props.name}` : '', error ? `error-${props.name}` : '']
            .filter(Boolean)
            .join(' ') || undefined
        }
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={props.values.includes(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter(Boolean);
}

function one(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function valuesOf(i: Initiative): FormValues {
  const r = toRecord(i);
  return {
    title: r.title,
    description: r.description,
    language: r.language,
    implementers: r.implementers,
    funders: r.funders,
    partners: r.partners,
    countries: r.countries,
    regions: r.regions,
    themes: r.themes,
    cmm: r.cmm,
    startsOn: r.startsOn ?? '',
    endsOn: r.endsOn ?? '',
    status: r.status,
    budget: r.budget === null ? '' : String(r.budget),
    currency: r.currency ?? '',
    outputs: r.outputs.join('\n'),
    links: r.links.join('\n'),
  };
}

function rawOf(values: FormValues): Record<string, unknown> {
  return {
    title: one(values.title),
    description: one(values.description),
    language: one(values.language) || 'en',
    implementers: list(values.implementers),
    funders: list(values.funders),
    partners: list(values.partners),
    countries: list(values.countries),
    regions: list(values.regions),
    themes: list(values.themes),
    cmm: list(values.cmm),
    startsOn: one(values.startsOn) || null,
    endsOn: one(values.endsOn) || null,
    status: one(values.status),
    budget: one(values.budget) || null,
    currency: one(values.currency) || null,
    outputs: one(values.outputs).split(/\r?\n/),
    links: one(values.links).split(/\s+/),
  };
}

function FormPage(props: {
  editing: Initiative | null;
  values: FormValues;
  errors: FormErrors;
  organisations: Organisation[];
  countryList: Country[];
  regionList: Array<{ slug: string; name: string }>;
}): VNode {
  const view = useView();
  const { t } = view;
  const v = props.values;
  const orgOptions = props.organisations.map((o) => ({
    value: o.slug,
    label: o.acronym ? `${o.name} (${o.acronym})` : o.name,
  }));
  const action = props.editing ? `/initiatives/${props.editing.slug}/edit` : '/initiatives/new';
  return (
    <>
      <RegistryNav />
      <h1>
        {props.editing
          ? t('initiatives.form.editTitle', { title: props.editing.title })
          : t('initiatives.form.newTitle')}
      </h1>
      <p>{t('initiatives.form.intro')}</p>
      <ErrorSummary errors={props.errors} />
      <PostForm action={action}>
        <TextField
          name="title"
          label={t('initiatives.form.title')}
          value={one(v.title)}
          errors={props.errors}
          required
          maxLength={300}
        />
        <TextArea
          name="description"
          label={t('initiatives.form.description')}
          hint={t('initiatives.form.descriptionHint')}
          value={one(v.description)}
          errors={props.errors}
          required
          rows={8}
        />
        <SelectField
          name="language"
          label={t('initiatives.form.language')}
          value={one(v.language) || 'en'}
          errors={props.errors}
          options={['en', 'fr', 'es', 'ar', 'ru', 'zh', 'pt'].map((code) => ({
            value: code,
            label: new Intl.DisplayNames([view.locale], { type: 'language' }).of(code) ?? code,
          }))}
        />
        <MultiSelect
          name="implementers"
          label={t('initiatives.form.implementers')}
          hint={t('initiatives.form.organisationsHint')}
          values={list(v.implementers)}
          options={orgOptions}
          errors={props.errors}
        />
        <MultiSelect
          name="funders"
          label={t('initiatives.form.funders')}
          hint={t('initiatives.form.organisationsHint')}
          values={list(v.funders)}
          options={orgOptions}
          errors={props.errors}
        />
        <MultiSelect
          name="partners"
          label={t('initiatives.form.partners')}
          hint={t('initiatives.form.organisationsHint')}
          values={list(v.partners)}
          options={orgOptions}
          errors={props.errors}
        />
        <MultiSelect
          name="countries"
          label={t('initiatives.form.countries')}
          hint={t('initiatives.form.organisationsHint')}
          values={list(v.countries)}
          options={countryOptions(props.countryList, view.locale)}
          errors={props.errors}
          size={8}
        />
        <MultiSelect
          name="regions"
          label={t('initiatives.form.regions')}
          values={list(v.regions)}
          options={props.regionList.map((r) => ({ value: r.slug, label: r.name }))}
          errors={props.errors}
        />
        <CheckboxGroup
          name="themes"
          label={t('initiatives.form.themes')}
          values={list(v.themes)}
          errors={props.errors}
          options={TAXONOMIES.theme.map((x) => ({ value: x.code, label: themeLabel(t, x.code) }))}
        />
        <CheckboxGroup
          name="cmm"
          label={t('initiatives.form.cmm')}
          values={list(v.cmm)}
          errors={props.errors}
          options={TAXONOMIES.cmmDimension.map((x) => ({
            value: x.code,
            label: t(`initiatives.cmm.${x.code}`),
          }))}
        />
        <TextField
          name="startsOn"
          type="date"
          label={t('initiatives.form.startsOn')}
          value={one(v.startsOn)}
          errors={props.errors}
        />
        <TextField
          name="endsOn"
          type="date"
          label={t('initiatives.form.endsOn')}
          value={one(v.endsOn)}
          errors={props.errors}
        />
        <SelectField
          name="status"
          label={t('initiatives.form.status')}
          value={one(v.status) || 'implementation'}
          errors={props.errors}
          options={ACTIVITY_STATUSES.map((s) => ({
            value: s,
            label: t(`initiatives.status.${s}`),
          }))}
        />
        <TextField
          name="budget"
          label={t('initiatives.form.budget')}
          value={one(v.budget)}
          errors={props.errors}
          inputMode="decimal"
        />
        <TextField
          name="currency"
          label={t('initiatives.form.currency')}
          value={one(v.currency)}
          errors={props.errors}
          maxLength={3}
        />
        <TextArea
          name="outputs"
          label={t('initiatives.form.outputs')}
          value={one(v.outputs)}
          errors={props.errors}
          rows={4}
        />
        <TextArea
          name="links"
          label={t('initiatives.form.links')}
          value={one(v.links)}
          errors={props.errors}
          rows={3}
        />
        {props.editing ? (
          <button type="submit">{t('initiatives.form.saveChanges')}</button>
        ) : (
          <p>
            <button type="submit" name="then" value="draft">
              {t('initiatives.form.save')}
            </button>{' '}
            <button type="submit" name="then" value="submit" class="secondary">
              {t('initiatives.form.saveAndSubmit')}
            </button>
          </p>
        )}
      </PostForm>
    </>
  );
}

function HistoryPage(props: Awaited<ReturnType<typeof history>> & { showActors: boolean }): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.history.title', { title: props.initiative.title })}</h1>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('initiatives.history.number')}</th>
              <th scope="col">{t('initiatives.history.at')}</th>
              <th scope="col">{t('initiatives.history.who')}</th>
              <th scope="col">{t('initiatives.history.action')}</th>
              <th scope="col">{t('initiatives.history.note')}</th>
            </tr>
          </thead>
          <tbody>
            {props.revisions.map((r) => (
              <tr key={r.number}>
                <td>{r.number}</td>
                <td>{view.formatDate(r.at, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                <td>{props.showActors ? (r.actor ?? '') : '—'}</td>
                <td>{t(`initiatives.history.actions.${r.action}`)}</td>
                <td>{r.note ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href={view.href(`/initiatives/${props.initiative.slug}`)}>{props.initiative.title}</a>
      </p>
    </>
  );
}

function QueuePage(props: Awaited<ReturnType<typeof workQueue>>): VNode {
  const { t } = useView();
  return (
    <>
      <RegistryNav />
      <h1>{t('initiatives.queue.title')}</h1>
      {props.review.length || !props.own.length ? (
        <section>
          <h2>{t('initiatives.queue.review')}</h2>
          {props.review.length ? (
            <ul class="results">
              {props.review.map((i) => (
                <InitiativeSummary key={i.id} item={i} />
              ))}
            </ul>
          ) : (
            <p>{t('initiatives.queue.empty')}</p>
          )}
        </section>
      ) : null}
      <section>
        <h2>{t('initiatives.queue.own')}</h2>
        {props.own.length ? (
          <ul class="results">
            {props.own.map((i) => (
              <InitiativeSummary key={i.id} item={i} />
            ))}
          </ul>
        ) : (
          <p>{t('initiatives.queue.empty')}</p>
        )}
      </section>
    </>
  );
}

async function renderForm(
  request: FastifyRequest,
  reply: FastifyReply,
  editing: Initiative | null,
  values: FormValues,
  errors: FormErrors,
  status = 200,
) {
  const [organisations, countryList, regionList] = await Promise.all([
    exportOrganisations(request.ctx),
    countries(request.ctx),
    regions(request.ctx),
  ]);
  return sendPage(
    request,
    reply,
    {
      title: editing
        ? request.t('initiatives.form.editTitle', { title: editing.title })
        : request.t('initiatives.form.newTitle'),
      status,
    },
    <FormPage
      editing={editing}
      values={values}
      errors={errors}
      organisations={organisations}
      countryList={countryList}
      regionList={regionList}
    />,
  );
}

const NOTICES: Record<string, string> = {
  registered: 'initiatives.detail.registered',
  submitted: 'initiatives.detail.submitted',
  updated: 'initiatives.detail.updated',
  decided: 'initiatives.overlap.saved',
};

export async function initiativesPages(app: FastifyInstance): Promise<void> {
  app.get(
    '/initiatives',
    {
      preValidation: dropEmptyQuery,
      config: { page: true },
      schema: { hide: true, querystring: InitiativeListQuery },
    },
    async (request, reply) => {
      const query = request.query as ListQuery;
      const [result, countryList, regionList] = await Promise.all([
        listInitiatives(request.ctx, query),
        countries(request.ctx),
        regions(request.ctx),
      ]);
      return sendPage(
        request,
        reply,
        { title: request.t('initiatives.title'), description: request.t('initiatives.intro') },
        <ListPage
          query={query}
          result={result}
          countryList={countryList}
          regionList={regionList}
        />,
      );
    },
  );

  app.get(
    '/initiatives/new',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      if (!request.actor.userId) {
        throw new AppError('unauthenticated', request.t('errors.title.unauthenticated'));
      }
      return renderForm(request, reply, null, { status: 'implementation', language: 'en' }, {});
    },
  );

  app.post(
    '/initiatives/new',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const values = (request.body ?? {}) as FormValues;
      try {
        const submit = one(values.then) === 'submit';
        const { initiative } = await createInitiative(request.ctx, rawOf(values), { submit });
        return seeOther(
          request,
          reply,
          `/initiatives/${initiative.slug}?done=${submit ? 'submitted' : 'registered'}`,
        );
      } catch (error) {
        if (isAppError(error) && error.code === 'validation') {
          return renderForm(request, reply, null, values, errorsByField(error.errors), 422);
        }
        throw error;
      }
    },
  );

  app.get(
    '/initiatives/review',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const queue = await workQueue(request.ctx);
      return sendPage(
        request,
        reply,
        { title: request.t('initiatives.queue.title') },
        <QueuePage {...queue} />,
      );
    },
  );

  app.get(
    '/initiatives/:slug',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: SlugParams,
        querystring: Type.Object({ done: Type.Optional(Type.String({ maxLength: 20 })) }),
      },
    },
    async (request, reply) => {
      const ctx = request.ctx;
      const i = await getInitiative(ctx, (request.params as { slug: string }).slug);
      const done = (request.query as { done?: string }).done;
      const overlaps = (await listOverlaps(ctx, { initiative: i.id, pageSize: 20 })).items;
      // A draft is not in the registry yet: show what it would overlap with.
      const shown =
        i.workflow === 'draft' || i.workflow === 'returned' || i.workflow === 'submitted'
          ? await registrationOverlaps(ctx, i)
          : overlaps;
      return sendPage(
        request,
        reply,
        {
          title: i.title,
          description: i.description.slice(0, 200),
          canonical: `/initiatives/${i.slug}`,
        },
        <DetailPage
          i={i}
          regionNames={new Map((await regions(ctx)).map((r) => [r.slug, r.name]))}
          overlaps={shown}
          notice={done && NOTICES[done] ? request.t(NOTICES[done]!) : null}
          canEdit={canEdit(ctx, i)}
          review={isAllowed(ctx, 'registry.review')}
          mine={
            !!ctx.actor.userId &&
            (i.createdBy === ctx.actor.userId || isAllowed(ctx, 'registry.submit'))
          }
          decide={isAllowed(ctx, 'registry.decide-overlap') && i.workflow === 'published'}
        />,
      );
    },
  );

  app.get(
    '/initiatives/:slug/edit',
    { config: { page: true }, schema: { hide: true, params: SlugParams } },
    async (request, reply) => {
      const i = await getInitiative(request.ctx, (request.params as { slug: string }).slug);
      if (!canEdit(request.ctx, i)) {
        throw AppError.forbidden();
      }
      return renderForm(request, reply, i, valuesOf(i), {});
    },
  );

  app.post(
    '/initiatives/:slug/edit',
    { config: { page: true }, schema: { hide: true, params: SlugParams } },
    async (request, reply) => {
      const slug = (request.params as { slug: string }).slug;
      const values = (request.body ?? {}) as FormValues;
      try {
        const { initiative } = await updateInitiative(request.ctx, slug, rawOf(values));
        return seeOther(request, reply, `/initiatives/${initiative.slug}?done=updated`);
      } catch (error) {
        if (isAppError(error) && error.code === 'validation') {
          const i = await getInitiative(request.ctx, slug);
          return renderForm(request, reply, i, values, errorsByField(error.errors), 422);
        }
        throw error;
      }
    },
  );

  app.post(
    '/initiatives/:slug/workflow',
    {
      config: { page: true },
      schema: {
        hide: true,
        params: SlugParams,
        body: Type.Object({
          action: Type.Union(
            ['submit', 'publish', 'return', 'archive', 'restore'].map((a) => Type.Literal(a)),
          ),
          note: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (request, reply) => {
      const body = request.body as { action: WorkflowAction; note?: string };
      const i = await transition(
        request.ctx,
        (request.params as { slug: string }).slug,
        body.action,
        body.note ?? null,
      );
      return seeOther(
        request,
        reply,
        `/initiatives/${i.slug}?done=${i.workflow === 'submitted' ? 'submitted' : 'updated'}`,
      );
    },
  );

  app.get(
    '/initiatives/:slug/history',
    { config: { page: true }, schema: { hide: true, params: SlugParams } },
    async (request, reply) => {
      const h = await history(request.ctx, (request.params as { slug: string }).slug);
      return sendPage(
        request,
        reply,
        { title: request.t('initiatives.history.title', { title: h.initiative.title }) },
        <HistoryPage {...h} showActors={isAllowed(request.ctx, 'registry.review')} />,
      );
    },
  );
}
