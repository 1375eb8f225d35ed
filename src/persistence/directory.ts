import type { DataSource, EntityManager } from 'typeorm';
import type { QueryExecutor } from './database';
import { readPage, type PagedRows, type PageWindow } from './paging';
import { UnitEntity, UNIT_LEVEL_ORDER, type UnitLevel } from './entities/unit.entity';
import { UserEntity, type Role } from './entities/user.entity';
import { NotFoundError, ZhengzhiError, ErrorCode } from '../shared/errors';

/**
 * The materialised path of a unit, read now (no cache: request handlers check a unit a caller names), or
 * null when no such unit exists.
 */
export async function findUnitPath(dataSource: DataSource, unitId: string): Promise<string | null> {
  const rows = (await dataSource.query('SELECT path FROM units WHERE id = $1', [unitId])) as Array<{
    path: string;
  }>;
  return rows[0]?.path ?? null;
}

export interface NewUnit {
  id: string;
  name: string;
  level: UnitLevel;
  parentId?: string | null;
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string;
  isPrincipal?: boolean;
  passwordHash?: string | null;
}

/**
 * The unit tree and its people. Unit paths never change once created (a unit is never moved), which
 * lets the engine cache them.
 */
export class Directory {
  readonly #paths = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  async createUnit(unit: NewUnit, manager: EntityManager = this.dataSource.manager): Promise<UnitEntity> {
    if (!/^[A-Za-z0-9_.-]+$/.test(unit.id))
      throw new ZhengzhiError(
        ErrorCode.invalidInput,
        `unit id ${unit.id} may contain only letters, digits, _ . -`,
      );
    let path = `/${unit.id}/`;
    if (unit.parentId) {
      const parent = await manager.findOneBy(UnitEntity, { id: unit.parentId });
      if (!parent) throw new NotFoundError('unit', unit.parentId);
      if (UNIT_LEVEL_ORDER.indexOf(unit.level) <= UNIT_LEVEL_ORDER.indexOf(parent.level)) {
        throw new ZhengzhiError(ErrorCode.invalidInput, `a ${unit.level} cannot sit below a ${parent.level}`);
      }
      path = `${parent.path}${unit.id}/`;
    }
    if (await manager.findOneBy(UnitEntity, { id: unit.id }))
      throw new ZhengzhiError(ErrorCode.alreadyExists, `unit ${unit.id} already exists`);
    const entity = manager.create(UnitEntity, {
      id: unit.id,
      parentId: unit.parentId ?? null,
      name: unit.name,
      level: unit.level,
      path,
    });
    await manager.save(entity);
    this.#paths.set(unit.id, path);
    return entity;
  }

  async createUser(
    user: NewUser,
    createdAt: Date,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserEntity> {
    await this.unitPath(user.unitId);
    if (await manager.findOneBy(UserEntity, { username: user.username })) {
      throw new ZhengzhiError(ErrorCode.alreadyExists, `username ${user.username} is taken`);
    }
    const entity = manager.create(UserEntity, {
      ...user,
      isPrincipal: user.isPrincipal ?? false,
      passwordHash: user.passwordHash ?? null,
      createdAt,
    });
    await manager.save(entity);
    return entity;
  }

  /**
   * The materialised path of a unit; throws NotFound for an unknown unit. Inside a transaction pass its
   * query function: on PGlite the pool has one connection, and a query outside the transaction would wait
   * for it forever.
   */
  async unitPath(
    unitId: string,
    query?: (sql: string, parameters: unknown[]) => Promise<Array<{ path: string }>>,
  ): Promise<string> {
    const cached = this.#paths.get(unitId);
    if (cached) return cached;
    const rows = query
      ? await query('SELECT path FROM units WHERE id = $1', [unitId])
      : ((await this.dataSource.query('SELECT path FROM units WHERE id = $1', [unitId])) as Array<{
          path: string;
        }>);
    if (!rows[0]) throw new NotFoundError('unit', unitId);
    this.#paths.set(unitId, rows[0].path);
    return rows[0].path;
  }

  async findUnit(unitId: string): Promise<UnitEntity | null> {
    return this.dataSource.manager.findOneBy(UnitEntity, { id: unitId });
  }

  async findUser(userId: string): Promise<UserEntity | null> {
    return this.dataSource.manager.findOneBy(UserEntity, { id: userId });
  }

  /** True when `unitId` is `ancestorId` or lies below it. */
  async isWithin(unitId: string, ancestorId: string): Promise<boolean> {
    const [path, ancestor] = await Promise.all([this.unitPath(unitId), this.unitPath(ancestorId)]);
    return path.startsWith(ancestor);
  }

  /** The unit and everything below it, in path order. */
  async subtree(unitId: string): Promise<UnitEntity[]> {
    const path = await this.unitPath(unitId);
    return this.dataSource.manager
      .createQueryBuilder(UnitEntity, 'u')
      .where('u.path LIKE :prefix', { prefix: `${path}%` })
      .orderBy('u.path')
      .getMany();
  }

  /** The principal leaders (单位主要负责人) of a unit. */
  async principalsOf(unitId: string): Promise<UserEntity[]> {
    return this.dataSource.manager.findBy(UserEntity, { unitId, isPrincipal: true });
  }
}

