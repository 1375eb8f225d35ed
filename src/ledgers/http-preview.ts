import { Router } from 'express';
import { Permission, requireRole, requireWithin } from '../api/authz';
import type { ApiContext } from '../api/context';
import { endpoint } from '../api/endpoint';
import { LedgerImportDto } from './http-dto';
import { importRectificationLedger } from './ledger-import';
import { loadCampaign } from './ledger-source';

/**
 * `POST /campaigns/:campaignId/ledger/preview`: the 整改工作台账 import's validation alone (headers, cells,
 * lookups, duplicates, the machine dry run) with every located problem, and nothing written — the console
 * shows it before the user confirms the import with `POST …/ledger/import`.
 */
export function ledgerPreviewRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;
  endpoint(router, context, {
    method: 'post',
    path: '/campaigns/:campaignId/ledger/preview',
    summary:
      'Validate a 整改工作台账 (.xlsx, base64) without importing it: rows read and every located problem',
    tag: 'ledgers',
    body: LedgerImportDto,
    handler: async ({ params, body, user }) => {
      requireRole(user, Permission.actOnItem);
      const campaign = await loadCampaign(runtime, params.campaignId!);
      requireWithin(user, campaign.unitPath, Permission.actOnItem);
      const report = await importRectificationLedger(runtime, Buffer.from(body.file, 'base64'), {
        campaignId: campaign.campaignId,
        actor: { userId: user.id, unitId: user.unitId },
        fileName: body.fileName ?? 'upload.xlsx',
        sheet: body.sheet,
        dryRun: true,
      });
      return { file: report.file, sheet: report.sheet, rows: report.rows, problems: report.problems };
    },
  });
  return router;
}
