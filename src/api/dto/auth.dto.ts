import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

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
