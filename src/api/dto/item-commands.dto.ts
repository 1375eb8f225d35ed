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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { CORRECTABLE_STATES } from '../../machines/item-corrections';
import { Severity } from '../../machines/item-types';
import { VersionedCommandDto } from './common.dto';

const Text = (max = 2000) => [IsString(), IsNotEmpty(), MaxLength(max)];
/** Applies several property decorators. */
const all =
  (...decorators: PropertyDecorator[]): PropertyDecorator =>
  (target, key) => {
    for (const d of decorators) d(target, key);
  };
export const RequiredText = (max?: number) => all(...Text(max));
const OptionalText = (max?: number) => all(IsOptional(), ...Text(max));
export const Instant = () => all(IsISO8601({ strict: true }));
const EvidenceList = () =>
  all(IsArray(), ArrayMaxSize(50), IsString({ each: true }), MaxLength(500, { each: true }));
/** SHA-256 ids of files uploaded to the item (POST /items/:id/evidence); the event cites them by hash. */
const FileList = () =>
  all(
    IsArray(),
    ArrayMaxSize(50),
    Matches(/^[0-9a-fA-F]{64}$/, {
      each: true,
      message: 'each file must be the SHA-256 id of an uploaded file',
    }),
  );

/** 核查: assign the clue to a unit and officer with a verification deadline. */
export class AssignVerificationDto extends VersionedCommandDto {
  @RequiredText(100) unitId!: string;
  @RequiredText(100) officerId!: string;
  @Instant() deadline!: string;
}

/** 查实: the problem is confirmed, with its category and (optionally) its checklist item. */
export class ConfirmDto extends VersionedCommandDto {
  @RequiredText(100) category!: string;
  @IsOptional() @ValidateIf((_o, v) => v !== null) @IsInt() @Min(1) checklistItem?: number | null;
  @IsIn(Object.values(Severity)) severity!: Severity;
  @RequiredText() findings!: string;
}

/** 查否 proposal by the handler (the caller becomes the handler). */
export class ProposeDismissalDto extends VersionedCommandDto {
  @RequiredText() reason!: string;
}

/** 查否 sign-off by the handling unit's principal leader (the caller). */
export class ApproveDismissalDto extends VersionedCommandDto {}

export class WithdrawDismissalDto extends VersionedCommandDto {
  @RequiredText() reason!: string;
}

/** 移送: outside the bureau's remit. */
export class TransferDto extends VersionedCommandDto {
  @RequiredText(200) to!: string;
  @RequiredText() reason!: string;
}

/** Opens the 整改工作台账 row. */
export class StartRectificationDto extends VersionedCommandDto {
  @RequiredText() manifestation!: string;
  @RequiredText() measures!: string;
  @RequiredText(100) responsibleUnitId!: string;
  @RequiredText(100) responsiblePerson!: string;
  @Instant() deadline!: string;
}

export class UpdateLedgerDto extends VersionedCommandDto {
  @OptionalText() manifestation?: string;
  @OptionalText() measures?: string;
  @OptionalText(100) responsibleUnitId?: string;
  @OptionalText(100) responsiblePerson?: string;
  @IsOptional() @Instant() deadline?: string;
}

export class RecordProgressDto extends VersionedCommandDto {
  @RequiredText() note!: string;
  @IsOptional() @EvidenceList() evidence?: string[];
  @IsOptional() @FileList() files?: string[];
}

export class RecordAccountabilityDto extends VersionedCommandDto {
  @RequiredText() accountability!: string;
}

/** 长期推进. */
export class MarkLongTermDto extends VersionedCommandDto {
  @RequiredText() currentResult!: string;
  @RequiredText() longTermMeasures!: string;
}

export class ExtendDeadlineDto extends VersionedCommandDto {
  @Instant() deadline!: string;
  @RequiredText() reason!: string;
}

export class SubmitForAcceptanceDto extends VersionedCommandDto {
  @RequiredText() result!: string;
  /** Names or descriptions of further evidence (optional, beside the stored files). */
  @IsOptional() @EvidenceList() evidence?: string[];
  /** At least one stored file: acceptance relies on what the record can produce, not on a name. */
  @FileList()
  @ArrayMinSize(1, { message: 'files must name at least one uploaded evidence file' })
  files!: string[];
}

/** 销号. */
export class AcceptDto extends VersionedCommandDto {
  @OptionalText() note?: string;
}

export class RejectDto extends VersionedCommandDto {
  @RequiredText() reason!: string;
}

/** 回头看. */
export class StartLookBackDto extends VersionedCommandDto {
  @OptionalText() note?: string;
}

export class PassLookBackDto extends VersionedCommandDto {
  @RequiredText() note!: string;
}

/** 反弹: the problem came back. */
export class ReboundDto extends VersionedCommandDto {
  @RequiredText() note!: string;
}

export class ResumeRectificationDto extends VersionedCommandDto {
  @Instant() deadline!: string;
  @OptionalText() measures?: string;
}

export class AddTagDto extends VersionedCommandDto {
  @RequiredText(100) tag!: string;
}

export class RecordComplaintDto extends VersionedCommandDto {
  @Instant() receivedAt!: string;
  @OptionalText() note?: string;
}

/** The fields a correction may set (all optional; unknown fields are refused). */
export class CorrectionFieldsDto {
  @OptionalText(100) category?: string;
  @IsOptional() @IsIn(Object.values(Severity)) severity?: Severity;
  @IsOptional() @IsISO8601({ strict: true }) deadline?: string;
  @OptionalText(100) responsibleUnitId?: string;
  @OptionalText(100) verificationUnitId?: string;
}

/** 更正申请: names the event it corrects, the state and fields it should lead to, and why (the caller requests). */
export class RequestCorrectionDto extends VersionedCommandDto {
  @IsInt() @Min(1) corrects!: number;
  @IsIn([...CORRECTABLE_STATES]) targetState!: string;
  @IsOptional() @ValidateNested() @Type(() => CorrectionFieldsDto) fields?: CorrectionFieldsDto;
  @RequiredText() reason!: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  voidEscalations?: string[];
}

/** 更正审批: a second person with the right approves (the caller). */
export class ApproveCorrectionDto extends VersionedCommandDto {
  @OptionalText() note?: string;
}

/** The requester withdraws, or someone with the right refuses (the caller). */
export class RefuseCorrectionDto extends VersionedCommandDto {
  @RequiredText() reason!: string;
}
