import { Router } from 'express';
import { databaseQuery } from '../../persistence/database';
import { findUserWithPath, listUnitsIn, listUsers } from '../../persistence/directory';
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
  const query = databaseQuery(runtime.database);

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
      return { items: await listUnitsIn(query, subtreeFilter(user)) };
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
      const { rows, total } = await listUsers(query, {
        subtreePattern: subtreeFilter(user),
        unitId: q.unitId,
        role: q.role,
        limit: q.limit,
        offset: q.offset,
      });
      return { items: rows, total, limit: q.limit, offset: q.offset };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/users/:id',
    summary: 'One user of the caller’s subtree',
    tag: 'directory',
    handler: async ({ user, params }) => {
      const found = await findUserWithPath(query, params.id!);
      if (!found) throw notFound('user', params.id!);
      requireWithin(user, found.unitPath, Permission.readAll);
      const { unitPath: _unitPath, ...shown } = found;
      return shown;
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
