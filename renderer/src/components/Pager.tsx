/** Previous/next paging under a table; hidden when everything fits on one page. */
export function Pager({ offset, pageSize, total, onOffset }: { offset: number; pageSize: number; total: number; onOffset: (o: number) => void }) {
  if (total <= pageSize) return null;
  const page = Math.floor(offset / pageSize);
  const pages = Math.ceil(total / pageSize);
  return (
    <div className="pager">
      <button type="button" disabled={page === 0} onClick={() => onOffset((page - 1) * pageSize)} data-testid="pager-prev">
        上一页
      </button>
      <span>
        第 {page + 1} / {pages} 页
      </span>
      <button type="button" disabled={page >= pages - 1} onClick={() => onOffset((page + 1) * pageSize)} data-testid="pager-next">
        下一页
      </button>
    </div>
  );
}
