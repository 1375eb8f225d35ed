import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { NOTIFICATION_KINDS } from '../../notifications/kinds';
import { PERSONAL_CHANNELS } from '../../notifications/preferences';
import { TEMPLATE_LIMITS } from '../../notifications/templates';
import { PageQueryDto, QueryBoolean } from './common.dto';

/** `GET /notifications`: the caller's own inbox. */
export class InboxQueryDto extends PageQueryDto {
  @IsOptional() @QueryBoolean() @IsBoolean() unread?: boolean;
  @IsOptional() @IsIn(NOTIFICATION_KINDS) kind?: string;
}

/** `POST /notifications/read`: some of the caller's notifications, or all. */
export class MarkReadDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  ids?: string[];
  @IsOptional() @IsBoolean() all?: boolean;
}

export class QuietHoursDto {
  @IsInt() @Min(0) @Max(23) start!: number;
  @IsInt() @Min(0) @Max(23) end!: number;
}

/** `PUT /notifications/preferences`: the caller's own. */
export class PreferencesDto {
  @IsArray() @ArrayMaxSize(2) @IsIn(PERSONAL_CHANNELS, { each: true }) channels!: Array<
    (typeof PERSONAL_CHANNELS)[number]
  >;
  @IsOptional() @IsEmail() @MaxLength(200) email?: string | null;
  @IsOptional() @ValidateNested() @Type(() => QuietHoursDto) quietHours?: QuietHoursDto | null;
  @IsBoolean() digest!: boolean;
}

/** `PUT /notification-templates/:kind`. */
export class TemplateDto {
  @IsString() @IsNotEmpty() @MaxLength(TEMPLATE_LIMITS.subject) subject!: string;
  @IsString() @IsNotEmpty() @MaxLength(TEMPLATE_LIMITS.body) body!: string;
}

/** `POST /notification-endpoints`: a webhook or RabbitMQ endpoint for the event log. */
export class EndpointDto {
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.-]{1,100}$/) id?: string;
  @IsIn(['webhook', 'amqp']) kind!: 'webhook' | 'amqp';
  @IsString() @IsNotEmpty() @MaxLength(2000) url!: string;
  @IsOptional() @IsString() @MinLength(16) @MaxLength(200) secret?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_.:-]{1,200}$/) exchange?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/^(event|notification)(\.[A-Za-z0-9_]+)*(\.\*)?$|^\*$/, { each: true })
  topics?: string[];
  @IsOptional() @IsBoolean() active?: boolean;
}

export class DeliveriesQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['pending', 'delivered', 'dead']) status?: string;
  @IsOptional() @IsIn(['email', 'webhook', 'amqp']) channel?: string;
  @IsOptional() @IsString() @MaxLength(200) target?: string;
}

/** `POST /notification-deliveries/redeliver`: by id, or every dead one (optionally of one target). */
export class RedeliverDto {
  @IsOptional() @IsArray() @ArrayMaxSize(1000) @IsInt({ each: true }) @Min(1, { each: true }) ids?: number[];
  @IsOptional() @IsBoolean() dead?: boolean;
  @IsOptional() @IsString() @MaxLength(200) target?: string;
}
