import { Router, type Response } from 'express';
import { Permission, requireRole, requireWithin } from '../authz';
import type { ApiContext, AuthUser } from '../context';
import { endpoint } from '../endpoint';
import { HttpProblem } from '../problem';
import { buildBulletin } from '../../bulletins/bulletin';
import { renderBulletinHtml } from '../../bulletins/bulletin-html';
import { PDF_PACKAGES, PdfRendererMissingError, renderPdf } from '../../bulletins/bulletin-pdf';
import type { Runtime } from '../../runtime/runtime';
import { exportClueLedger, importClueLedger } from '../../ledgers/clue-ledger';
import {
  BulletinQueryDto,
  LedgerExportQueryDto,
  LedgerImportDto,
  LedgerUploadQueryDto,
} from '../dto/ledgers.dto';
import { writeLedgerTemplate } from '../../ledgers/ledger-template';
import { readUpload } from '../workbook-upload';
import { exportConsolidatedLedger } from '../../ledgers/consolidated-ledger';
import { exportRectificationLedger } from '../../ledgers/ledger-export';
import { importRectificationLedger } from '../../ledgers/ledger-import';
import { checkStates, loadCampaign } from '../../ledgers/ledger-source';
import { codesOf } from '../../vocabulary/labels';
import { exportSupervisionLedger } from '../../ledgers/supervision-ledger';
import type { ImportProblem } from '../../ledgers/import-problems';
import { requireUnitPath } from '../unit-paths';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The unit whose subtree an export covers: the one asked for (inside the caller's subtree) or the caller's. */
async function exportUnit(runtime: Runtime, user: AuthUser, unitId: string | undefined): Promise<string> {
  if (!unitId) return user.unitId;
  const unitPath = await requireUnitPath(runtime, unitId, 'unitId');
  requireWithin(user, unitPath, Permission.readAll);
  return unitId;
}

function statesOf(state: string | undefined): string[] | undefined {
  return state
    ? state
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : undefined;
}

function sendXlsx(res: Response, asciiName: string, name: string): void {
  // Header values must be Latin-1: an ASCII name, and the Chinese one as RFC 5987 filename*.
  res
    .status(200)
    .type(XLSX)
    .setHeader(
      'Content-Disposition',
      `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
}

/** The PDF, or 503 problem+json naming the package to install when the machine has no Chromium. */
async function pdfOrUnavailable(html: string): Promise<Buffer> {
  try {
    return await renderPdf(html);
  } catch (error) {
    if (!(error instanceof PdfRendererMissingError)) throw error;
    throw new HttpProblem('unavailable', error.message, {
      missingPackages: ['chromium', 'fonts-noto-cjk'],
      install: PDF_PACKAGES,
      alternatives: ['format=html', 'format=json'],
    });
  }
}

/** A sheet with rows it could not take: 400 problem+json listing every row (sheet, row, column, cell, reason). */
function refused(file: string, problems: ImportProblem[]): HttpProblem {
  return new HttpProblem(
    'invalidInput',
    `${file}: ${problems.length} row(s) cannot be imported; nothing was imported (set takeGoodRows to take the others)`,
    { problems },
  );
}

/**
 * Ledgers and bulletins over HTTP: the 整改工作台账, 线索台账 and 督办台账 as .xlsx downloads (streamed),
 * imports of the first two (base64 .xlsx in a JSON body, since the API accepts JSON only), and the
 * 工作简报 as HTML, PDF or JSON. Reading needs `read` within the caller's subtree; importing needs
 * `item:act` (ledger) or `item:register` (clues) over the campaign's unit.
 */
export function ledgersRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  const campaignFor = async (campaignId: string, user: AuthUser, permission: Permission) => {
    requireRole(user, permission);
    return loadCampaign(runtime, campaignId);
  };

  const exportRoute = (
    path: string,
    name: string,
    write: (
      res: Response,
      campaignId: string,
      unitId: string,
      states: string[] | undefined,
    ) => Promise<unknown>,
  ) =>
    endpoint(router, context, {
      method: 'get',
      path: `/campaigns/:campaignId/${path}`,
      summary: `Download the ${name} of a campaign (.xlsx)`,
      tag: 'ledgers',
      query: LedgerExportQueryDto,
      handler: async ({ params, query, user, res }) => {
        await campaignFor(params.campaignId!, user, Permission.readAll);
        // Exports cover the caller's subtree (or a unit inside it), whatever the campaign's reach.
        const unitId = await exportUnit(runtime, user, query.unitId);
        const states = statesOf(query.state);
        checkStates(states, codesOf('itemState'));
        sendXlsx(
          res,
          `${path.replace('.xlsx', '')}-${encodeURIComponent(params.campaignId!)}.xlsx`,
          `${name}-${params.campaignId}.xlsx`,
        );
        await write(res, params.campaignId!, unitId, states);
        res.end();
        return undefined;
      },
    });

  exportRoute('ledger.xlsx', '整改工作台账', (res, campaignId, unitId, states) =>
    exportRectificationLedger(runtime, res, { campaignId, unitId, states }),
  );
  exportRoute('consolidated-ledger.xlsx', '汇总台账', (res, campaignId, unitId, states) =>
    exportConsolidatedLedger(runtime, res, { campaignId, unitId, states }),
  );
  exportRoute('clues.xlsx', '线索台账', (res, campaignId, unitId, states) =>
    exportClueLedger(runtime, res, { campaignId, unitId, states }),
  );
  exportRoute('supervision.xlsx', '督办台账', (res, campaignId, unitId) =>
    exportSupervisionLedger(runtime, res, { campaignId, unitId }),
  );

  /** Runs an import for the caller; a sheet with refused rows is a located problem+json unless it is a dry run. */
  const runImport = async (
    campaignId: string,
    user: AuthUser,
    permission: Permission,
    importer: typeof importRectificationLedger | typeof importClueLedger,
    bytes: Buffer,
    options: { fileName?: string; takeGoodRows?: boolean; sheet?: string; dryRun?: boolean },
  ) => {
    const campaign = await campaignFor(campaignId, user, permission);
    requireWithin(user, campaign.unitPath, permission);
    const file = options.fileName ?? 'upload.xlsx';
    const report = await importer(runtime, bytes, {
      campaignId: campaign.campaignId,
      actor: { userId: user.id, unitId: user.unitId },
      takeGoodRows: options.takeGoodRows,
      fileName: file,
      sheet: options.sheet,
      dryRun: options.dryRun,
    });
    if (!report.applied && !options.dryRun) throw refused(file, report.problems);
    return report;
  };

  /**
   * Two ways in: `…/import` takes the .xlsx base64 in JSON (within the 100 kB JSON limit: small sheets),
   * `…/upload` takes the workbook itself (multipart/form-data or the .xlsx media type) with its own limit
   * of several MB. `dryRun` checks every row and writes nothing: preview, then confirm without it.
   */
  const importRoutes = (
    segment: string,
    what: string,
    permission: Permission,
    importer: typeof importRectificationLedger | typeof importClueLedger,
  ) => {
    endpoint(router, context, {
      method: 'post',
      path: `/campaigns/:campaignId/${segment}/import`,
      summary: `Import a ${what} (.xlsx, base64 in JSON; dryRun previews)`,
      tag: 'ledgers',
      body: LedgerImportDto,
      handler: ({ params, body, user }) =>
        runImport(params.campaignId!, user, permission, importer, Buffer.from(body.file, 'base64'), body),
    });
    endpoint(router, context, {
      method: 'post',
      path: `/campaigns/:campaignId/${segment}/upload`,
      summary: `Upload a ${what} as the file itself (multipart/form-data field "file", or the .xlsx media type); dryRun previews`,
      tag: 'ledgers',
      query: LedgerUploadQueryDto,
      handler: async ({ params, query, user, req }) => {
        // Authorise before reading megabytes of body.
        await campaignFor(params.campaignId!, user, permission);
        const upload = await readUpload(req);
        return runImport(params.campaignId!, user, permission, importer, upload.bytes, {
          ...query,
          fileName: query.fileName ?? upload.fileName ?? undefined,
        });
      },
    });
  };
  importRoutes(
    'ledger',
    '整改工作台账: creates or updates items through the engine',
    Permission.actOnItem,
    importRectificationLedger,
  );
  importRoutes(
    'clues',
    '线索台账: registers new clues through the engine',
    Permission.registerItem,
    importClueLedger,
  );

  for (const [segment, ledger, name, summary] of [
    [
      'ledger',
      'rectification',
      '整改工作台账',
      'A blank 整改工作台账 for the campaign, with drop-down lists of its categories and units',
    ],
    [
      'clues',
      'clues',
      '线索台账',
      'A blank 线索台账 for the campaign, with drop-down lists of the clue sources and units',
    ],
  ] as const)
    endpoint(router, context, {
      method: 'get',
      path: `/campaigns/:campaignId/${segment}/template.xlsx`,
      summary,
      tag: 'ledgers',
      handler: async ({ params, user, res }) => {
        await campaignFor(params.campaignId!, user, Permission.readAll);
        sendXlsx(
          res,
          `${segment}-template-${encodeURIComponent(params.campaignId!)}.xlsx`,
          `${name}-空白模板-${params.campaignId}.xlsx`,
        );
        await writeLedgerTemplate(runtime, res, params.campaignId!, ledger);
        res.end();
        return undefined;
      },
    });

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:campaignId/bulletin',
    summary: '工作简报 of a campaign (with its sub-campaigns) for a period: html, pdf or json',
    tag: 'ledgers',
    query: BulletinQueryDto,
    handler: async ({ params, query, user, res }) => {
      const campaign = await campaignFor(params.campaignId!, user, Permission.readAll);
      requireWithin(user, campaign.unitPath, Permission.readAll);
      const bulletin = await buildBulletin(runtime, {
        campaignId: campaign.campaignId,
        from: query.from,
        to: query.to,
        issue: query.issue,
        scopeUnitPath: user.unitPath,
      });
      if (query.format === 'json') return bulletin;
      const html = renderBulletinHtml(bulletin);
      if (query.format === 'pdf')
        res
          .status(200)
          .type('application/pdf')
          .send(await pdfOrUnavailable(html));
      else res.status(200).type('text/html; charset=utf-8').send(html);
      return undefined;
    },
  });

  return router;
}
