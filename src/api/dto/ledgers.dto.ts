import { QueryBoolean } from './common.dto';
import { IsBoolean, IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** `GET /campaigns/:campaignId/{ledger,clues,supervision}.xlsx`: which rows. */
export class LedgerExportQueryDto {
  /** The unit and its subtree (default: the caller's unit). */
  @IsOptional() @IsString() @MaxLength(100) unitId?: string;
  /** Comma-separated item states. */
  @IsOptional() @IsString() @MaxLength(300) state?: string;
}

/** `POST /campaigns/:campaignId/{ledger,clues}/import`: the .xlsx file, base64-encoded in JSON. */
export class LedgerImportDto {
  /** The workbook's bytes, base64 (the API takes JSON bodies only; the body limit applies). */
  @IsString() @IsNotEmpty() file!: string;
  @IsOptional() @IsString() @MaxLength(200) fileName?: string;
  @IsOptional() @IsBoolean() takeGoodRows?: boolean;
  /** The sheet to read (default: 整改工作台账, else the first whose header row matches). */
  @IsOptional() @IsString() @MaxLength(100) sheet?: string;
  /** Check every row and report every located problem; write nothing. */
  @IsOptional() @IsBoolean() dryRun?: boolean;
}

/**
 * `POST /campaigns/:campaignId/{ledger,clues}/upload`: the workbook itself as the body (multipart/form-data
 * with a field `file`, or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet); options here.
 */
export class LedgerUploadQueryDto {
  @IsOptional() @IsString() @MaxLength(200) fileName?: string;
  @IsOptional() @IsString() @MaxLength(100) sheet?: string;
  @IsOptional() @QueryBoolean() @IsBoolean() takeGoodRows?: boolean;
  @IsOptional() @QueryBoolean() @IsBoolean() dryRun?: boolean;
}

/** `GET /campaigns/:campaignId/bulletin`: the period and the format. */
export class BulletinQueryDto {
  @IsISO8601({ strict: true }) from!: string;
  @IsISO8601({ strict: true }) to!: string;
  @IsOptional() @IsIn(['html', 'pdf', 'json']) format?: 'html' | 'pdf' | 'json';
  @IsOptional() @IsString() @MaxLength(100) issue?: string;
}
