import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Role } from '../../persistence/entities/user.entity';
import { UnitLevel } from '../../persistence/entities/unit.entity';
import { PageQueryDto } from './common.dto';

/** `POST /units`: a unit below one in the caller's subtree. */
export class CreateUnitDto {
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,100}$/) id!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
  @IsIn(Object.values(UnitLevel)) level!: UnitLevel;
  @IsString() @IsNotEmpty() @MaxLength(100) parentId!: string;
}

/** `POST /users`: a user of a unit in the caller's subtree. Without a password the user cannot log in. */
export class CreateUserDto {
  @IsString() @Matches(/^[A-Za-z0-9_.-]{1,100}$/) id!: string;
  @IsString() @Matches(/^[A-Za-z0-9_.@-]{2,100}$/) username!: string;
  @IsString() @IsNotEmpty() @MaxLength(200) displayName!: string;
  @IsIn(Object.values(Role)) role!: Role;
  @IsString() @IsNotEmpty() @MaxLength(100) unitId!: string;
  @IsOptional() @IsBoolean() isPrincipal?: boolean;
  /** At least 12 characters; stored only as a scrypt hash. */
  @IsOptional() @IsString() @MinLength(12) @MaxLength(200) password?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @IsOptional() @IsString() @MaxLength(100) unitId?: string;
  @IsOptional() @IsIn(Object.values(Role)) role?: string;
}
