/**
 * Editors' and representatives' pages: /catalogue/review (what waits for review, work in progress,
 * and "needs attention": dead or moved links, unverified for a year) and /catalogue/import.
 */
import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { timingSafeEqual } from 'node:crypto';
import multipart from '@fastify/multipart';
import { AppError } from '../../platform/errors.ts';
import { isAllowed } from '../accounts/index.ts';
import { sendPage, useView } from '../../web/view.tsx';
import { CheckboxGroup, ErrorSummary, PostForm } from '../../web/components/form.tsx';
import { ResourceTitle, StatusTag } from './catalogue.components.tsx';
import { needsAttention, reviewQueue } from './resources.service.ts';
import { importFile, type ImportReport } from './transfer.service.ts';
import { sniffFormat } from './transfer.ts';
import type { Resource } from './resources.ts';

function QueueTable(props: { resources: Resource[]; caption: string }): VNode {
  const view = useView();
  const { t } = view;
  if (props.resources.length === 0) return <p>{t('catalogue.review.empty')}</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('catalogue.review.resource')}</th>
            <th scope="col">{t('catalogue.review.status')}</th>
            <th scope="col">{t('catalogue.review.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {props.resources.map((r) => (
            <tr key={r.id}>
              <td>
                <ResourceTitle resource={r} />
              </td>
              <td>
                <StatusTag status={r.status} />
              </td>
              <td>{view.formatDate(r.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ReviewPage(props: {
  submitted: Resource[];
  inProgress: Resource[];
  attention: Array<{ resource: Resource; reasons: readonly string[] }> | null;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('catalogue.review.title')}</h1>
      <p>
        <a class="button secondary" href={view.href('/resources/new')}>
          {t('catalogue.review.add')}
        </a>{' '}
        {props.attention ? (
          <a class="button secondary" href={view.href('/catalogue/import')}>
            {t('catalogue.import.title')}
          </a>
        ) : null}
      </p>
      <section aria-labelledby="submitted-heading">
        <h2 id="submitted-heading">{t('catalogue.review.submitted')}</h2>
        <QueueTable resources={props.submitted} caption={t('catalogue.review.submitted')} />
      </section>
      <section aria-labelledby="progress-heading">
        <h2 id="progress-heading">{t('catalogue.review.inProgress')}</h2>
        <QueueTable resources={props.inProgress} caption={t('catalogue.review.inProgress')} />
      </section>
      {props.attention ? (
        <section aria-labelledby="attention-heading">
          <h2 id="attention-heading">{t('catalogue.review.attention')}</h2>
          <p class="hint">{t('catalogue.review.attentionHint')}</p>
          {props.attention.length === 0 ? (
            <p>{t('catalogue.review.empty')}</p>
          ) : (
            <div class="table-scroll">
              <table>
                <caption class="visually-hidden">{t('catalogue.review.attention')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('catalogue.review.resource')}</th>
                    <th scope="col">{t('catalogue.review.why')}</th>
                    <th scope="col">{t('catalogue.review.verified')}</th>
                  </tr>
                </thead>
                <tbody>
                  {props.attention.map(({ resource, reasons }) => (
                    <tr key={resource.id}>
                      <td>
                        <ResourceTitle resource={resource} />
                      </td>
                      <td>
                        {reasons.map((reason) => t(`catalogue.review.reason.${reason}`)).join('; ')}
                        {resource.link.error ? ` (${resource.link.error})` : ''}
                        {resource.link.location ? (
                          <>
                            {' → '}
                            <a href={resource.link.location} rel="nofollow noopener">
                              {resource.link.location}
                            </a>
                          </>
                        ) : null}
                      </td>
                      <td>
                        {resource.verifiedAt
                          ? view.formatDate(resource.verifiedAt)
                          : t('catalogue.never')}
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

function ImportPage(props: {
  report?: ImportReport;
  errors?: Record<string, string>;
  rows?: Array<{ path: string; message: string }>;
}): VNode {
  const view = useView();
  const { t } = view;
  return (
    <>
      <h1>{t('catalogue.import.title')}</h1>
      <p class="lead">{t('catalogue.import.intro')}</p>
      <ErrorSummary errors={props.errors ?? {}} />
      {props.rows?.length ? (
        <div class="table-scroll">
          <table>
            <caption>{t('catalogue.import.problems')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('catalogue.import.where')}</th>
                <th scope="col">{t('catalogue.import.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((e) => (
                <tr key={`${e.path}${e.message}`}>
                  <td>{e.path}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {props.report ? (
        <div class="notice ok" role="status">
          <p>
            {t('catalogue.import.done', {
              created: props.report.created,
              updated: props.report.updated,
              unchanged: props.report.unchanged,
              skipped: props.report.skipped,
            })}
          </p>
        </div>
      ) : null}
      <PostForm action="/catalogue/import" enctype="multipart/form-data">
        <div class="field" id="field-file">
          <label for="field-file-input">{t('catalogue.import.file')}</label>
          <p class="hint" id="hint-file">
            {t('catalogue.import.fileHint')}
          </p>
          <input
            id="field-file-input"
            type="file"
            name="file"
            accept=".csv,.json,.ndjson,text/csv,application/json"
            aria-describedby="hint-file"
          />
        </div>
        <CheckboxGroup
          name="skipInvalid"
          label={t('catalogue.import.mode')}
          values={[]}
          options={[{ value: 'true', label: t('catalogue.import.skipInvalid') }]}
        />
        <button type="submit">{t('catalogue.import.submit')}</button>
      </PostForm>
    </>
  );
}

export async function reviewPages(app: FastifyInstance): Promise<void> {
  // Form uploads: fields land in the body as plain values (so the CSRF check sees its token).
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 10 },
  });
  const page = { config: { page: true }, schema: { hide: true } };

  app.get('/catalogue/review', page, async (request, reply) => {
    const queue = await reviewQueue(request.ctx);
    const attention = isAllowed(request.ctx, 'catalogue.review')
      ? await needsAttention(request.ctx)
      : null;
    return sendPage(
      request,
      reply,
      { title: request.t('catalogue.review.title') },
      <ReviewPage
        submitted={queue.submitted}
        inProgress={queue.inProgress}
        attention={attention}
      />,
    );
  });

  app.get('/catalogue/import', page, async (request, reply) => {
    if (!isAllowed(request.ctx, 'catalogue.import'))
      throw request.actor.userId
        ? AppError.forbidden()
        : new AppError('unauthenticated', request.t('catalogue.signInToAdd'));
    return sendPage(request, reply, { title: request.t('catalogue.import.title') }, <ImportPage />);
  });

  // Multipart bodies are read in this plugin's preValidation hook, after the platform's CSRF
  // check has run; so this route checks the form's token itself, once the fields are read.
  app.post(
    '/catalogue/import',
    { ...page, config: { page: true, csrf: false } },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const given = Buffer.from(typeof body._csrf === 'string' ? body._csrf : '');
      const expected = Buffer.from(request.cookies.cc_csrf ? request.csrfToken() : '-');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new AppError(
          'forbidden',
          'This form has expired or was sent from another site. Reload the page and try again.',
        );
      }
      const file = body.file;
      const t = request.t;
      if (!Buffer.isBuffer(file) || file.length === 0) {
        return sendPage(
          request,
          reply,
          { title: t('catalogue.import.title'), status: 422 },
          <ImportPage errors={{ file: t('catalogue.import.noFile') }} />,
        );
      }
      const text = file.toString('utf8');
      const format = sniffFormat(text);
      try {
        const report = await importFile(request.ctx, text, format, {
          skipInvalid: body.skipInvalid === 'true',
        });
        return sendPage(
          request,
          reply,
          { title: t('catalogue.import.title') },
          <ImportPage
            report={report}
            rows={report.errors.map((e) => ({
              path: `${t('catalogue.import.row', { row: e.row })} ${e.field}`,
              message: e.message,
            }))}
          />,
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation') throw error;
        return sendPage(
          request,
          reply,
          { title: t('catalogue.import.title'), status: 422 },
          <ImportPage errors={{ _form: error.message }} rows={error.errors} />,
        );
      }
    },
  );
}
