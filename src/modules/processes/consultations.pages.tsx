import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { stringify } from 'csv-stringify/sync';
import { isAppError, type FieldError } from '../../platform/errors.ts';
import { rateLimitedForm } from '../../web/rate-limited.ts';
import { sendPage, useView } from '../../web/view.tsx';
import {
  ErrorSummary,
  PostForm,
  SelectField,
  TextArea,
  errorsByField,
} from '../../web/components/form.tsx';
import type { Organisation } from '../organisations/index.ts';
import * as consultations from './consultations.service.ts';
import { representedOrganisationList } from './accreditation.service.ts';
import { getProcess } from './processes.service.ts';
import { MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, isReceiptCode } from './consultations.ts';
import { csvSafe } from './processes.ts';
import { DemoNotice, Instant } from './components.tsx';
import { csrfAfterParsing, filesOf } from './uploads.ts';
import { submissionFields } from './processes.routes.ts';
import { formValues, localPath, one } from './page-helpers.ts';

const PAGE = { config: { page: true }, schema: { hide: true } } as const;

type View = consultations.ConsultationView;

function Header(props: { consultation: View; timeZone: string }): VNode {
  const view = useView();
  const { t } = view;
  const c = props.consultation;
  return (
    <>
      <p class="breadcrumb">
        <a href={view.href(`/processes/${c.process.slug}`)}>{c.process.name}</a>
      </p>
      <h1>{c.title}</h1>
      {c.isDemo ? <DemoNotice /> : null}
      <dl class="facts">
        <dt>{t('processes.consultation.status')}</dt>
        <dd>
          <span class="tag">{t(`processes.consultation.phase.${c.phase}`)}</span>
        </dd>
        <dt>{t('processes.consultation.opens')}</dt>
        <dd>
          <Instant value={c.opensAt} timeZone={props.timeZone} />
        </dd>
        <dt>{t('processes.consultation.closes')}</dt>
        <dd>
          <Instant value={c.closesAt} timeZone={props.timeZone} />
        </dd>
        <dt>{t('processes.consultation.who')}</dt>
        <dd>{t(`processes.consultation.eligibility.${c.eligibility}`)}</dd>
        <dt>{t('processes.consultation.received')}</dt>
        <dd>{t('processes.consultation.submissions', { count: c.submissions })}</dd>
      </dl>
    </>
  );
}

