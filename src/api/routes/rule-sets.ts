import { Router } from 'express';
import { checkRuleSource, RuleSetRejectedError } from '../../escalation';
import {
  defaultFacts,
  evaluate,
  formatDiagnostic,
  runExamples,
  type Diagnostic,
  type RuleFacts,
} from '../../rules';
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
      const { ruleSet, diagnostics } = checkRuleSource(body.source, fileName);
      return {
        ok: ruleSet !== null && diagnostics.length === 0,
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
      const evaluations = (body.cases ?? []).map((testCase, index) => {
        const base = defaultFacts();
        const facts = {
          item: { ...base.item, ...(testCase.item ?? {}) },
          unit: { ...base.unit, ...(testCase.unit ?? {}) },
          campaign: { ...base.campaign, ...(testCase.campaign ?? {}) },
          history: testCase.history ?? base.history,
        } as unknown as RuleFacts;
        try {
          return {
            title: testCase.title ?? `case ${index + 1}`,
            decision: evaluate(ruleSet, facts, testCase.at),
          };
        } catch (error) {
          throw new HttpProblem(
            'invalidInput',
            `cases.${index}: the facts cannot be evaluated: ${(error as Error).message}`,
            { invalidFields: [{ field: `cases.${index}`, messages: [(error as Error).message] }] },
          );
        }
      });
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
