import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  anchorOf,
  parseAnchorArgument,
  postAnchor,
  readRememberedAnchor,
  rememberedAnchorPath,
  writeAnchorFile,
  type CheckpointAnchor,
} from '../audit/anchor';
import { consoleReader, readerForUser, type AuditReader } from '../audit/access';
import { describeFinding, type Finding } from '../audit/findings';
import { keyIdOf, signingKeyFromEnvironment } from '../audit/keys';
import { AuditService } from '../audit/service';
import type { AsOf } from '../audit/timeline';
import { explainText, timelineText } from '../audit/auditor-text';
import { currentLang } from './lang';
import { verifyExportFile } from '../audit/verify-export';
import type { ScanMode } from '../audit/event-scan';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import { systemClock, type Clock } from '../shared/clock';
import { EvidenceService } from '../evidence/evidence-service';
import { blobKey, blobStoreFromEnvironment } from '../persistence/blob-store';
import { checkExportFiles, copyExportFiles } from '../audit/export-files';
import { ErrorCode, ZhengzhiError } from '../shared/errors';

/** What the audit commands need from outside; tests pass their own database, clock and output. */
export interface AuditCommandEnvironment {
  openDatabase?: () => Promise<Database>;
  clock?: Clock;
  out?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

interface ReaderOption {
  as?: string;
  json?: boolean;
}

const MODES = ['auto', 'copy', 'select'];

function invalid(message: string): ZhengzhiError {
  return new ZhengzhiError(ErrorCode.invalidInput, message);
}

function latestCheckpointLines(latest: CheckpointAnchor | null, rememberedIn: string | null): string[] {
  if (!latest) return [];
  return [
    `  latest checkpoint ${latest.id} (${latest.createdAt}, key ${latest.keyId}) hash ${latest.hash}${rememberedIn ? ` — remembered in ${rememberedIn}` : ''}`,
  ];
}

/**
 * `verify`, `replay` and `audit …`: verification of the hash chains and checkpoints (exit code 1 when
 * anything is found), time travel and the determinism check, timelines, explanations, exports, checkpoints
 * and the access log.
 */
export function registerAuditCommands(program: Command, environment: AuditCommandEnvironment = {}): void {
  const cli = auditCli(environment);
  registerVerify(program, cli);
  registerReplay(program, cli);
  const audit =
    program.commands.find((c) => c.name() === 'audit') ??
    program.command('audit').description('audit: checkpoints, timelines, explanations, exports');
  registerCheckpoint(audit, cli);
  registerExport(audit, cli);
  registerTimeline(audit, cli);
  registerExplain(audit, cli);
  registerReads(audit, cli);
  registerKeygen(audit, cli);
}

/** What every audit subcommand shares: output, the database opened per command, the trusted key. */
interface AuditCli {
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  clock: Clock;
  open: () => Promise<Database>;
  print(json: boolean | undefined, value: unknown, text: () => string[]): void;
  trustedKeyId(publicKeyFile?: string, keyId?: string): string | undefined;
  withService<T>(
    options: ReaderOption & { trustedKeyId?: string },
    work: (service: AuditService, reader: AuditReader) => Promise<T>,
  ): Promise<T>;
  stateDirectory(option?: string): string;
  reportFindings(findings: Finding[]): void;
}

function auditCli(environment: AuditCommandEnvironment): AuditCli {
  const env = environment.env ?? process.env;
  const out = environment.out ?? ((line: string) => console.log(line));
  const clock = environment.clock ?? systemClock;
  const open = environment.openDatabase ?? (() => openDatabaseFromEnvironment(env));
  const print = (json: boolean | undefined, value: unknown, text: () => string[]): void => {
    if (json) out(JSON.stringify(value, null, 2));
    else for (const line of text()) out(line);
  };
  const trustedKeyId = (publicKeyFile?: string, keyId?: string): string | undefined => {
    if (keyId) return keyId;
    if (publicKeyFile) {
      try {
        return keyIdOf(readFileSync(publicKeyFile, 'utf8'));
      } catch {
        throw invalid(`--public-key ${publicKeyFile} is not a readable public key (PEM)`);
      }
    }
    return env.ZHENGZHI_AUDIT_TRUSTED_KEY_ID || undefined;
  };

  async function withService<T>(
    options: ReaderOption & { trustedKeyId?: string },
    work: (service: AuditService, reader: AuditReader) => Promise<T>,
  ): Promise<T> {
    const database = await open();
    try {
      const key = signingKeyFromEnvironment(env);
      const evidence = new EvidenceService(database, blobStoreFromEnvironment(env), clock);
      const service = new AuditService(database, clock, { key, pinnedKeyId: options.trustedKeyId, evidence });
      const reader = options.as
        ? await readerForUser(database, options.as)
        : consoleReader(userInfo().username);
      return await work(service, reader);
    } finally {
      await database.close();
    }
  }

  const stateDirectory = (option?: string): string =>
    option ?? (env.ZHENGZHI_STATE_DIR || join(homedir(), '.zhengzhi'));

  const reportFindings = (findings: Finding[]): void => {
    for (const f of findings) out(`  ✗ ${describeFinding(f)}`);
    if (findings.length > 0) process.exitCode = 1;
  };
  return { env, out, clock, open, print, trustedKeyId, withService, stateDirectory, reportFindings };
}

function registerVerify(program: Command, cli: AuditCli): void {
  const { print, trustedKeyId, withService, stateDirectory, reportFindings } = cli;
  program
    .command('verify')
    .description(
      'recompute every hash chain and check the signed checkpoints and snapshots; exit 1 with findings',
    )
    .option('--stream <id>', 'only this stream')
    .option('--campaign <id>', 'only this campaign and its items and escalations')
    .option('--file <export.jsonl>', 'verify an export offline, without the database')
    .option(
      '--files <dir>',
      'with --file: check the evidence files the export cites (from `audit export --with-files`)',
    )
    .option('--no-snapshots', 'skip replaying streams against their stored snapshots')
    .option('--no-columns', 'chain only: skip comparing the column copies with the hashed bodies')
    .option('--mode <mode>', 'how to read events: auto, copy or select', 'auto')
    .option('--public-key <pem>', 'trust only checkpoints signed by this public key')
    .option('--trusted-key-id <id>', 'trust only checkpoints signed by this key id')
    .option(
      '--expect-checkpoint <hash|file>',
      'a checkpoint you hold outside the database (its hash, or a file from `audit checkpoint --out`): fail if it is gone',
    )
    .option(
      '--state-dir <dir>',
      'where verify remembers the latest checkpoint per trusted key (default $ZHENGZHI_STATE_DIR or ~/.zhengzhi)',
    )
    .option('--no-remember', 'neither check nor update the remembered checkpoint')
    .option('--as <userId>', 'read as this auditor (scoped to their unit subtree)')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        o: ReaderOption & {
          stream?: string;
          campaign?: string;
          file?: string;
          files?: string;
          snapshots: boolean;
          columns: boolean;
          mode: string;
          publicKey?: string;
          trustedKeyId?: string;
          expectCheckpoint?: string;
          stateDir?: string;
          remember: boolean;
        },
      ) => {
        if (!MODES.includes(o.mode))
          throw invalid(`--mode must be one of ${MODES.join(', ')}, not ${o.mode}`);
        const pinned = trustedKeyId(o.publicKey, o.trustedKeyId);
        if (o.file) return verifyExportCommand(cli, o.file, o.files, pinned, o.json);
        const given = o.expectCheckpoint ? [parseAnchorArgument(o.expectCheckpoint)] : [];
        await withService({ ...o, trustedKeyId: pinned }, async (service, reader) => {
          // The remembered checkpoint lives outside the database, one file per trusted key.
          const stateFile =
            o.remember && service.pinnedKeyId
              ? rememberedAnchorPath(stateDirectory(o.stateDir), service.pinnedKeyId)
              : null;
          const remembered = stateFile ? readRememberedAnchor(stateFile) : null;
          const report = await service.verify(reader, {
            streamId: o.stream,
            campaignId: o.campaign,
            snapshots: o.snapshots,
            columns: o.columns,
            mode: o.mode as ScanMode,
            anchors: [...given, ...(remembered ? [remembered] : [])],
          });
          if (report.ok && stateFile && report.latestCheckpoint)
            writeAnchorFile(stateFile, report.latestCheckpoint);
          print(o.json, report, () => [
            `${report.ok ? 'OK' : 'TAMPERED'}: ${report.eventsChecked} events in ${report.streamsChecked} streams, ${report.checkpointsChecked} checkpoint(s)`,
            ...latestCheckpointLines(report.latestCheckpoint, report.ok ? stateFile : null),
          ]);
          if (!o.json) reportFindings(report.findings);
          else if (!report.ok) process.exitCode = 1;
        });
      },
    );
}

