import { localAppendBus, notifyAppend, type AppendNotice } from '../persistence/append-notifications';
import type { Database } from '../persistence/database';
import type { AppendHook } from './engine';

/**
 * Announces every appended event (including those other hooks append) for live views: on PostgreSQL with
 * NOTIFY inside the append's transaction, so every server process on the database hears it at commit and
 * nothing is announced for a command that rolled back; on the embedded PGlite database (one process) on
 * an in-process bus after the commit.
 */
export function appendNotifyHook(database: Database): AppendHook {
  return {
    name: 'append-notify',
    runsOnDerivedEvents: true,
    afterAppend: async (tx, appended) => {
      const projection = appended.state.context as { campaignId?: unknown };
      const notice: AppendNotice = {
        globalPosition: appended.event.globalPosition,
        streamType: appended.streamType,
        streamId: appended.event.streamId,
        sequence: appended.event.sequence,
        eventType: appended.event.type,
        campaignId: typeof projection.campaignId === 'string' ? projection.campaignId : null,
        unitId: appended.unitId,
        unitPath: await unitPathOf(tx, appended),
      };
      if (database.kind === 'postgres') await notifyAppend(tx, notice);
      else tx.afterCommit(() => localAppendBus(database).emit('append', notice));
      return [];
    },
  };
}

type HookArguments = Parameters<AppendHook['afterAppend']>;

/** The stream's unit path after the append (its head row was just written in this transaction). */
async function unitPathOf(tx: HookArguments[0], appended: HookArguments[1]): Promise<string> {
  if (appended.stream && appended.stream.unitId === appended.unitId) return appended.stream.unitPath;
  const rows = await tx.query<{ unit_path: string }>('SELECT unit_path FROM streams WHERE stream_id = $1', [
    appended.event.streamId,
  ]);
  return rows[0]?.unit_path ?? '';
}
