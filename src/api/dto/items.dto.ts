import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';
import { ClueSource } from '../../machines/item-types';
import { PageQueryDto, QueryBoolean } from './common.dto';
import { codesOf } from '../../vocabulary/labels';

/** The states of a problem item, for filters. */
export const ITEM_STATES = codesOf('itemState');

/** `POST /items`: register a clue (线索登记). */
export class RegisterItemDto {
  @IsString() @IsNotEmpty() @MaxLength(100) campaignId!: string;
  /** The unit the clue is about; the item belongs to its subtree. */
  @IsString() @IsNotEmpty() @MaxLength(100) reportedUnitId!: string;
  @IsIn(Object.values(ClueSource)) source!: ClueSource;
  @IsOptional() @IsString() @MaxLength(200) channel?: string;
  @IsString() @IsNotEmpty() @MaxLength(4000) description!: string;
  @IsISO8601({ strict: true }) receivedAt!: string;
  @IsOptional() @IsString() @MaxLength(200) reporter?: string;
  @IsOptional() @IsInt() @Min(1) ledgerNumber?: number;
}

/** `GET /items`: filters over the `streams` projection, within the caller's subtree. */
export class ListItemsQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(ITEM_STATES) state?: string;
  @IsOptional() @IsString() @MaxLength(100) category?: string;
  /** The unit and its subtree. */
  @IsOptional() @IsString() @MaxLength(100) unitId?: string;
  @IsOptional() @QueryBoolean() @IsBoolean() overdue?: boolean;
  @IsOptional() @IsString() @MaxLength(100) campaignId?: string;
}

/** `GET /items/:id/history`: optionally the state as of a sequence number (for auditors). */
export class HistoryQueryDto {
  @IsOptional() @IsInt() @Min(1) toSequence?: number;
}
