/** The browser face without a valid token: say what to do, in words a clerk understands. */
export function AccessDenied({ reason }: { reason: 'missing' | 'invalid' }) {
  return (
    <div className="access-denied" role="alert" data-testid="access-denied">
      <h1>{reason === 'missing' ? '无法打开：缺少访问令牌' : '无法打开：访问令牌已失效'}</h1>
      <p>为保护数据，本页面只能通过程序启动时显示的完整地址打开。</p>
      <p>
        请回到启动程序的窗口，复制以 <code>http://127.0.0.1</code> 开头、包含 <code>?token=</code> 的完整地址，粘贴到浏览器地址栏中打开。
      </p>
      {reason === 'invalid' && <p>如果程序已重新启动，需要使用新显示的地址。</p>}
    </div>
  );
}
