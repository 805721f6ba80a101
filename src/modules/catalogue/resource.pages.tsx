/**
 * One resource: its page (/resources/{slug}, with schema.org JSON-LD and related resources), the
 * forms to add and edit one, the workflow buttons, and its revisions compared.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { AppError } from '../../platform/errors.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { JsonLd } from '../../web/components/island.tsx';
import {
  CheckboxGroup,
  ErrorSummary,
  errorsByField,
  PostForm,
  SelectField,
  TextArea,
  TextField,
  type FormErrors,
} from '../../web/components/form.tsx';
import { countryName, TAXONOMIES } from '../reference/index.ts';
import { organisationsById } from '../organisations/index.ts';
import {
  CostText,
  ResourceList,
  ResourceTitle,
  StatusTag,
  useLanguageName,
  useTerm,
} from './catalogue.components.tsx';
import {
  actionsFor,
  compareRevisions,
  createResource,
  getResourceBySlug,
  listRevisions,
  representedOrganisations,
  transition,
  updateResource,
  type RevisionView,
} from './resources.service.ts';
import { relatedResources } from './search.service.ts';
import { inputOf, renderMarkdown, resourcePath } from './resources.present.ts';
import {
  AUDIENCES,
  COSTS,
  FORMATS,
  isStale,
  KINDS,
  LEVELS,
  pickText,
  REGIONS,
  REGISTRATIONS,
  schemaOrgType,
  THEMES,
  UN_LANGUAGES,
  type Resource,
  type ResourceInput,
  type SnapshotField,
} from './resources.ts';
import { isAction, needsNote, type WorkflowAction } from './workflow.ts';
import { localPath } from '../../web/redirect.ts';
import { catalogueCache } from './catalogue.cache.ts';

const COURSE_MODE: Record<string, string> = {
  'online-self-paced': 'online',
  'online-instructor-led': 'online',
  'face-to-face': 'onsite',
  blended: 'blended',
};

/** schema.org: Course (with a CourseInstance) for courses and programmes, else CreativeWork. */
export function jsonLdOf(resource: Resource, baseUrl: string, locale: string) {
  const type = schemaOrgType(resource.kind);
  const providers = resource.providers.map((p) => ({
    '@type': 'Organization',
    name: p.name,
    ...(p.organisationSlug ? { url: `${baseUrl}/organisations/${p.organisationSlug}` } : {}),
  }));
  const free = resource.cost === 'free' || resource.cost === 'funded';
  const data: Record<string, unknown> = {
    '@type': type,
    '@id': `${baseUrl}${resourcePath(resource.slug)}`,
    name: pickText(resource.title, locale)?.text,
    description: pickText(resource.summary, locale)?.text,
    url: resource.url,
    inLanguage: resource.languages,
    isAccessibleForFree: free,
    about: resource.themes.map((code) => ({
      '@type': 'Thing',
      name: TAXONOMIES.theme.find((t) => t.code === code)?.label ?? code,
    })),
    audience: resource.audiences.map((code) => ({
      '@type': 'Audience',
      audienceType: TAXONOMIES.audience.find((t) => t.code === code)?.label ?? code,
    })),
    ...(resource.level ? { educationalLevel: resource.level } : {}),
    ...(resource.verifiedAt ? { dateModified: resource.verifiedAt } : {}),
    ...(resource.price !== null && resource.currency
      ? {
          offers: {
            '@type': 'Offer',
            price: resource.price,
            priceCurrency: resource.currency,
            category: free ? 'Free' : 'Paid',
          },
        }
      : free
        ? { offers: { '@type': 'Offer', price: 0, category: 'Free' } }
        : {}),
  };
  if (type === 'Course') {
    data.provider = providers[0] ?? undefined;
    if (resource.certificate) data.educationalCredentialAwarded = 'Certificate';
    data.hasCourseInstance = {
      '@type': 'CourseInstance',
      courseMode: COURSE_MODE[resource.format] ?? 'online',
      ...(resource.startsOn ? { startDate: resource.startsOn } : {}),
      ...(resource.endsOn ? { endDate: resource.endsOn } : {}),
      ...(resource.durationHours ? { courseWorkload: `PT${resource.durationHours}H` } : {}),
    };
  } else {
    data.publisher = providers;
  }
  return data;
}

