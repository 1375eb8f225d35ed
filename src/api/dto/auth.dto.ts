import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** `POST /auth/login`. */
export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  username!: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;
}

/** `POST /auth/tokens`: an API token for an integration, acting as the calling user. */
export class CreateApiTokenDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}

/**
 * `POST /auth/refresh` and `POST /auth/logout`: the refresh token, unless the `zz_refresh` cookie
 * carries it (browsers).
 */
export class RefreshDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken?: string;
}
