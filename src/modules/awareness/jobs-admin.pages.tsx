import type { FastifyInstance } from 'fastify';
import type { VNode } from 'preact';
import { sendPage, useView } from '../../web/view.tsx';
import { PostForm } from '../../web/components/form.tsx';
import { Pagination } from '../../web/components/pagination.tsx';
import { JOB_STATUSES } from '../../platform/jobs-admin.ts';
import { IdParams } from './awareness.schemas.ts';
import { jobDetail, jobsOverview, PAGE_SIZE, retryJob } from './jobs-admin.service.ts';
import { seeOther } from '../../web/redirect.ts';

type Overview = Awaited<ReturnType<typeof jobsOverview>>;
type Detail = Awaited<ReturnType<typeof jobDetail>>;

function when(view: ReturnType<typeof useView>, date: Date | null | undefined): string {
  return view.formatDate(date, { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'UTC' });
}

function interval(ms: number): string {
  for (const [unit, size] of [
    ['w', 604_800_000],
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

function firstLine(text: string | null): string {
  return (text ?? '').split('\n')[0]!.slice(0, 200);
}

function JobsPage(props: { data: Overview; done?: string }): VNode {
  const view = useView();
  const { t } = view;
  const { counts, schedules, failures, jobs, status, page } = props.data;
  return (
    <>
      <h1>{t('awareness.jobs.title')}</h1>
      {props.done ? (
        <p class="notice ok" role="status">
          {t('awareness.jobs.retried')}
        </p>
      ) : null}
      <nav aria-label={t('awareness.jobs.filter')}>
        <ul class="inline-list">
          <li>
            <a href={view.href('/admin/jobs')} aria-current={status ? undefined : 'page'}>
              {t('awareness.jobs.all')}
            </a>
          </li>
          {JOB_STATUSES.map((s) => (
            <li key={s}>
              <a
                href={view.href(`/admin/jobs?status=${s}`)}
                aria-current={status === s ? 'page' : undefined}
              >
                {t(`awareness.jobs.status.${s}`)} ({view.formatNumber(counts[s])})
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <h2>{t('awareness.jobs.schedules')}</h2>
      {schedules.length === 0 ? <p>{t('awareness.jobs.noSchedules')}</p> : null}
      <div class="table-scroll" hidden={schedules.length === 0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('awareness.jobs.job')}</th>
              <th scope="col">{t('awareness.jobs.every')}</th>
              <th scope="col">{t('awareness.jobs.nextRun')}</th>
              <th scope="col">{t('awareness.jobs.lastEnqueued')}</th>
              <th scope="col">{t('awareness.jobs.lastStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((s) => (
              <tr key={s.name}>
                <td>{s.name}</td>
                <td>{interval(Number(s.every_ms))}</td>
                <td>{when(view, s.next_run_at)}</td>
                <td>{when(view, s.last_enqueued_at)}</td>
                <td>{s.last_status ? t(`awareness.jobs.status.${s.last_status}`) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('awareness.jobs.failures')}</h2>
      {failures.length === 0 ? (
        <p>{t('awareness.jobs.noFailures')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('awareness.jobs.at')}</th>
                <th scope="col">{t('awareness.jobs.job')}</th>
                <th scope="col">{t('awareness.jobs.attempt')}</th>
                <th scope="col">{t('awareness.jobs.error')}</th>
              </tr>
            </thead>
            <tbody>
              {failures.map((f) => (
                <tr key={f.id}>
                  <td>{when(view, f.at)}</td>
                  <td>
                    <a href={view.href(`/admin/jobs/${f.job_id}`)}>{f.job_name}</a>
                  </td>
                  <td>{f.attempt}</td>
                  <td>{firstLine(f.error)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t('awareness.jobs.jobs', { count: jobs.total })}</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('awareness.jobs.job')}</th>
              <th scope="col">{t('awareness.jobs.statusLabel')}</th>
              <th scope="col">{t('awareness.jobs.attempts')}</th>
              <th scope="col">{t('awareness.jobs.runAt')}</th>
              <th scope="col">{t('awareness.jobs.error')}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.items.map((j) => (
              <tr key={j.id}>
                <td>
                  <a href={view.href(`/admin/jobs/${j.id}`)}>{j.name}</a>
                </td>
                <td>{t(`awareness.jobs.status.${j.status}`)}</td>
                <td>
                  {j.attempts}/{j.max_attempts}
                </td>
                <td>{when(view, j.run_at)}</td>
                <td>{firstLine(j.last_error)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pagination page={page} pageSize={PAGE_SIZE} total={jobs.total} />
    </>
  );
}

function JobPage(props: { data: Detail }): VNode {
  const view = useView();
  const { t } = view;
  const { job, failures } = props.data;
  return (
    <>
      <h1>{t('awareness.jobs.jobTitle', { name: job.name })}</h1>
      <dl class="facts">
        <dt>{t('awareness.jobs.statusLabel')}</dt>
        <dd>{t(`awareness.jobs.status.${job.status}`)}</dd>
        <dt>{t('awareness.jobs.attempts')}</dt>
        <dd>
          {job.attempts}/{job.max_attempts}
        </dd>
        <dt>{t('awareness.jobs.runAt')}</dt>
        <dd>{when(view, job.run_at)}</dd>
        <dt>{t('awareness.jobs.worker')}</dt>
        <dd>{job.locked_by ?? '—'}</dd>
        <dt>{t('awareness.jobs.finished')}</dt>
        <dd>{when(view, job.finished_at) || '—'}</dd>
        <dt>{t('awareness.jobs.payload')}</dt>
        <dd>
          <code>{JSON.stringify(job.payload)}</code>
        </dd>
      </dl>
      {job.status === 'dead' ? (
        <PostForm action={`/admin/jobs/${job.id}/retry`}>
          <button type="submit">{t('awareness.jobs.retry')}</button>
        </PostForm>
      ) : null}
      <h2>{t('awareness.jobs.failures')}</h2>
      {failures.length === 0 ? (
        <p>{t('awareness.jobs.noFailures')}</p>
      ) : (
        <ol class="plain">
          {failures.map((f) => (
            <li key={f.id}>
              <p>
                {t('awareness.jobs.failedAttempt', { attempt: f.attempt, at: when(view, f.at) })}
              </p>
              <pre>{f.error}</pre>
            </li>
          ))}
        </ol>
      )}
      <p>
        <a href={view.href('/admin/jobs')}>{t('awareness.jobs.back')}</a>
      </p>
    </>
  );
}

export async function jobsAdminPages(app: FastifyInstance): Promise<void> {
  app.get(
    '/admin/jobs',
    { config: { page: true }, schema: { hide: true } },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const pageNumber = Number(query.page);
      const data = await jobsOverview(request.ctx, {
        status: typeof query.status === 'string' ? query.status : undefined,
        page:
          Number.isInteger(pageNumber) && pageNumber > 0 && pageNumber < 10_000 ? pageNumber : 1,
      });
      return sendPage(
        request,
        reply,
        { title: request.t('awareness.jobs.title') },
        <JobsPage data={data} done={query.done === 'retried' ? 'retried' : undefined} />,
      );
    },
  );

  app.get(
    '/admin/jobs/:id',
    { config: { page: true }, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      const data = await jobDetail(request.ctx, (request.params as { id: string }).id);
      return sendPage(
        request,
        reply,
        { title: request.t('awareness.jobs.jobTitle', { name: data.job.name }) },
        <JobPage data={data} />,
      );
    },
  );

  app.post(
    '/admin/jobs/:id/retry',
    { config: { page: true }, schema: { hide: true, params: IdParams } },
    async (request, reply) => {
      await retryJob(request.ctx, (request.params as { id: string }).id);
      return seeOther(request, reply, '/admin/jobs?done=retried');
    },
  );
}
