import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from './common.dto';
import { ITEM_STATES } from './items.dto';

/** `GET /worklist`: the caller's 我的待办, paged, filtered and searched. */
export class WorklistQueryDto extends PageQueryDto {
  /** Searched in the item id, its title (具体表现 or the clue) and the clue's description. */
  @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) q?: string;
  @IsOptional() @IsString() @MaxLength(100) campaignId?: string;
  @IsOptional() @IsIn(ITEM_STATES) state?: string;
  /** The unit and its subtree. */
  @IsOptional() @IsString() @MaxLength(100) unitId?: string;
}
