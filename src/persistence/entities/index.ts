import { EventEntity } from './event.entity';
import { StreamEntity } from './stream.entity';
import { UnitEntity } from './unit.entity';
import { UserEntity } from './user.entity';

export { EventEntity, StreamEntity, UnitEntity, UserEntity };

/** Every TypeORM entity, for the DataSource. */
export const entities = [UnitEntity, UserEntity, StreamEntity, EventEntity];