function Paragraphs(props: { consultation: View }): VNode {
  const { t } = useView();
  const c = props.consultation;
  return (
    <section aria-labelledby="draft">
      <h2 id="draft">{t(`processes.consultation.kind.${c.kind}`)}</h2>
      <ol class="draft">
        {c.paragraphs.map((p, i) => (
          <li key={i} id={`paragraph-${i + 1}`}>
            {p}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ConsultationPage(props: { consultation: View; timeZone: string }): VNode {
  const view = useView();
  const { t } = view;
  const c = props.consultation;
  const base = `/consultations/${c.slug}`;
  return (
    <>
      <Header consultation={c} timeZone={props.timeZone} />
      {c.introduction ? <p class="lead">{c.introduction}</p> : null}
      <p class="actions">
        {c.phase === 'open' ? (
          <a class="button" href={view.href(`${base}/submit`)}>
            {t('processes.consultation.submit')}
          </a>
        ) : null}{' '}
        <a class="button secondary" href={view.href(`${base}/compilation`)}>
          {t('processes.consultation.compilation')}
        </a>{' '}
        <a class="button secondary" href={view.href('/receipts')}>
          {t('processes.receipt.check')}
        </a>
      </p>
      <Paragraphs consultation={c} />
    </>
  );
}

type Values = Record<string, string | string[]>;

function SubmitPage(props: {
  consultation: View;
  timeZone: string;
  organisations: Organisation[];
  values: Values;
  errors: FieldError[];
}): VNode {
  const view = useView();
  const { t } = view;
  const c = props.consultation;
  const errors = errorsByField(props.errors);
  const attachmentError = props.errors.find((e) => e.path.startsWith('/attachments'));
  if (attachmentError) errors.attachments ??= attachmentError.message;
  const paragraphErrors = new Map(
    props.errors
      .map((e) => [/^\/comments\/(\d+)/.exec(e.path)?.[1], e.message] as const)
      .filter((e): e is [string, string] => !!e[0]),
  );
  let body: VNode;
  if (c.phase !== 'open') {
    body = <p>{t(`processes.consultation.notOpen.${c.phase}`)}</p>;
  } else if (!view.actor.userId) {
    body = (
      <p>
        {t('processes.consultation.signIn')}{' '}
        <a
          href={view.href(`/sign-in?next=${encodeURIComponent(`/consultations/${c.slug}/submit`)}`)}
        >
          {t('processes.apply.signInLink')}
        </a>
      </p>
    );
  } else if (c.eligibility !== 'everyone' && props.organisations.length === 0) {
    body = <p>{t('processes.consultation.needOrganisation')}</p>;
  } else {
    const options = props.organisations.map((o) => ({ value: o.id, label: o.name }));
    body = (
      <>
        <p class="hint">{t('processes.consultation.publication')}</p>
        <ErrorSummary errors={errors} />
        <PostForm action={`/consultations/${c.slug}/submit`} enctype="multipart/form-data">
          {options.length ? (
            <SelectField
              name="organisationId"
              label={t('processes.consultation.organisation')}
              options={options}
              emptyLabel={
                c.eligibility === 'everyone' ? t('processes.consultation.myself') : undefined
              }
              value={one(props.values.organisationId)}
              errors={errors}
              required={c.eligibility !== 'everyone'}
            />
          ) : null}
          <TextArea
            name="text"
            label={t('processes.consultation.text')}
            hint={t('processes.consultation.textHint')}
            value={one(props.values.text)}
            rows={10}
            maxLength={20000}
            errors={errors}
          />
          <fieldset class="field">
            <legend>{t(`processes.consultation.commentsLegend.${c.kind}`)}</legend>
            <p class="hint">{t('processes.consultation.commentsHint')}</p>
            {c.paragraphs.map((p, i) => {
              const n = i + 1;
              const name = `paragraph-${n}`;
              const error = paragraphErrors.get(String(i));
              return (
                <div key={n} class={error ? 'field has-error' : 'field'}>
                  <blockquote class="quoted" id={`quote-${n}`}>
                    <span class="paragraph-number">{n}.</span> {p}
                  </blockquote>
                  <label for={`field-${name}`}>
                    {t(`processes.consultation.commentOn.${c.kind}`, { number: n })}
                  </label>
                  {error ? (
                    <p class="error" id={`error-${name}`}>
                      {error}
                    </p>
                  ) : null}
                  <textarea
                    id={`field-${name}`}
                    name={name}
                    rows={3}
                    maxLength={4000}
                    aria-describedby={`quote-${n}`}
                  >
                    {one(props.values[name])}
                  </textarea>
                </div>
              );
            })}
          </fieldset>
          <div class={errors.attachments ? 'field has-error' : 'field'}>
            <label for="field-attachments">{t('processes.consultation.attachments')}</label>
            <p class="hint" id="hint-attachments">
              {t('processes.consultation.attachmentsHint', {
                count: MAX_ATTACHMENTS,
                megabytes: MAX_ATTACHMENT_BYTES / (1024 * 1024),
              })}
            </p>
            {errors.attachments ? (
              <p class="error" id="error-attachments">
                {errors.attachments}
              </p>
            ) : null}
            <input
              id="field-attachments"
              type="file"
              name="attachments"
              multiple
              accept=".pdf,.docx,.odt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text"
              aria-describedby="hint-attachments"
            />
          </div>
          <button type="submit">{t('processes.consultation.send')}</button>
        </PostForm>
      </>
    );
  }
  return (
    <>
      <Header consultation={c} timeZone={props.timeZone} />
      {body}
    </>
  );
}

function CompilationContent(props: {
  compilation: consultations.Compilation;
  timeZone: string;
  print: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  const c = props.compilation.consultation;
  const base = `/consultations/${c.slug}`;
  return (
    <div class={props.print ? 'print-view' : undefined}>
      {props.print ? (
        <>
          <h1>{t('processes.compilation.title', { title: c.title })}</h1>
          <p>
            {c.process.name} · {t('processes.consultation.closes')}{' '}
            <Instant value={c.closesAt} timeZone={props.timeZone} />
          </p>
          {c.isDemo ? <DemoNotice /> : null}
        </>
      ) : (
        <>
          <Header consultation={c} timeZone={props.timeZone} />
          <h2>{t('processes.compilation.heading')}</h2>
        </>
      )}
      {!props.compilation.published ? (
        <p>{t('processes.compilation.notYet', { count: c.submissions })}</p>
      ) : (
        <>
          {props.print ? null : (
            <p class="actions">
              <a href={view.href(`${base}/compilation/print`)}>
                {t('processes.compilation.print')}
              </a>{' '}
              ·{' '}
              <a href={view.href(`${base}/compilation.csv`)} download>
                {t('processes.compilation.csv')}
              </a>{' '}
              · <a href={`/api/v1/consultations/${c.id}/submissions`}>JSON</a>
            </p>
          )}
          {props.compilation.items.length === 0 ? <p>{t('processes.compilation.empty')}</p> : null}
          {props.compilation.items.map((s) => (
            <article key={s.id} class="submission" id={`submission-${s.id}`}>
              <h3>
                {s.author}
                {s.isDemo ? (
                  <>
                    {' '}
                    <span class="tag">{t('processes.demo.label')}</span>
                  </>
                ) : null}
              </h3>
              <p class="meta">
                <Instant value={s.submittedAt} timeZone={props.timeZone} /> ·{' '}
                {t('processes.receipt.label')}{' '}
                <a href={view.href(`/receipts/${s.receipt}`)}>
                  <code class="receipt">{s.receipt}</code>
                </a>
              </p>
              {s.text
                .split(/\n\s*\n/)
                .filter((p) => p.trim())
                .map((p, i) => (
                  <p key={i}>{p}</p>
                ))}
              {s.comments.length ? (
                <dl class="comments">
                  {s.comments.flatMap((cm) => [
                    <dt key={`t${cm.paragraph}`}>
                      <a href={view.href(`${base}#paragraph-${cm.paragraph}`)}>
                        {t(`processes.compilation.onParagraph.${c.kind}`, { number: cm.paragraph })}
                      </a>
                      <blockquote class="quoted">{c.paragraphs[cm.paragraph - 1] ?? ''}</blockquote>
                    </dt>,
                    <dd key={`d${cm.paragraph}`}>{cm.text}</dd>,
                  ])}
                </dl>
              ) : null}
              {s.attachments.length ? (
                <ul class="attachments">
                  {s.attachments.map((a) => (
                    <li key={a.id}>
                      <a href={view.href(`${base}/attachments/${a.id}`)}>{a.filename}</a> (
                      {view.formatNumber(Math.ceil(a.bytes / 1024))} KB, SHA-256{' '}
                      <code class="receipt">{a.sha256}</code>)
                    </li>
                  ))}
                </ul>
              ) : null}
            </article>
          ))}
        </>
      )}
    </div>
  );
}

function ReceiptPage(props: {
  check: consultations.ReceiptCheck | null;
  code: string;
  error: string | null;
  fresh: boolean;
}): VNode {
  const view = useView();
  const { t } = view;
  const check = props.check;
  return (
    <>
      <h1>{t('processes.receipt.title')}</h1>
      <p class="lead">{t('processes.receipt.intro')}</p>
      {props.fresh && check ? (
        <p class="notice ok" role="status">
          {t('processes.receipt.received')}
        </p>
      ) : null}
      <form method="get" action={view.href('/receipts')} class="search-inline">
        <label for="receipt-code">{t('processes.receipt.code')}</label>
        <input
          id="receipt-code"
          name="code"
          value={props.code}
          maxLength={100}
          spellcheck={false}
          autocomplete="off"
          aria-describedby={props.error ? 'receipt-error' : undefined}
        />
        <button type="submit">{t('processes.receipt.verify')}</button>
      </form>
      {props.error ? (
        <p class="error" id="receipt-error" role="alert">
          {props.error}
        </p>
      ) : null}
      {check ? (
        <section aria-labelledby="receipt-result">
          <h2 id="receipt-result">
            {check.valid ? t('processes.receipt.valid') : t('processes.receipt.invalid')}
          </h2>
          <dl class="facts">
            <dt>{t('processes.receipt.label')}</dt>
            <dd>
              <code class="receipt">{check.receipt}</code>
            </dd>
            <dt>{t('processes.receipt.consultation')}</dt>
            <dd>
              <a href={view.href(`/consultations/${check.consultation.slug}`)}>
                {check.consultation.title}
              </a>{' '}
              ({check.consultation.processName})
            </dd>
            <dt>{t('processes.receipt.author')}</dt>
            <dd>{check.author}</dd>
            <dt>{t('processes.receipt.submittedAt')}</dt>
            <dd>
              <time dateTime={check.submittedAt.toISOString()}>
                {check.submittedAt.toISOString()}
              </time>
            </dd>
          </dl>
          {check.document ? (
            <p>
              {t('processes.receipt.offline')}{' '}
              <a href={view.href(`/receipts/${check.receipt}/document`)} download>
                {t('processes.receipt.document')}
              </a>
            </p>
          ) : (
            <p>{t('processes.receipt.unpublished')}</p>
          )}
        </section>
      ) : null}
    </>
  );
}

async function timeZoneOf(request: FastifyRequest, consultation: View) {
  return (await getProcess(request.ctx, consultation.process.id)).timeZone;
}

async function renderSubmit(
  request: FastifyRequest,
  reply: FastifyReply,
  consultation: View,
  values: Values = {},
  errors: FieldError[] = [],
  status = 200,
) {
  const organisations = await representedOrganisationList(request.ctx);
  return sendPage(
    request,
    reply,
    {
      title: request.t('processes.consultation.submitTitle', { title: consultation.title }),
      status,
    },
    <SubmitPage
      consultation={consultation}
      timeZone={await timeZoneOf(request, consultation)}
      organisations={organisations}
      values={values}
      errors={errors}
    />,
  );
}

async function renderReceipt(
  request: FastifyRequest,
  reply: FastifyReply,
  code: string,
  fresh = false,
) {
  let check: consultations.ReceiptCheck | null = null;
  let error: string | null = null;
  let status = 200;
  if (code) {
    try {
      check = await consultations.verifyReceipt(request.ctx, code);
    } catch (e) {
      if (!isAppError(e)) throw e;
      error =
        e.code === 'not_found'
          ? request.t('processes.receipt.unknown')
          : request.t('processes.receipt.malformed');
      status = e.status;
    }
  }
  return sendPage(
    request,
    reply,
    { title: request.t('processes.receipt.title'), status },
    <ReceiptPage check={check} code={code} error={error} fresh={fresh} />,
  );
}

export async function consultationPages(app: FastifyInstance): Promise<void> {
  app.get('/consultations/:consultationSlug', PAGE, async (request, reply) => {
    const { consultationSlug } = request.params as { consultationSlug: string };
    const consultation = await consultations.getConsultation(request.ctx, consultationSlug);
    return sendPage(
      request,
      reply,
      { title: consultation.title, description: consultation.introduction.slice(0, 200) },
      <ConsultationPage
        consultation={consultation}
        timeZone={await timeZoneOf(request, consultation)}
      />,
    );
  });

  app.get('/consultations/:consultationSlug/submit', PAGE, async (request, reply) => {
    const { consultationSlug } = request.params as { consultationSlug: string };
    const consultation = await consultations.getConsultation(request.ctx, consultationSlug);
    return renderSubmit(request, reply, consultation);
  });

  app.post(
    '/consultations/:consultationSlug/submit',
    {
      config: { page: true, csrf: false },
      schema: { hide: true },
      preValidation: csrfAfterParsing,
    },
    async (request, reply) => {
      const { consultationSlug } = request.params as { consultationSlug: string };
      const consultation = await consultations.getConsultation(request.ctx, consultationSlug);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const values = formValues(body);
      try {
        const receipt = await consultations.submitToConsultation(
          request.ctx,
          consultation.id,
          submissionFields(body),
          filesOf(body, 'attachments'),
        );
        return reply.redirect(localPath(request, `/receipts/${receipt.receipt}?new=1`), 303);
      } catch (error) {
        const limited = rateLimitedForm(error, request, reply);
        if (limited) return renderSubmit(request, reply, consultation, values, limited, 429);
        if (isAppError(error) && error.status < 500 && error.code !== 'unauthenticated') {
          const errors = error.errors.length
            ? error.errors
            : [{ path: '/_form', message: error.message }];
          return renderSubmit(request, reply, consultation, values, errors, error.status);
        }
        throw error;
      }
    },
  );

  for (const print of [false, true]) {
    app.get(
      `/consultations/:consultationSlug/compilation${print ? '/print' : ''}`,
      PAGE,
      async (request, reply) => {
        const { consultationSlug } = request.params as { consultationSlug: string };
        const compilation = await consultations.getCompilation(request.ctx, consultationSlug);
        return sendPage(
          request,
          reply,
          {
            title: request.t('processes.compilation.title', {
              title: compilation.consultation.title,
            }),
          },
          <CompilationContent
            compilation={compilation}
            timeZone={await timeZoneOf(request, compilation.consultation)}
            print={print}
          />,
        );
      },
    );
  }

  app.get('/consultations/:consultationSlug/compilation.csv', PAGE, async (request, reply) => {
    const { consultationSlug } = request.params as { consultationSlug: string };
    const compilation = await consultations.getCompilation(request.ctx, consultationSlug);
    const rows = compilation.items.map((s) =>
      [
        s.id,
        s.author,
        s.submittedAt.toISOString(),
        s.receipt,
        s.text,
        s.comments.map((c) => `[${c.paragraph}] ${c.text}`).join('\n'),
        s.attachments.map((a) => `${a.filename} (sha256 ${a.sha256})`).join('\n'),
        s.isDemo ? 'yes' : 'no',
      ].map(csvSafe),
    );
    const csv = stringify(
      [
        [
          'submission_id',
          'author',
          'submitted_at',
          'receipt',
          'text',
          'comments',
          'attachments',
          'demo',
        ],
        ...rows,
      ],
      { record_delimiter: 'windows' },
    );
    return reply
      .type('text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="${compilation.consultation.slug}-compilation.csv"`,
      )
      .send(csv);
  });

  app.get(
    '/consultations/:consultationSlug/attachments/:attachmentId',
    PAGE,
    async (request, reply) => {
      const { consultationSlug, attachmentId } = request.params as {
        consultationSlug: string;
        attachmentId: string;
      };
      const file = await consultations.getAttachment(request.ctx, consultationSlug, attachmentId);
      return reply
        .type(file.mediaType)
        .header(
          'content-disposition',
          `attachment; filename="${file.filename.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
        )
        .header('x-content-sha256', file.sha256)
        .send(file.content);
    },
  );

  app.get('/receipts', PAGE, async (request, reply) => {
    const code = String((request.query as { code?: unknown }).code ?? '').slice(0, 100);
    return renderReceipt(request, reply, code.trim());
  });

  app.get('/receipts/:receipt', PAGE, async (request, reply) => {
    const { receipt } = request.params as { receipt: string };
    const fresh = typeof (request.query as { new?: unknown }).new === 'string';
    return renderReceipt(request, reply, receipt, fresh);
  });

  app.get('/receipts/:receipt/document', PAGE, async (request, reply) => {
    const { receipt } = request.params as { receipt: string };
    const check = isReceiptCode(receipt)
      ? await consultations.verifyReceipt(request.ctx, receipt)
      : null;
    if (!check?.document) return reply.callNotFound();
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="receipt-${receipt}.json"`)
      .send(check.document);
  });
}
