import { Router, type NextFunction, type Request, type Response } from 'express';
import { compileWorkbook, type LoadedRules } from '../../rule-files/decision-workbook';
import { ZhengzhiError } from '../../shared/errors';
import { checkRuleSource, RuleSetRejectedError } from '../../escalation';
import { evaluate, factsFromJson, formatDiagnostic, runExamples, type Diagnostic } from '../../rules';
import { parseInstant } from '../../rules/instants';
import { latestRuleFailures, summariseRuleFailures } from '../../persistence/rule-failures';
import { isRelated, Permission, requireRole, requireWithin } from '../authz';
import { actorOf, loadStreamOf } from '../commands';
import type { ApiContext } from '../context';
import { publishRuleSet } from '../../runtime/rule-set-publish';
import {
  RulePublishQueryDto,
  RuleSimulateDto,
  RuleSimulateQueryDto,
  RuleSourceDto,
  RuleTestDto,
} from '../dto/escalations.dto';
import { simulateRuleSet } from '../../escalation/simulate-rule-set';
import { endpoint } from '../endpoint';
import { forbidden, HttpProblem, notFound } from '../problem';

/** How diagnostics are shown: by line and column, or by sheet and cell for an uploaded workbook. */
const diagnosticView = (source: string, res: Response) => {
  const table = (res.locals as { ruleTable?: LoadedRules }).ruleTable;
  return (d: Diagnostic) =>
    table
      ? { ...table.locate(d), formatted: table.format(d) }
      : { ...d, formatted: formatDiagnostic(d, source) };
};

/**
 * An uploaded decision-table workbook (Content-Type …spreadsheetml.sheet) becomes the JSON form
 * `{source, fileName}` — the .rules text generated from its tables — before validation; the table is kept
 * so diagnostics point at cells. Only for authenticated callers (the endpoint then checks the role).
 */
async function workbookBody(req: Request, res: Response, next: NextFunction): Promise<void> {
  if (!Buffer.isBuffer(req.body) || !req.user) return next();
  const fileName = typeof req.query.fileName === 'string' ? req.query.fileName.slice(0, 100) : 'upload.xlsx';
  try {
    const loaded = await compileWorkbook(req.body, fileName);
    res.locals.ruleTable = loaded;
    req.body = { source: loaded.source, fileName: fileName.replace(/[^\w.\-\u4e00-\u9fff]/g, '_') };
    delete (req.query as Record<string, unknown>).fileName;
    next();
  } catch (error) {
    next(
      error instanceof ZhengzhiError
        ? error
        : new HttpProblem(
            'invalidInput',
            `${fileName}: not a readable .xlsx workbook (${(error as Error).message})`,
          ),
    );
  }
}