function Facts(props: { resource: Resource }): VNode {
  const view = useView();
  const { t } = view;
  const term = useTerm();
  const language = useLanguageName();
  const r = props.resource;
  const rows: Array<[string, VNode | string]> = [];
  if (r.providers.length)
    rows.push([
      t('catalogue.field.providers'),
      <>
        {r.providers.map((p, i) => (
          <span key={p.name}>
            {i ? ', ' : ''}
            {p.organisationSlug ? (
              <a href={view.href(`/organisations/${p.organisationSlug}`)}>{p.name}</a>
            ) : (
              p.name
            )}
          </span>
        ))}
      </>,
    ]);
  rows.push([t('catalogue.field.cost'), <CostText resource={r} />]);
  rows.push([t('catalogue.field.format'), term('format', r.format)]);
  if (r.durationHours !== null)
    rows.push([
      t('catalogue.field.durationHours'),
      t('catalogue.hours', { count: r.durationHours }),
    ]);
  rows.push([t('catalogue.field.languages'), r.languages.map(language).join(', ')]);
  if (r.level) rows.push([t('catalogue.field.level'), term('level', r.level)]);
  rows.push([t('catalogue.field.registration'), term('registration', r.registration)]);
  if (r.startsOn || r.endsOn)
    rows.push([
      t('catalogue.field.dates'),
      [view.formatDate(r.startsOn), view.formatDate(r.endsOn)].filter(Boolean).join(' – '),
    ]);
  if (r.enrolBy) rows.push([t('catalogue.field.enrolBy'), view.formatDate(r.enrolBy)]);
  rows.push([
    t('catalogue.field.certificate'),
    t(r.certificate ? 'catalogue.yes' : 'catalogue.no'),
  ]);
  if (r.eligibility) rows.push([t('catalogue.field.eligibility'), r.eligibility]);
  if (r.accessibility) rows.push([t('catalogue.field.accessibility'), r.accessibility]);
  const where = [
    ...r.regions.map((code) => t(`catalogue.region.${code}`)),
    ...r.countries.map((code) => countryName(code, view.locale)),
  ];
  rows.push([t('catalogue.field.where'), where.length ? where.join(', ') : t('catalogue.global')]);
  if (r.themes.length)
    rows.push([t('catalogue.field.themes'), r.themes.map((c) => term('theme', c)).join(', ')]);
  if (r.audiences.length)
    rows.push([
      t('catalogue.field.audiences'),
      r.audiences.map((c) => term('audience', c)).join(', '),
    ]);
  rows.push([
    t('catalogue.field.verifiedAt'),
    r.verifiedAt ? view.formatDate(r.verifiedAt) : t('catalogue.never'),
  ]);
  return (
    <dl class="facts">
      {rows.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

function EditorialPanel(props: {
  resource: Resource;
  actions: WorkflowAction[];
  edit: boolean;
  errors?: FormErrors;
}): VNode | null {
  const view = useView();
  const { t } = view;
  const r = props.resource;
  if (!props.edit && props.actions.length === 0) return null;
  return (
    <section class="editorial" aria-labelledby="editorial-heading">
      <h2 id="editorial-heading">{t('catalogue.editorial.title')}</h2>
      <p>
        {t('catalogue.editorial.status')} <StatusTag status={r.status} />{' '}
        {t('catalogue.editorial.revision', { number: r.revision })}
      </p>
      {r.reviewNote && r.status === 'changes_requested' ? (
        <p class="notice warn">
          {t('catalogue.editorial.note')} {r.reviewNote}
        </p>
      ) : null}
      <ErrorSummary errors={props.errors ?? {}} />
      <p>
        {props.edit ? (
          <a class="button secondary" href={view.href(`${resourcePath(r.slug)}/edit`)}>
            {t('catalogue.editorial.edit')}
          </a>
        ) : null}{' '}
        <a href={view.href(`${resourcePath(r.slug)}/revisions`)}>
          {t('catalogue.editorial.revisions')}
        </a>
      </p>
      {props.actions.map((action) => (
        <PostForm key={action} action={`${resourcePath(r.slug)}/workflow`} class="workflow-action">
          <input type="hidden" name="action" value={action} />
          {needsNote(action) ? (
            <TextArea
              name="note"
              label={t('catalogue.editorial.noteLabel')}
              rows={3}
              maxLength={2000}
              errors={props.errors}
            />
          ) : null}
          <button type="submit" class={action === 'archive' ? 'danger' : undefined}>
            {t(`catalogue.action.${action}`)}
          </button>
        </PostForm>
      ))}
    </section>
  );
}

function DetailPage(props: {
  resource: Resource;
  related: Resource[];
  actions: WorkflowAction[];
  edit: boolean;
  errors?: FormErrors;
}): VNode {
  const view = useView();
  const { t } = view;
  const term = useTerm();
  const language = useLanguageName();
  const r = props.resource;
  const summary = pickText(r.summary, view.locale);
  const otherTexts = Object.keys(r.title).filter(
    (lang) => lang !== pickText(r.title, view.locale)?.language,
  );
  const stale = isStale(r.verifiedAt, new Date());
  return (
    <article class="resource">
      {r.status === 'published' ? <JsonLd data={jsonLdOf(r, view.baseUrl, view.locale)} /> : null}
      <p class="kicker">
        <span class="tag">{term('resourceKind', r.kind)}</span>{' '}
        {r.status !== 'published' ? <StatusTag status={r.status} /> : null}
      </p>
      <h1>
        <ResourceTitle resource={r} link={false} />
      </h1>
      {summary ? (
        <p class="lead" lang={summary.language !== view.locale ? summary.language : undefined}>
          {summary.text}
        </p>
      ) : null}
      <p>
        <a class="button" href={r.url} rel="noopener external">
          {t('catalogue.visit')}
        </a>
      </p>
      {r.link.status === 'broken' || r.link.status === 'moved' ? (
        <p class="notice warn">{t(`catalogue.link.${r.link.status}`)}</p>
      ) : null}
      {stale ? <p class="notice warn">{t('catalogue.stale')}</p> : null}
      <Facts resource={r} />
      {r.description ? (
        <section aria-labelledby="about-heading">
          <h2 id="about-heading">{t('catalogue.about')}</h2>
          <div
            class="description"
            lang={r.descriptionLanguage ?? undefined}
            dangerouslySetInnerHTML={{ __html: renderMarkdown(r.description) }}
          />
        </section>
      ) : null}
      {otherTexts.length ? (
        <section aria-labelledby="languages-heading">
          <h2 id="languages-heading">{t('catalogue.otherLanguages')}</h2>
          <dl class="translations">
            {otherTexts.map((lang) => (
              <>
                <dt>{language(lang)}</dt>
                <dd lang={lang} dir={lang === 'ar' ? 'rtl' : undefined}>
                  <strong>{r.title[lang]}</strong>
                  {r.summary[lang] ? <> — {r.summary[lang]}</> : null}
                </dd>
              </>
            ))}
          </dl>
        </section>
      ) : null}
      {props.related.length ? (
        <section aria-labelledby="related-heading">
          <h2 id="related-heading">{t('catalogue.related')}</h2>
          <ResourceList resources={props.related} headingLevel={3} />
        </section>
      ) : null}
      <EditorialPanel
        resource={r}
        actions={props.actions}
        edit={props.edit}
        errors={props.errors}
      />
    </article>
  );
}

// ---------------------------------------------------------------------------------------------
// The form (new and edit)

type FormValues = Record<string, unknown>;

function list(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0] ?? '') : '';
}

/** Form fields → the shape the service checks (every key present, so edits can clear). */
export function inputFromForm(body: FormValues): Record<string, unknown> {
  const texts = (prefix: string) =>
    Object.fromEntries(
      UN_LANGUAGES.map((l) => [l, text(body[`${prefix}_${l}`]).trim()]).filter(([, v]) => v),
    );
  return {
    externalId: text(body.externalId),
    kind: text(body.kind),
    title: texts('title'),
    summary: texts('summary'),
    description: text(body.description),
    descriptionLanguage: text(body.descriptionLanguage),
    url: text(body.url),
    providers: text(body.providers),
    themes: list(body.themes),
    audiences: list(body.audiences),
    level: text(body.level),
    format: text(body.format),
    registration: text(body.registration),
    cost: text(body.cost),
    price: text(body.price),
    currency: text(body.currency),
    eligibility: text(body.eligibility),
    durationHours: text(body.durationHours),
    languages: list(body.languages),
    regions: list(body.regions),
    countries: text(body.countries),
    startsOn: text(body.startsOn),
    endsOn: text(body.endsOn),
    enrolBy: text(body.enrolBy),
    certificate: text(body.certificate) === 'true',
    accessibility: text(body.accessibility),
    verifiedAt: text(body.verifiedAt),
  };
}

function formValuesOf(input: ResourceInput): FormValues {
  const values: FormValues = {
    ...input,
    providers: input.providers.join('; '),
    countries: input.countries.join(', '),
    price: input.price ?? '',
    durationHours: input.durationHours ?? '',
    certificate: input.certificate ? 'true' : '',
  };
  for (const l of UN_LANGUAGES) {
    values[`title_${l}`] = input.title[l] ?? '';
    values[`summary_${l}`] = input.summary[l] ?? '';
  }
  return values;
}

function ResourceForm(props: {
  action: string;
  values: FormValues;
  errors: FormErrors;
  organisations: Array<{ value: string; label: string }> | null;
  submitLabel: string;
}): VNode {
  const view = useView();
  const { t } = view;
  const term = useTerm();
  const language = useLanguageName();
  const v = props.values;
  const options = (values: readonly string[], taxonomy: Parameters<typeof term>[0]) =>
    values.map((code) => ({ value: code, label: term(taxonomy, code) }));
  return (
    <PostForm action={props.action} class="resource-form">
      <ErrorSummary errors={props.errors} />
      {props.organisations ? (
        <SelectField
          name="organisationId"
          label={t('catalogue.field.organisation')}
          value={text(v.organisationId)}
          options={props.organisations}
          errors={props.errors}
          required
        />
      ) : null}
      <SelectField
        name="kind"
        label={t('catalogue.field.kind')}
        value={text(v.kind)}
        options={options(KINDS, 'resourceKind')}
        emptyLabel=""
        errors={props.errors}
        required
      />
      <fieldset class="field" id="field-title">
        <legend>{t('catalogue.field.texts')}</legend>
        <p class="hint">{t('catalogue.field.textsHint')}</p>
        {props.errors.title ? <p class="error">{props.errors.title}</p> : null}
        {props.errors.summary ? <p class="error">{props.errors.summary}</p> : null}
        {UN_LANGUAGES.map((l) => (
          <div class="language-texts" key={l}>
            <TextField
              name={`title_${l}`}
              label={t('catalogue.field.titleIn', { language: language(l) })}
              value={text(v[`title_${l}`])}
              maxLength={300}
            />
            <TextArea
              name={`summary_${l}`}
              label={t('catalogue.field.summaryIn', { language: language(l) })}
              value={text(v[`summary_${l}`])}
              rows={2}
              maxLength={1000}
            />
          </div>
        ))}
      </fieldset>
      <TextField
        name="url"
        label={t('catalogue.field.url')}
        type="url"
        value={text(v.url)}
        errors={props.errors}
        required
      />
      <TextField
        name="providers"
        label={t('catalogue.field.providers')}
        hint={t('catalogue.field.providersHint')}
        value={text(v.providers)}
        errors={props.errors}
      />
      <TextArea
        name="description"
        label={t('catalogue.field.description')}
        hint={t('catalogue.field.descriptionHint')}
        value={text(v.description)}
        errors={props.errors}
        rows={8}
      />
      <SelectField
        name="descriptionLanguage"
        label={t('catalogue.field.descriptionLanguage')}
        value={text(v.descriptionLanguage)}
        options={UN_LANGUAGES.map((l) => ({ value: l, label: language(l) }))}
        emptyLabel=""
        errors={props.errors}
      />
      <CheckboxGroup
        name="themes"
        label={t('catalogue.field.themes')}
        values={list(v.themes)}
        options={options(THEMES, 'theme')}
        errors={props.errors}
        required
      />
      <CheckboxGroup
        name="audiences"
        label={t('catalogue.field.audiences')}
        values={list(v.audiences)}
        options={options(AUDIENCES, 'audience')}
        errors={props.errors}
      />
      <SelectField
        name="level"
        label={t('catalogue.field.level')}
        value={text(v.level)}
        options={options(LEVELS, 'level')}
        emptyLabel=""
        errors={props.errors}
      />
      <SelectField
        name="format"
        label={t('catalogue.field.format')}
        value={text(v.format)}
        options={options(FORMATS, 'format')}
        emptyLabel=""
        errors={props.errors}
        required
      />
      <SelectField
        name="registration"
        label={t('catalogue.field.registration')}
        value={text(v.registration) || 'direct'}
        options={options(REGISTRATIONS, 'registration')}
        errors={props.errors}
      />
      <SelectField
        name="cost"
        label={t('catalogue.field.cost')}
        value={text(v.cost)}
        options={options(COSTS, 'cost')}
        emptyLabel=""
        errors={props.errors}
        required
      />
      <TextField
        name="price"
        label={t('catalogue.field.price')}
        type="number"
        inputMode="decimal"
        value={text(String(v.price ?? ''))}
        errors={props.errors}
      />
      <TextField
        name="currency"
        label={t('catalogue.field.currency')}
        hint={t('catalogue.field.currencyHint')}
        value={text(v.currency)}
        maxLength={3}
        errors={props.errors}
      />
      <TextField
        name="durationHours"
        label={t('catalogue.field.durationHours')}
        type="number"
        inputMode="decimal"
        value={text(String(v.durationHours ?? ''))}
        errors={props.errors}
      />
      <CheckboxGroup
        name="languages"
        label={t('catalogue.field.languages')}
        values={list(v.languages)}
        options={UN_LANGUAGES.map((l) => ({ value: l, label: language(l) }))}
        errors={props.errors}
      />
      <CheckboxGroup
        name="regions"
        label={t('catalogue.field.regions')}
        values={list(v.regions)}
        options={REGIONS.map((r) => ({ value: r, label: t(`catalogue.region.${r}`) }))}
        errors={props.errors}
      />
      <TextField
        name="countries"
        label={t('catalogue.field.countries')}
        hint={t('catalogue.field.countriesHint')}
        value={text(v.countries)}
        errors={props.errors}
      />
      <TextField
        name="startsOn"
        label={t('catalogue.field.startsOn')}
        type="date"
        value={text(v.startsOn)}
        errors={props.errors}
      />
      <TextField
        name="endsOn"
        label={t('catalogue.field.endsOn')}
        type="date"
        value={text(v.endsOn)}
        errors={props.errors}
      />
      <TextField
        name="enrolBy"
        label={t('catalogue.field.enrolBy')}
        type="date"
        value={text(v.enrolBy)}
        errors={props.errors}
      />
      <CheckboxGroup
        name="certificate"
        label={t('catalogue.field.certificate')}
        values={v.certificate === true || v.certificate === 'true' ? ['true'] : []}
        options={[{ value: 'true', label: t('catalogue.field.certificateYes') }]}
        errors={props.errors}
      />
      <TextArea
        name="eligibility"
        label={t('catalogue.field.eligibility')}
        value={text(v.eligibility)}
        rows={2}
        errors={props.errors}
      />
      <TextArea
        name="accessibility"
        label={t('catalogue.field.accessibility')}
        value={text(v.accessibility)}
        rows={2}
        errors={props.errors}
      />
      <TextField
        name="verifiedAt"
        label={t('catalogue.field.verifiedAt')}
        type="date"
        value={text(v.verifiedAt)}
        errors={props.errors}
      />
      <TextField
        name="externalId"
        label={t('catalogue.field.externalId')}
        hint={t('catalogue.field.externalIdHint')}
        value={text(v.externalId)}
        errors={props.errors}
      />
      <button type="submit">{props.submitLabel}</button>
    </PostForm>
  );
}

// ---------------------------------------------------------------------------------------------
// Revisions

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.join(', ') || '—';
  if (typeof value === 'object')
    return Object.entries(value as Record<string, string>)
      .map(([k, v]) => `[${k}] ${v}`)
      .join('\n');
  return String(value);
}

