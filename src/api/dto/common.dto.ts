import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';

/** Query strings carry text: "true"/"false" → boolean (implicit conversion would make "false" true). */
export const QueryBoolean = () =>
  Transform(({ obj, key }) => {
    const raw = (obj as Record<string, unknown>)[key];
    return raw === 'true' ? true : raw === 'false' ? false : raw;
  });

/** Offset pagination shared by the list endpoints. */
export class PageQueryDto {
  /** Rows per page (1–200, default 50). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  /** Rows to skip. */
  @IsOptional()
  @IsInt()
  @Min(0)
  offset: number = 0;
}

/** Optimistic concurrency in a command body (the `If-Match` header is the alternative). */
export class VersionedCommandDto {
  /** The stream version the client saw; the command fails with 409 if the stream has moved on. */
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export { IsBoolean };
