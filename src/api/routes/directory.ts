import { Router } from 'express';
import { Permission, requireRole, requireWithin, subtreeFilter } from '../authz';
import type { ApiContext } from '../context';
import { CreateUnitDto, CreateUserDto, ListUsersQueryDto } from '../dto/directory.dto';
import { endpoint } from '../endpoint';
import { notFound } from '../problem';
import { requireUnitPath } from '../unit-paths';

/** Units and users of the caller's subtree; supervisors create them there. */
export function directoryRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;
  const query = async <T>(sql: string, parameters: unknown[]) =>
    (await runtime.database.dataSource.query(sql, parameters)) as T[];

  const unitPath = async (unitId: string, field: string) => {
    return requireUnitPath(runtime, unitId, field);
  };

  endpoint(router, context, {
    method: 'get',
    path: '/units',
    summary: 'The caller’s unit and its subtree, in path order',
    tag: 'directory',
    handler: async ({ user }) => {
      requireRole(user, Permission.readAll);
      const rows = await query<Record<string, unknown>>(
        'SELECT id, parent_id, name, level, path FROM units WHERE path LIKE $1 ORDER BY path',
        [subtreeFilter(user)],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          parentId: r.parent_id,
          name: r.name,
          level: r.level,
          path: r.path,
        })),
      };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/units/:id',
    summary: 'One unit of the caller’s subtree',
    tag: 'directory',
    handler: async ({ user, params }) => {
      const unit = await runtime.directory.findUnit(params.id!);
      if (!unit) throw notFound('unit', params.id!);
      requireWithin(user, unit.path, Permission.readAll);
      return { id: unit.id, parentId: unit.parentId, name: unit.name, level: unit.level, path: unit.path };
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/units',
    summary: 'Create a unit below one in the caller’s subtree',
    tag: 'directory',
    status: 201,
    body: CreateUnitDto,
    handler: async ({ user, body, res }) => {
      requireWithin(user, await unitPath(body.parentId, 'parentId'), Permission.manageDirectory);
      const unit = await runtime.directory.createUnit({ ...body });
      res.setHeader('Location', `/units/${unit.id}`);
      return { id: unit.id, parentId: unit.parentId, name: unit.name, level: unit.level, path: unit.path };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/users',
    summary: 'Users of the caller’s subtree',
    tag: 'directory',
    query: ListUsersQueryDto,
    handler: async ({ user, query: q }) => {
      requireRole(user, Permission.readAll);
      const rows = await query<Record<string, unknown>>(
        `SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.is_principal, count(*) OVER () AS total
           FROM users u JOIN units n ON n.id = u.unit_id
          WHERE n.path LIKE $1 AND ($2::text IS NULL OR u.unit_id = $2) AND ($3::text IS NULL OR u.role = $3)
          ORDER BY n.path, u.username LIMIT ${q.limit} OFFSET ${q.offset}`,
        [subtreeFilter(user), q.unitId ?? null, q.role ?? null],
      );
      return {
        items: rows.map((r) => ({
          id: r.id,
          username: r.username,
          displayName: r.display_name,
          role: r.role,
          unitId: r.unit_id,
          isPrincipal: r.is_principal,
        })),
        total: Number(rows[0]?.total ?? 0),
        limit: q.limit,
        offset: q.offset,
      };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/users/:id',
    summary: 'One user of the caller’s subtree',
    tag: 'directory',
    handler: async ({ user, params }) => {
      const rows = await query<Record<string, unknown>>(
        `SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.is_principal, n.path, u.password_hash IS NOT NULL AS can_log_in
           FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = $1`,
        [params.id],
      );
      const found = rows[0];
      if (!found) throw notFound('user', params.id!);
      requireWithin(user, String(found.path), Permission.readAll);
      return {
        id: found.id,
        username: found.username,
        displayName: found.display_name,
        role: found.role,
        unitId: found.unit_id,
        isPrincipal: found.is_principal,
        canLogIn: found.can_log_in,
      };
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/users',
    summary: 'Create a user in a unit of the caller’s subtree (password stored as a scrypt hash)',
    tag: 'directory',
    status: 201,
    body: CreateUserDto,
    handler: async ({ user, body, res }) => {
      requireWithin(user, await unitPath(body.unitId, 'unitId'), Permission.manageDirectory);
      const { password, ...fields } = body;
      const passwordHash = password ? await context.auth.hashPassword(password) : null;
      const created = await runtime.directory.createUser({ ...fields, passwordHash }, runtime.clock.now());
      res.setHeader('Location', `/users/${created.id}`);
      return {
        id: created.id,
        username: created.username,
        displayName: created.displayName,
        role: created.role,
        unitId: created.unitId,
        isPrincipal: created.isPrincipal,
        canLogIn: passwordHash !== null,
      };
    },
  });
  return router;
}