function RevisionsPage(props: {
  resource: Resource;
  revisions: RevisionView[];
  comparison: {
    from: RevisionView;
    to: RevisionView;
    changes: Array<{ field: SnapshotField; before: unknown; after: unknown }>;
  } | null;
}): VNode {
  const view = useView();
  const { t } = view;
  const r = props.resource;
  const latest = props.revisions[0]?.number ?? 1;
  const from = props.comparison?.from.number ?? Math.max(1, latest - 1);
  const to = props.comparison?.to.number ?? latest;
  return (
    <>
      <p>
        <a href={view.href(resourcePath(r.slug))}>{t('catalogue.revisions.back')}</a>
      </p>
      <h1>
        {t('catalogue.revisions.title', { title: pickText(r.title, view.locale)?.text ?? r.slug })}
      </h1>
      <form method="get" action={view.href(`${resourcePath(r.slug)}/revisions`)}>
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('catalogue.revisions.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('catalogue.revisions.number')}</th>
                <th scope="col">{t('catalogue.revisions.from')}</th>
                <th scope="col">{t('catalogue.revisions.to')}</th>
                <th scope="col">{t('catalogue.revisions.action')}</th>
                <th scope="col">{t('catalogue.revisions.status')}</th>
                <th scope="col">{t('catalogue.revisions.by')}</th>
                <th scope="col">{t('catalogue.revisions.at')}</th>
                <th scope="col">{t('catalogue.revisions.note')}</th>
              </tr>
            </thead>
            <tbody>
              {props.revisions.map((rev) => (
                <tr key={rev.number}>
                  <th scope="row">{rev.number}</th>
                  <td>
                    <input
                      type="radio"
                      name="from"
                      value={String(rev.number)}
                      checked={rev.number === from}
                      aria-label={t('catalogue.revisions.fromLabel', { number: rev.number })}
                    />
                  </td>
                  <td>
                    <input
                      type="radio"
                      name="to"
                      value={String(rev.number)}
                      checked={rev.number === to}
                      aria-label={t('catalogue.revisions.toLabel', { number: rev.number })}
                    />
                  </td>
                  <td>{t(`catalogue.revisions.actions.${rev.action}`)}</td>
                  <td>
                    <StatusTag status={rev.status} />
                  </td>
                  <td>{rev.actor ?? '—'}</td>
                  <td>{view.formatDate(rev.at, { dateStyle: 'medium', timeStyle: 'short' })}</td>
                  <td>{rev.note ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="submit">{t('catalogue.revisions.compare')}</button>
      </form>
      {props.comparison ? (
        <section aria-labelledby="diff-heading">
          <h2 id="diff-heading">
            {t('catalogue.revisions.changes', {
              from: props.comparison.from.number,
              to: props.comparison.to.number,
            })}
          </h2>
          {props.comparison.changes.length === 0 ? (
            <p>{t('catalogue.revisions.same')}</p>
          ) : (
            <div class="table-scroll">
              <table class="diff">
                <thead>
                  <tr>
                    <th scope="col">{t('catalogue.revisions.field')}</th>
                    <th scope="col">
                      {t('catalogue.revisions.before', { number: props.comparison.from.number })}
                    </th>
                    <th scope="col">
                      {t('catalogue.revisions.after', { number: props.comparison.to.number })}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {props.comparison.changes.map((c) => (
                    <tr key={c.field}>
                      <th scope="row">{t(`catalogue.field.${c.field}`)}</th>
                      <td class="before">
                        <del>{show(c.before)}</del>
                      </td>
                      <td class="after">
                        <ins>{show(c.after)}</ins>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

// ---------------------------------------------------------------------------------------------

async function organisationOptions(request: FastifyRequest) {
  const ids = representedOrganisations(request.ctx);
  if (ids.length === 0) return null;
  const found = await organisationsById(request.ctx, ids);
  return ids.flatMap((id) => {
    const o = found.get(id);
    return o ? [{ value: id, label: o.name }] : [];
  });
}

async function renderDetail(
  request: FastifyRequest,
  reply: FastifyReply,
  resource: Resource,
  options: { status?: number; errors?: FormErrors } = {},
) {
  const related =
    resource.status === 'published' ? await relatedResources(request.ctx, resource.id, 5) : [];
  const { actions, edit } = actionsFor(request.ctx, resource);
  const title = pickText(resource.title, request.locale)?.text ?? resource.slug;
  return sendPage(
    request,
    reply,
    {
      title,
      description: pickText(resource.summary, request.locale)?.text,
      status: options.status,
    },
    <DetailPage
      resource={resource}
      related={related}
      actions={actions}
      edit={edit}
      errors={options.errors}
    />,
  );
}

export async function resourcePages(app: FastifyInstance): Promise<void> {
  const page = { config: { page: true }, schema: { hide: true } };

  app.get('/resources/new', page, async (request, reply) => {
    if (!request.actor.userId)
      throw new AppError('unauthenticated', request.t('catalogue.signInToAdd'));
    const organisations = await organisationOptions(request);
    return sendPage(
      request,
      reply,
      { title: request.t('catalogue.new.title') },
      <>
        <h1>{request.t('catalogue.new.title')}</h1>
        <p class="lead">{request.t('catalogue.new.intro')}</p>
        <ResourceForm
          action="/resources/new"
          values={{ registration: 'direct', languages: [request.locale] }}
          errors={{}}
          organisations={organisations}
          submitLabel={request.t('catalogue.new.save')}
        />
      </>,
    );
  });

  app.post('/resources/new', page, async (request, reply) => {
    const body = (request.body ?? {}) as FormValues;
    const organisations = await organisationOptions(request);
    try {
      const resource = await createResource(request.ctx, inputFromForm(body), {
        organisationId: text(body.organisationId) || null,
      });
      return reply.redirect(localPath(request, resourcePath(resource.slug)), 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation') throw error;
      return sendPage(
        request,
        reply,
        { title: request.t('catalogue.new.title'), status: 422 },
        <>
          <h1>{request.t('catalogue.new.title')}</h1>
          <ResourceForm
            action="/resources/new"
            values={body}
            errors={errorsByField(error.errors)}
            organisations={organisations}
            submitLabel={request.t('catalogue.new.save')}
          />
        </>,
      );
    }
  });

  // What an anonymous reader sees of a published resource: its row, its providers (organisation
  // slugs never change) and related resources from the index, all under the catalogue's stamp.
  const publicPage = { ...page, config: { ...page.config, responseCache: catalogueCache } };
  app.get('/resources/:slug', publicPage, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    return renderDetail(request, reply, await getResourceBySlug(request.ctx, slug));
  });

  app.get('/resources/:slug/edit', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const resource = await getResourceBySlug(request.ctx, slug);
    if (!actionsFor(request.ctx, resource).edit) throw AppError.forbidden();
    return sendPage(
      request,
      reply,
      { title: request.t('catalogue.edit.title') },
      <>
        <h1>{request.t('catalogue.edit.title')}</h1>
        <ResourceForm
          action={`${resourcePath(slug)}/edit`}
          values={formValuesOf(inputOf(resource))}
          errors={{}}
          organisations={null}
          submitLabel={request.t('catalogue.edit.save')}
        />
      </>,
    );
  });

  app.post('/resources/:slug/edit', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const body = (request.body ?? {}) as FormValues;
    const resource = await getResourceBySlug(request.ctx, slug);
    try {
      const updated = await updateResource(request.ctx, resource.id, inputFromForm(body));
      return reply.redirect(localPath(request, resourcePath(updated.slug)), 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation') throw error;
      return sendPage(
        request,
        reply,
        { title: request.t('catalogue.edit.title'), status: 422 },
        <>
          <h1>{request.t('catalogue.edit.title')}</h1>
          <ResourceForm
            action={`${resourcePath(slug)}/edit`}
            values={body}
            errors={errorsByField(error.errors)}
            organisations={null}
            submitLabel={request.t('catalogue.edit.save')}
          />
        </>,
      );
    }
  });

  app.post('/resources/:slug/workflow', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const body = (request.body ?? {}) as FormValues;
    const action = text(body.action);
    const resource = await getResourceBySlug(request.ctx, slug);
    if (!isAction(action)) throw new AppError('bad_request', 'Unknown action.');
    try {
      const updated = await transition(request.ctx, resource.id, action, text(body.note) || null);
      return reply.redirect(localPath(request, resourcePath(updated.slug)), 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation') throw error;
      return renderDetail(request, reply, resource, {
        status: 422,
        errors: errorsByField(error.errors),
      });
    }
  });

  app.get('/resources/:slug/revisions', page, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const query = request.query as Record<string, string | undefined>;
    const resource = await getResourceBySlug(request.ctx, slug);
    const revisions = await listRevisions(request.ctx, resource.id);
    const from = Number(query.from);
    const to = Number(query.to);
    const comparison =
      Number.isInteger(from) && Number.isInteger(to) && query.from && query.to
        ? await compareRevisions(request.ctx, resource.id, from, to)
        : null;
    return sendPage(
      request,
      reply,
      { title: request.t('catalogue.revisions.pageTitle') },
      <RevisionsPage resource={resource} revisions={revisions} comparison={comparison} />,
    );
  });
}
