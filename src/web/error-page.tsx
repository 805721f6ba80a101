import type { FastifyRequest } from 'fastify';
import type { AppError } from '../platform/errors.ts';
import { renderDocument, viewFor, useView } from './view.tsx';
import { ErrorSummary, errorsByField } from './components/form.tsx';

function ErrorContent(props: { error: AppError }) {
  const view = useView();
  return (
    <section class="error-page">
      <h1>{view.t(`errors.title.${props.error.code}`)}</h1>
      <p>{props.error.message}</p>
      {props.error.errors.length > 0 ? (
        <ErrorSummary errors={errorsByField(props.error.errors)} />
      ) : null}
      <p>
        <a href={view.href('/')}>{view.t('errors.backHome')}</a>
      </p>
    </section>
  );
}

export function renderErrorPage(request: FastifyRequest, error: AppError): string {
  const view = viewFor(request);
  return renderDocument(
    view,
    { title: view.t(`errors.title.${error.code}`) },
    <ErrorContent error={error} />,
  );
}