/** `verify --file`: an export checked offline, without the database (and its evidence files with --files). */
async function verifyExportCommand(
  cli: AuditCli,
  file: string,
  filesDirectory: string | undefined,
  pinned: string | undefined,
  json: boolean | undefined,
): Promise<void> {
  const { print, reportFindings } = cli;
  const report = await verifyExportFile(file, { pinnedKeyId: pinned });
  if (filesDirectory) {
    const files = await checkExportFiles(file, filesDirectory);
    report.findings.push(...files.findings);
    report.ok = report.findings.length === 0;
    Object.assign(report, { filesChecked: files.checked });
  }
  print(json, report, () => [
    `${report.ok ? 'OK' : 'TAMPERED'}: ${file} — ${report.eventsChecked} events in ${report.streamsChecked} streams of campaign ${report.campaignId ?? '?'}`,
    report.checkpoint
      ? `  signed by key ${report.checkpoint.keyId} (checkpoint ${report.checkpoint.id}, ${report.checkpoint.createdAt})${pinned ? '' : ' — compare this key id with the one you were given'}`
      : '  no checkpoint: the chains are consistent, but nothing signed vouches for them',
    ...(report.eventsNotCovered > 0
      ? [`  ${report.eventsNotCovered} event(s) are newer than the checkpoint`]
      : []),
  ]);
  if (!json) reportFindings(report.findings);
  else if (!report.ok) process.exitCode = 1;
}

