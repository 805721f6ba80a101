import type { VNode } from 'preact';
import { useView } from '../view.tsx';

/** Previous/next links that keep every other query parameter. */
export function Pagination(props: { page: number; pageSize: number; total: number }): VNode | null {
  const view = useView();
  const pages = Math.max(1, Math.ceil(props.total / props.pageSize));
  if (pages <= 1) return null;
  const link = (page: number) => {
    const params = new URLSearchParams(view.query);
    params.set('page', String(page));
    return `${view.href(view.path)}?${params.toString()}`;
  };
  return (
    <nav class="pagination" aria-label={view.t('pagination.label')}>
      {props.page > 1 ? (
        <a href={link(props.page - 1)} rel="prev">
          {view.t('pagination.previous')}
        </a>
      ) : null}
      <span>{view.t('pagination.status', { page: props.page, pages })}</span>
      {props.page < pages ? (
        <a href={link(props.page + 1)} rel="next">
          {view.t('pagination.next')}
        </a>
      ) : null}
    </nav>
  );
}