/** Rule sets: check and test a file, publish a new version for a campaign, list and read versions. */
export function ruleSetsRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;
  router.post(
    ['/rule-sets/check', '/rule-sets/test', '/campaigns/:id/rule-sets', '/campaigns/:id/rule-sets/simulate'],
    (req, res, next) => void workbookBody(req, res, next),
  );

  endpoint(router, context, {
    method: 'post',
    path: '/rule-sets/check',
    summary: 'Compile a rule file and run its examples; report located diagnostics (changes nothing)',
    tag: 'rule sets',
    body: RuleSourceDto,
    handler: async ({ user, body, res }) => {
      requireRole(user, Permission.publishRules);
      const fileName = body.fileName ?? 'upload.rules';
      const { ruleSet, diagnostics, errors } = checkRuleSource(body.source, fileName);
      return {
        ok: ruleSet !== null && errors === 0,
        ruleSetId: ruleSet?.id ?? null,
        version: ruleSet?.version ?? null,
        ruleCount: ruleSet?.rules.length ?? null,
        diagnostics: diagnostics.map(diagnosticView(body.source, res)),
      };
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/rule-sets/test',
    summary: 'Run a rule file’s examples and evaluate it on given facts (changes nothing)',
    tag: 'rule sets',
    body: RuleTestDto,
    handler: async ({ user, body, res }) => {
      requireRole(user, Permission.publishRules);
      const fileName = body.fileName ?? 'upload.rules';
      const { ruleSet, diagnostics } = checkRuleSource(body.source, fileName);
      if (!ruleSet) {
        throw new HttpProblem('invalidInput', 'the rule file does not compile', {
          diagnostics: diagnostics.map(diagnosticView(body.source, res)),
        });
      }
      const examples = runExamples(ruleSet).map((r) => ({
        title: r.title,
        passed: r.passed,
        failures: r.failures,
        decision: r.decision,
      }));
      const cases = (body.cases ?? []).map((testCase, index) => {
        const built = factsFromJson(testCase);
        if ('problems' in built) {
          throw new HttpProblem('invalidInput', `cases.${index}: ${built.problems[0]?.message}`, {
            invalidFields: built.problems.map((p) => ({
              field: `cases.${index}.${p.field}`,
              messages: [p.message],
            })),
          });
        }
        if (Number.isNaN(parseInstant(testCase.at))) {
          throw new HttpProblem(
            'invalidInput',
            `cases.${index}.at must be an ISO instant such as 2023-06-01T09:00:00+08:00`,
            {
              invalidFields: [{ field: `cases.${index}.at`, messages: ['not an ISO instant'] }],
            },
          );
        }
        return { title: testCase.title ?? `case ${index + 1}`, facts: built.facts, at: testCase.at };
      });
      const evaluations = cases.map((testCase) => ({
        title: testCase.title,
        decision: evaluate(ruleSet, testCase.facts, testCase.at),
      }));
      return {
        ruleSetId: ruleSet.id,
        version: ruleSet.version,
        examplesPassed: examples.every((e) => e.passed),
        examples,
        evaluations,
      };
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/campaigns/:id/rule-sets',
    summary:
      'Publish a new rule-set version for a campaign (it must compile and pass its examples); in effect from now: the open items are evaluated by it at once and the timers that touches recomputed, in one transaction. ?dryRun=true answers 200 with that diff and writes nothing',
    tag: 'rule sets',
    status: 201,
    dryRun: true,
    body: RuleSourceDto,
    query: RulePublishQueryDto,
    idempotent: true,
    handler: async ({ user, params, body, query, res }) => {
      const campaign = await loadStreamOf(context, 'campaign', params.id!);
      requireWithin(user, campaign.unitPath, Permission.publishRules);
      try {
        const report = await publishRuleSet(runtime, campaign.streamId, body.source, actorOf(user), {
          dryRun: query.dryRun === true,
          fileName: body.fileName,
          authorise: (stream) => requireWithin(user, stream.unitPath, Permission.publishRules),
        });
        if (report.dryRun) return report;
        const { published } = report;
        res.setHeader('Location', `/campaigns/${campaign.streamId}/rule-sets/${published.version}`);
        return { ...published, diff: report };
      } catch (error) {
        if (error instanceof RuleSetRejectedError) {
          throw new HttpProblem('invalidInput', error.message, {
            diagnostics: error.diagnostics.map(diagnosticView(body.source, res)),
          });
        }
        throw error;
      }
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/campaigns/:id/rule-sets/simulate',
    summary:
      'What-if: run a candidate rule set over the campaign’s recorded history and compare with the escalations issued (changes nothing)',
    tag: 'rule sets',
    body: RuleSimulateDto,
    query: RuleSimulateQueryDto,
    handler: async ({ user, params, body, query, res }) => {
      const campaign = await loadStreamOf(context, 'campaign', params.id!);
      requireWithin(user, campaign.unitPath, Permission.publishRules);
      try {
        return await simulateRuleSet(
          runtime.database,
          campaign.streamId,
          body.source,
          body.fileName ?? 'candidate.rules',
          { from: body.from ?? query.from, to: body.to ?? query.to },
        );
      } catch (error) {
        if (error instanceof RuleSetRejectedError) {
          throw new HttpProblem('invalidInput', error.message, {
            diagnostics: error.diagnostics.map(diagnosticView(body.source, res)),
          });
        }
        throw error;
      }
    },
  });

  const readableCampaign = async (user: Parameters<typeof isRelated>[0], id: string) => {
    const campaign = await loadStreamOf(context, 'campaign', id);
    requireRole(user, Permission.readAll);
    if (!isRelated(user, campaign.unitPath))
      throw forbidden(
        Permission.readAll.name,
        `campaign ${id} is run by ${campaign.unitId}, outside the line of ${user.unitId}`,
      );
    return campaign;
  };

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id/rule-sets',
    summary: 'The published rule-set versions of a campaign',
    tag: 'rule sets',
    handler: async ({ user, params }) => {
      await readableCampaign(user, params.id!);
      return { items: await runtime.ruleSets.list(params.id!) };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id/rule-failures',
    summary:
      'Rules that failed while evaluating (skipped; the commands went on): per rule, and the latest 50 occurrences',
    tag: 'rule sets',
    handler: async ({ user, params }) => {
      await readableCampaign(user, params.id!);
      const db = runtime.database.dataSource;
      return {
        summary: await summariseRuleFailures(db, params.id!),
        latest: await latestRuleFailures(db, params.id!, 50),
      };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id/rule-sets/:version',
    summary: 'One published version with its source',
    tag: 'rule sets',
    handler: async ({ user, params }) => {
      await readableCampaign(user, params.id!);
      const version = Number(params.version);
      const published = (await runtime.ruleSets.list(params.id!)).find((v) => v.version === version);
      if (!published) throw notFound('rule set version', `${params.id}@${params.version}`);
      return { ...published, source: await runtime.ruleSets.source(params.id!, version) };
    },
  });
  return router;
}
