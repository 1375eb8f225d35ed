import { InitialSchema1732500000000 } from './1732500000000-initial-schema';

/** Every migration, oldest first. Later modules append theirs here. */
export const migrations = [InitialSchema1732500000000];
