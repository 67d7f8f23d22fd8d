/** 密钥: this office's fingerprint (read it to the upper level by phone) and the keys trusted here. */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { localDateTime } from '../../lib/format';
import { lastName } from './format';

type Keys = MethodOutput<'packages.keys'>;

export function KeysPanel({ refresh, showTrusted }: { refresh: number; showTrusted: boolean }) {
  const [keys, setKeys] = useState<Keys | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    call('packages.keys', { create: true })
      .then(setKeys)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, [refresh]);
  return (
    <section data-testid="pkg-keys">
      <h2>签名密钥</h2>
      <ErrorBanner message={error} />
      {keys?.own && (
        <p>
          本单位密钥指纹：<code className="pkg-fingerprint" data-testid="own-fingerprint">{keys.own.fingerprint}</code>
          <span className="hint"> 上级首次收到本单位的上报包时，会请您电话核对这串字符。密钥保存在本机的统计调查数据库文件中。</span>
        </p>
      )}
      {showTrusted && keys && (
        <>
          <h3>已登记的下级密钥</h3>
          {keys.trusted.length === 0 ? (
            <p className="hint">尚未登记。首次合并某地区的上报包时，核对指纹后即登记。</p>
          ) : (
            <div className="io-list">
              <table>
                <thead>
                  <tr>
                    <th>地区</th>
                    <th>报送单位</th>
                    <th>指纹</th>
                    <th>状态</th>
                    <th>登记时间</th>
                    <th>登记人</th>
                  </tr>
                </thead>
                <tbody>
                  {keys.trusted.map((k) => (
                    <tr key={`${k.areaCode}-${k.fingerprint}`} data-testid="trusted-key">
                      <td>{lastName(k.areaName)}</td>
                      <td>{k.officeName}</td>
                      <td><code>{k.fingerprint}</code></td>
                      <td>{k.current ? '在用' : `已更换（${localDateTime(k.replacedAt ?? '', false)}）`}</td>
                      <td>{localDateTime(k.trustedAt, false)}</td>
                      <td>{k.trustedBy}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