/** A unit as the directory lists it. */
export interface UnitRow {
  id: string;
  parentId: string | null;
  name: string;
  level: string;
  path: string;
}

/** The units whose path matches `subtreePattern` (a LIKE prefix), in path order. */
export async function listUnitsIn(query: QueryExecutor, subtreePattern: string): Promise<UnitRow[]> {
  const rows = await query<Record<string, unknown>>(
    'SELECT id, parent_id, name, level, path FROM units WHERE path LIKE $1 ORDER BY path',
    [subtreePattern],
  );
  return rows.map((r) => ({
    id: String(r.id),
    parentId: (r.parent_id as string | null) ?? null,
    name: String(r.name),
    level: String(r.level),
    path: String(r.path),
  }));
}

/** A user as the directory shows it (never the password hash). */
export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  role: string;
  unitId: string;
  isPrincipal: boolean;
}

const toUserRow = (r: Record<string, unknown>): UserRow => ({
  id: String(r.id),
  username: String(r.username),
  displayName: String(r.display_name),
  role: String(r.role),
  unitId: String(r.unit_id),
  isPrincipal: Boolean(r.is_principal),
});

export interface UserListFilter extends PageWindow {
  subtreePattern: string;
  unitId?: string;
  role?: string;
}

/** Users of a subtree, by unit path then username. */
export async function listUsers(query: QueryExecutor, filter: UserListFilter): Promise<PagedRows<UserRow>> {
  const page = await readPage(
    query,
    {
      keys: `SELECT u.id, n.path, u.username FROM users u JOIN units n ON n.id = u.unit_id
              WHERE n.path LIKE $1 AND ($2::text IS NULL OR u.unit_id = $2) AND ($3::text IS NULL OR u.role = $3)`,
      orderBy: 'path, username, id',
      rows: `SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.is_principal
               FROM page JOIN users u USING (id) ORDER BY page.path, page.username, page.id`,
      parameters: [filter.subtreePattern, filter.unitId ?? null, filter.role ?? null],
    },
    filter,
  );
  return { total: page.total, rows: page.rows.map(toUserRow) };
}

/** One user with their unit's path (for the subtree check) and whether they can log in; null when unknown. */
export async function findUserWithPath(
  query: QueryExecutor,
  userId: string,
): Promise<(UserRow & { unitPath: string; canLogIn: boolean }) | null> {
  const rows = await query<Record<string, unknown>>(
    `SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.is_principal, n.path,
            u.password_hash IS NOT NULL AS can_log_in
       FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = $1`,
    [userId],
  );
  const found = rows[0];
  return found
    ? { ...toUserRow(found), unitPath: String(found.path), canLogIn: Boolean(found.can_log_in) }
    : null;
}
