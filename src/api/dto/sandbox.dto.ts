import { IsISO8601 } from 'class-validator';

/** `POST /sandbox/clock`: the instant to move the sandbox clock to (forward only). */
export class MoveSandboxClockDto {
  @IsISO8601({ strict: true }) to!: string;
}