function registerReplay(program: Command, cli: AuditCli): void {
  const { print, withService, reportFindings } = cli;
  program
    .command('replay [streamId]')
    .description(
      "rebuild a stream's state as of an instant or sequence; --check replays every stream against its snapshot",
    )
    .option('--at <instant>', 'state as of this instant (ISO 8601)')
    .option('--sequence <n>', 'state after this sequence number')
    .option(
      '--check',
      'the determinism check: replay and compare with the stored snapshots; exit 1 on divergence',
    )
    .option('--as <userId>', 'read as this auditor')
    .option('--json', 'print JSON')
    .action(
      async (
        streamId: string | undefined,
        o: ReaderOption & { at?: string; sequence?: string; check?: boolean },
      ) => {
        if (o.at && o.sequence) throw invalid('give either --at or --sequence, not both');
        if (!o.check && !streamId) throw invalid('name a stream, or use --check');
        let asOf: AsOf = { until: o.at ?? '9999-12-31T23:59:59.999Z' };
        if (o.sequence !== undefined) {
          if (!/^\d+$/.test(o.sequence))
            throw invalid(`--sequence must be a whole number, not ${o.sequence}`);
          asOf = { toSequence: Number(o.sequence) };
        }
        await withService(o, async (service, reader) => {
          if (o.check) {
            const result = await service.replayCheck(reader, { streamId });
            print(o.json, result, () => [
              `${result.findings.length === 0 ? 'OK' : 'DIVERGED'}: replayed ${result.events} events of ${result.streams} streams`,
            ]);
            if (!o.json) reportFindings(result.findings);
            else if (result.findings.length > 0) process.exitCode = 1;
            return;
          }
          const at = await service.stateAt(reader, streamId!, asOf);
          print(o.json, at, () => [
            `${at.streamId} (${at.streamType}) at version ${at.version}: ${at.state ? at.state.value : 'did not exist yet'}`,
            ...(at.lastEvent
              ? [
                  `  last event ${at.lastEvent.sequence} ${at.lastEvent.type} by ${at.lastEvent.actorId} at ${at.lastEvent.occurredAt}`,
                ]
              : []),
            ...(at.state ? [JSON.stringify(at.state.context, null, 2)] : []),
          ]);
        });
      },
    );
}

function registerCheckpoint(audit: Command, cli: AuditCli): void {
  const { out, withService, stateDirectory, reportFindings } = cli;
  audit
    .command('checkpoint')
    .description(
      'sign a checkpoint over every event since the last one (key: ZHENGZHI_AUDIT_KEY or ZHENGZHI_AUDIT_KEY_FILE)',
    )
    .option('--force', 'sign even if verification finds something (the findings are printed)')
    .option(
      '--out <file>',
      'also write the checkpoint anchor (id, hash, key) to this file — keep it outside the database',
    )
    .option(
      '--post <url>',
      'also send the anchor as JSON to this http(s) endpoint (your own mailbox, ticket system …)',
    )
    .option('--state-dir <dir>', 'where the last signed checkpoint is remembered (as for verify)')
    .action(async (o: { force?: boolean; out?: string; post?: string; stateDir?: string }) => {
      await withService({}, async (service, reader) => {
        // The signer too remembers its last checkpoint outside the database: deleted checkpoints are not re-signed over.
        const stateFile = service.pinnedKeyId
          ? rememberedAnchorPath(stateDirectory(o.stateDir), service.pinnedKeyId)
          : null;
        const remembered = stateFile ? readRememberedAnchor(stateFile) : null;
        const report = await service.verify(reader, {
          snapshots: false,
          anchors: remembered ? [remembered] : [],
          requireCheckpoint: remembered !== null,
        });
        if (!report.ok) {
          reportFindings(report.findings);
          if (!o.force)
            throw invalid(
              `refusing to sign a log with ${report.findings.length} finding(s); investigate, or use --force`,
            );
        }
        const c = await service.checkpoint(reader);
        out(
          c
            ? `checkpoint ${c.id}: positions ${c.fromPosition}–${c.toPosition}, ${c.eventCount} events, ${c.streamCount} streams, key ${c.keyId}`
            : 'nothing new since the last checkpoint',
        );
        if (!c) return;
        const anchor = anchorOf(c);
        if (stateFile) writeAnchorFile(stateFile, anchor);
        out(`  hash ${c.hash} — keep it outside the database; verify --expect-checkpoint ${c.hash}`);
        if (o.out) {
          writeAnchorFile(o.out, anchor);
          out(`  wrote ${o.out}`);
        }
        if (o.post) {
          await postAnchor(o.post, anchor);
          out(`  sent to ${o.post}`);
        }
      });
    });
}

