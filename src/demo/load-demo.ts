import type { Runtime } from '../engine/bootstrap';
import { hashPassword, type PasswordHashing } from '../api/auth/passwords';

/** The demo logins printed at start-up. Demo data only: a real deployment creates its own users. */
export const demoLogins = {
  password: 'zhengzhi-demo',
  users: [
    {
      id: 'u-supervisor',
      username: 'supervisor',
      displayName: '王督导 (市局法规科)',
      role: 'supervisor',
      unitId: 'xn-city',
      isPrincipal: false,
      description: 'supervisor, 西宁市交通运输局: campaigns and rules for the whole city',
    },
    {
      id: 'u-officer',
      username: 'officer',
      displayName: '李执法 (湟中区局)',
      role: 'officer',
      unitId: 'xn-hz',
      isPrincipal: false,
      description: 'officer, 湟中区交通运输局: items of 湟中区 and its detachment',
    },
    {
      id: 'u-officer-dt',
      username: 'officer.dt',
      displayName: '赵执法 (大通县局)',
      role: 'officer',
      unitId: 'xn-dt',
      isPrincipal: false,
      description: 'officer, 大通县交通运输局: items of 大通县 and its detachment',
    },
    {
      id: 'u-principal',
      username: 'principal',
      displayName: '张局长 (湟中区局主要负责人)',
      role: 'supervisor',
      unitId: 'xn-hz',
      isPrincipal: true,
      description: 'principal leader of 湟中区交通运输局: signs dismissals (查否) there',
    },
    {
      id: 'u-auditor',
      username: 'auditor',
      displayName: '陈督查 (市纪检组)',
      role: 'auditor',
      unitId: 'xn-city',
      isPrincipal: false,
      description: 'auditor, 西宁市交通运输局: reads everything, changes nothing',
    },
  ] as const,
};

export type DemoResult = { loaded: true } | { loaded: false; reason: string };

/** The demo unit tree (city bureau → three county bureaus → a detachment each) and the demo users. */
export async function loadDemoDirectory(
  runtime: Runtime,
  passwordHashing: PasswordHashing = {},
): Promise<void> {
  const { directory } = runtime;
  await directory.createUnit({ id: 'xn-city', name: '西宁市交通运输局', level: 'city' });
  await directory.createUnit({ id: 'xn-hz', name: '湟中区交通运输局', level: 'county', parentId: 'xn-city' });
  await directory.createUnit({ id: 'xn-dt', name: '大通县交通运输局', level: 'county', parentId: 'xn-city' });
  await directory.createUnit({ id: 'xn-hy', name: '湟源县交通运输局', level: 'county', parentId: 'xn-city' });
  await directory.createUnit({
    id: 'xn-hz-det',
    name: '湟中区交通运输综合执法大队',
    level: 'detachment',
    parentId: 'xn-hz',
  });
  await directory.createUnit({
    id: 'xn-dt-det',
    name: '大通县交通运输综合执法大队',
    level: 'detachment',
    parentId: 'xn-dt',
  });
  await directory.createUnit({
    id: 'xn-hy-det',
    name: '湟源县交通运输综合执法大队',
    level: 'detachment',
    parentId: 'xn-hy',
  });
  const passwordHash = await hashPassword(demoLogins.password, passwordHashing);
  for (const user of demoLogins.users) {
    const { description: _d, ...fields } = user;
    await directory.createUser({ ...fields, passwordHash }, runtime.clock.now());
  }
}

/** Loads the demo into an empty database; leaves a database with any unit in it alone. */
export async function loadDemo(runtime: Runtime): Promise<DemoResult> {
  const rows = (await runtime.database.dataSource.query('SELECT count(*) AS n FROM units')) as Array<{
    n: string | number;
  }>;
  if (Number(rows[0]?.n ?? 0) > 0) return { loaded: false, reason: 'the database is not empty' };
  await loadDemoDirectory(runtime);
  return { loaded: true };
}
