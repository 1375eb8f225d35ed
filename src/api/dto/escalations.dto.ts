import { Type } from 'class-transformer';
import { DryRunQueryDto } from './deadline-changes.dto';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ESCALATION_MEASURES } from '../../machines/escalation-types';
import { PageQueryDto, QueryBoolean, VersionedCommandDto } from './common.dto';
import { IsBoolean } from 'class-validator';

export const ESCALATION_STATES = [
  'issued',
  'acknowledged',
  'responded',
  'lifted',
  'steppedUp',
  'voided',
] as const;

/** `GET /escalations`: within the caller's subtree. */
export class ListEscalationsQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(ESCALATION_STATES) state?: string;
  @IsOptional() @IsIn(ESCALATION_MEASURES) measure?: string;
  @IsOptional() @IsString() @MaxLength(100) campaignId?: string;
  @IsOptional() @IsString() @MaxLength(100) itemId?: string;
  @IsOptional() @IsString() @MaxLength(100) unitId?: string;
  @IsOptional() @QueryBoolean() @IsBoolean() overdue?: boolean;
}

export class AcknowledgeDto extends VersionedCommandDto {
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class RespondDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(4000) response!: string;
}

/** 督办台账 follow-up of a listed supervision. */
export class RecordFollowUpDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(4000) note!: string;
}

/** 纪法衔接闭环: the outcome of a referral. */
export class RecordOutcomeDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(4000) outcome!: string;
}

export class LiftDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(2000) reason!: string;
}

/** A supervisor keeps a measure that a later suppression (容错免责) flagged for review, saying why. */
export class KeepAfterReviewDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(2000) note!: string;
}

/** A rule file (`.rules` text) to check, test or publish. */
export class RuleSourceDto {
  @IsString() @IsNotEmpty() @MaxLength(200_000) source!: string;
  @IsOptional() @IsString() @Matches(/^[\w.\-\u4e00-\u9fff]{1,100}$/) fileName?: string;
}

/** `POST /campaigns/:id/rule-sets/simulate`: a candidate rule file and the window of history to run it over. */
export class RuleSimulateDto extends RuleSourceDto {
  /** ISO instant; default: when the campaign's first rule set was published. */
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  /** ISO instant; default: the last recorded instant. */
  @IsOptional() @IsString() @MaxLength(40) to?: string;
}

/** The window as query parameters (for a workbook uploaded as the body). */
export class RuleSimulateQueryDto {
  /** The uploaded workbook's name (read by the workbook body parser, for located diagnostics). */
  @IsOptional() @IsString() @MaxLength(100) fileName?: string;
  @IsOptional() @IsString() @MaxLength(40) from?: string;
  @IsOptional() @IsString() @MaxLength(40) to?: string;
}

/** `POST /campaigns/:id/rule-sets`: `?dryRun=true` shows what publishing does and writes nothing. */
export class RulePublishQueryDto extends DryRunQueryDto {
  /** The uploaded workbook's name (read by the workbook body parser, for located diagnostics). */
  @IsOptional() @IsString() @MaxLength(100) fileName?: string;
}

/** Facts to evaluate a rule set on: each scope overrides the defaults an in-file example starts from. */
export class RuleTestCaseDto {
  @IsOptional() @IsString() @MaxLength(200) title?: string;
  @IsISO8601({ strict: true }) at!: string;
  @IsOptional() @IsObject() item?: Record<string, unknown>;
  @IsOptional() @IsObject() unit?: Record<string, unknown>;
  @IsOptional() @IsObject() campaign?: Record<string, unknown>;
  @IsOptional() @IsArray() @ArrayMaxSize(100) history?: Array<Record<string, unknown>>;
}

/** `POST /rule-sets/test`: run the file's own examples, and evaluate it on the given cases. */
export class RuleTestDto extends RuleSourceDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => RuleTestCaseDto)
  cases?: RuleTestCaseDto[];
}
