import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PHASE_ORDER, type Phase } from '../../machines/campaign-types';
import { campaignTemplates } from '../../machines/campaign-templates';
import { PageQueryDto, VersionedCommandDto } from './common.dto';

export class CategoryDto {
  @IsString() @Matches(/^[a-z][a-z0-9_]*$/) @MaxLength(60) code!: string;
  @IsString() @IsNotEmpty() @MaxLength(100) label!: string;
}

export class ChecklistItemDto {
  @IsInt() @Min(1) number!: number;
  @IsString() @IsNotEmpty() @MaxLength(100) area!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) heading!: string;
  @IsString() @IsNotEmpty() @MaxLength(1000) text!: string;
}

/** Phase deadlines (ISO instants); consolidate is open-ended. */
export class DeadlinesDto {
  @IsOptional() @IsISO8601({ strict: true }) mobilize?: string;
  @IsOptional() @IsISO8601({ strict: true }) identify?: string;
  @IsOptional() @IsISO8601({ strict: true }) rectify?: string;
  @IsOptional() @IsISO8601({ strict: true }) summarize?: string;
  @IsOptional() @IsISO8601({ strict: true }) consolidate?: string;
}

export class ObligationDto {
  @IsString() @Matches(/^[a-z][a-z0-9_]*$/) @MaxLength(60) code!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) label!: string;
  @IsIn(PHASE_ORDER) phase!: Phase;
}

/** `POST /campaigns`: from a template (`xining-2023` …) and/or explicit fields; explicit fields win. */
export class CreateCampaignDto {
  @IsOptional() @IsIn(Object.keys(campaignTemplates)) template?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,100}$/) campaignId?: string;
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  /** The unit that runs the campaign (in the caller's subtree). */
  @IsString() @IsNotEmpty() @MaxLength(100) unitId!: string;
  @IsOptional() @IsString() @MaxLength(100) parentCampaignId?: string;
  /** `standing`: a long-term mechanism (长效机制) without phases, with look-back rounds (template rushan-long-term). */
  @IsOptional() @IsIn(['campaign', 'standing']) kind?: 'campaign' | 'standing';
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CategoryDto)
  categories?: CategoryDto[];
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemDto)
  checklist?: ChecklistItemDto[];
  @IsOptional() @ValidateNested() @Type(() => DeadlinesDto) deadlines?: DeadlinesDto;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ObligationDto)
  obligations?: ObligationDto[];
}

export class ListCampaignsQueryDto extends PageQueryDto {
  @IsOptional() @IsIn([...PHASE_ORDER, 'standing', 'finished']) state?: string;
}

export class SetPhaseDeadlineDto extends VersionedCommandDto {
  @IsIn(PHASE_ORDER) phase!: Phase;
  @IsISO8601({ strict: true }) deadline!: string;
}

export class SetCategoriesDto extends VersionedCommandDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CategoryDto)
  categories!: CategoryDto[];
}

export class SetChecklistDto extends VersionedCommandDto {
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemDto)
  checklist!: ChecklistItemDto[];
}

export class AddObligationDto extends VersionedCommandDto {
  @IsString() @Matches(/^[a-z][a-z0-9_]*$/) @MaxLength(60) code!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) label!: string;
  @IsIn(PHASE_ORDER) phase!: Phase;
}

export class FulfilObligationDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(60) code!: string;
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

/** Move to the next phase; refused while the phase's obligations or confirmed items are open. */
export class AdvancePhaseDto extends VersionedCommandDto {
  /** Proceed although sub-campaigns lag or have open items; recorded with the event. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000) overrideReason?: string;
}

export class FinishCampaignDto extends VersionedCommandDto {
  /** Finish although sub-campaigns are unfinished or have open items; recorded with the event. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(2000) overrideReason?: string;
}

/** A reporting cadence (China Standard Time): 江源 8/18/28 18:00, 湛江 Monday and Wednesday 09:00. */
export class ReportingCadenceDto {
  @IsIn(['monthDays', 'weekdays']) kind!: 'monthDays' | 'weekdays';
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(31) @IsInt({ each: true }) days!: number[];
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/) time!: string;
}

/**
 * `set-reporting`: who must report and when; the scheduler fires each due instant (漏报 when missed).
 * Without `cadence`, the seed cadence of the campaign's template (江源 8/18/28 18:00, 湛江 周一周三 09:00).
 */
export class SetReportingDto extends VersionedCommandDto {
  @IsOptional() @ValidateNested() @Type(() => ReportingCadenceDto) cadence?: ReportingCadenceDto;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  unitIds!: string[];
  /** The last instant a report can fall due (ISO); absent: the cadence runs as long as the campaign. */
  @IsOptional() @IsISO8601({ strict: true }) until?: string;
}

/** `submit-report`: a unit's report for one due instant. */
export class SubmitReportDto extends VersionedCommandDto {
  @IsString() @IsNotEmpty() @MaxLength(100) unitId!: string;
  @IsISO8601({ strict: true }) dueAt!: string;
}

/** Start a look-back round (回头看) of a standing mechanism: every closed item is looked at again. */
export class StartLookBackRoundDto extends VersionedCommandDto {
  @IsOptional() @IsString() @MaxLength(2000) note?: string;
}