function registerExport(audit: Command, cli: AuditCli): void {
  const { env, out, withService } = cli;
  audit
    .command('export')
    .description("write a campaign's verifiable history (JSON Lines) for offline verification")
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--out <file>', 'output file (.jsonl)')
    .option('--as <userId>', 'export as this auditor')
    .option(
      '--with-files <dir>',
      'also copy every evidence file the export cites into <dir> (named by SHA-256)',
    )
    .action(async (o: ReaderOption & { campaign: string; out: string; withFiles?: string }) => {
      await withService(o, async (service, reader) => {
        const s = await service.exportCampaign(reader, o.campaign, o.out);
        out(
          `wrote ${s.file}: ${s.events} events in ${s.streams} streams${s.checkpointId ? `, signed checkpoint ${s.checkpointId}` : ' (no checkpoint: configure a key to sign exports)'}`,
        );
        if (o.withFiles) {
          const blobs = blobStoreFromEnvironment(env);
          const copied = await copyExportFiles(o.out, o.withFiles, (sha256) => blobs.get(blobKey(sha256)));
          out(`copied ${copied.copied} evidence file(s) to ${o.withFiles}`);
          if (copied.missing.length > 0)
            throw invalid(`evidence missing from the store: ${copied.missing.join(', ')}`);
        }
      });
    });
}

function registerTimeline(audit: Command, cli: AuditCli): void {
  const { print, withService } = cli;
  audit
    .command('timeline <streamId>')
    .description('every event of a stream: actor, unit, time, state before and after, escalations produced')
    .option('--as <userId>', 'read as this auditor')
    .option('--json', 'print JSON')
    .option('--lang <zh|en>', 'labels and Asia/Shanghai time in Chinese (default: from LANG)')
    .action(async (streamId: string, o: ReaderOption & { lang?: string }) => {
      await withService(o, async (service, reader) => {
        const t = await service.timeline(reader, streamId);
        print(o.json, t, () => timelineText(t, currentLang(o.lang)));
      });
    });
}

function registerExplain(audit: Command, cli: AuditCli): void {
  const { print, withService } = cli;
  audit
    .command('explain <streamId>')
    .description(
      'why a stream is in its state and what it waits for; for an escalation, its rule, facts and trigger',
    )
    .option('--as <userId>', 'read as this auditor')
    .option('--json', 'print JSON')
    .option('--lang <zh|en>', 'labels and Asia/Shanghai time in Chinese (default: from LANG)')
    .action(async (streamId: string, o: ReaderOption & { lang?: string }) => {
      await withService(o, async (service, reader) => {
        const x = await service.explain(reader, streamId);
        print(o.json, x, () => explainText(x, currentLang(o.lang)));
      });
    });
}

function registerReads(audit: Command, cli: AuditCli): void {
  const { print, withService } = cli;
  audit
    .command('reads')
    .description('the access log: who read which history when')
    .option('--reader <id>', 'only this reader')
    .option('--limit <n>', 'how many (newest first)', '50')
    .option('--json', 'print JSON')
    .action(async (o: { reader?: string; limit: string; json?: boolean }) => {
      if (!/^\d+$/.test(o.limit)) throw invalid(`--limit must be a whole number, not ${o.limit}`);
      await withService({}, async (service, reader) => {
        const reads = await service.reads(reader, { readerId: o.reader, limit: Number(o.limit) });
        print(o.json, reads, () =>
          reads.map(
            (r) => `${r.at} ${r.readerId} ${r.action} ${r.subject}${r.details.refused ? ' (refused)' : ''}`,
          ),
        );
      });
    });
}

function registerKeygen(audit: Command, cli: AuditCli): void {
  const { out } = cli;
  audit
    .command('keygen')
    .description('generate an Ed25519 checkpoint key (PEM, mode 0600); keep it out of the repository')
    .requiredOption('--out <file>', 'where to write the private key')
    .action((o: { out: string }) => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      writeFileSync(o.out, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      writeFileSync(`${o.out}.pub`, pem, { flag: 'wx' });
      out(
        `wrote ${o.out} and ${o.out}.pub; key id ${keyIdOf(pem)} — give auditors this id; set ZHENGZHI_AUDIT_KEY_FILE=${o.out}`,
      );
    });
}
