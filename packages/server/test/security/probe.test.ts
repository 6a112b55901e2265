import { it, expect } from 'vitest';
import { startTestApp } from '../support/app.js';
import { http } from '../support/http.js';

it('probe race', async () => {
  const t = await startTestApp();
  const rs = await Promise.all(Array.from({ length: 60 }, () => http('POST', `${t.api}/auth/login`, { body: { auth: 'admin', password: 'wrong-password' } })));
  const counts: Record<number, number> = {};
  for (const r of rs) counts[r.status] = (counts[r.status] ?? 0) + 1;
  console.log('burst', counts);
  await t.close();
});

it('probe xff', async () => {
  const t = await startTestApp({ env: { SEMAUTH_TRUST_PROXY: 'true' } });
  let n401 = 0;
  for (let i = 0; i < 30; i++) {
    const r = await http('POST', `${t.api}/auth/login`, { headers: { 'x-forwarded-for': `10.0.0.${i}, 192.168.1.1` }, body: { auth: 'admin', password: 'wrong-password' } });
    if (r.status === 401) n401++;
  }
  console.log('xff spoof 401s', n401);
  await t.close();
});
