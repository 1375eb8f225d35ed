import { IsBoolean, IsOptional } from 'class-validator';
import { QueryBoolean, VersionedCommandDto } from './common.dto';
import { Instant, RequiredText } from './item-commands.dto';

/** `?dryRun=true`: show what the change would do (timers, overdue marks, escalations) and write nothing. */
export class DryRunQueryDto {
  @IsOptional() @QueryBoolean() @IsBoolean() dryRun?: boolean;
}

/** `POST /items/:id/commands/change-deadline`: a supervisor moves the rectification deadline, either way. */
export class ChangeDeadlineDto extends VersionedCommandDto {
  @Instant() deadline!: string;
  @RequiredText() reason!: string;
}
