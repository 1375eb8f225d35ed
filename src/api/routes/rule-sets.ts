import { Router } from 'express';
import { checkRuleSource, RuleSetRejectedError } from '../../escalation';
import { evaluate, factsFromJson, formatDiagnostic, runExamples, type Diagnostic } from '../../rules';
import { parseInstant } from '../../rules/instants';
import { latestRuleFailures, summariseRuleFailures } from '../../persistence/rule-failures';
import { isRelated, Permission, requireRole, requireWithin } from '../authz';
import { actorOf, loadStreamOf } from '../commands';
import type { ApiContext } from '../context';
import { RuleSourceDto, RuleTestDto } from '../dto/escalations.dto';
import { endpoint } from '../endpoint';
import { forbidden, HttpProblem, notFound } from '../problem';

const diagnosticView = (source: string) => (d: Diagnostic) => ({
  ...d,
  formatted: formatDiagnostic(d, source),
});

/** Rule sets: check and test a file, publish a new version for a campaign, list and read versions. */
export function ruleSetsRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  endpoint(router, context, {
    method: 'post',
    path: '/rule-sets/check',
    summary: 'Compile a rule file and run its examples; report located diagnostics (changes nothing)',
    tag: 'rule sets',
    body: RuleSourceDto,
    handler: async ({ user, body }) => {
      requireRole(user, Permission.publishRules);
      const fileName = body.fileName ?? 'upload.rules';
      const { ruleSet, diagnostics, errors } = checkRuleSource(body.source, fileName);
      return {
        ok: ruleSet !== null && errors === 0,
        ruleSetId: ruleSet?.id ?? null,
        version: ruleSet?.version ?? null,
        ruleCount: ruleSet?.rules.length ?? null,
        diagnostics: diagnostics.map(diagnosticView(body.source)),
      };
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/rule-sets/test',
    summary: 'Run a rule file’s examples and evaluate it on given facts (changes nothing)',
    tag: 'rule sets',
    body: RuleTestDto,
    handler: async ({ user, body }) => {
      requireRole(user, Permission.publishRules);
      const fileName = body.fileName ?? 'upload.rules';
      const { ruleSet, diagnostics } = checkRuleSource(body.source, fileName);
      if (!ruleSet) {
        throw new HttpProblem('invalidInput', 'the rule file does not compile', {
          diagnostics: diagnostics.map(diagnosticView(body.source)),
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
      'Publish a new rule-set version for a campaign (it must compile and pass its examples); in effect from now',
    tag: 'rule sets',
    status: 201,
    body: RuleSourceDto,
    idempotent: true,
    handler: async ({ user, params, body, res }) => {
      const campaign = await loadStreamOf(context, 'campaign', params.id!);
      requireWithin(user, campaign.unitPath, Permission.publishRules);
      try {
        const published = await runtime.ruleSets.publish(
          campaign.streamId,
          body.source,
          actorOf(user),
          runtime.clock.now().toISOString(),
          body.fileName,
        );
        res.setHeader('Location', `/campaigns/${campaign.streamId}/rule-sets/${published.version}`);
        return published;
      } catch (error) {
        if (error instanceof RuleSetRejectedError) {
          throw new HttpProblem('invalidInput', error.message, {
            diagnostics: error.diagnostics.map(diagnosticView(body.source)),
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
