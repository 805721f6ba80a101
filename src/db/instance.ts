import { randomBytes } from 'node:crypto';

/**
 * This process's name on its database connections (PostgreSQL `application_name`, at most 63
 * bytes). Another process can tell whether this one still runs by looking for it in
 * `pg_stat_activity`: a process killed with SIGKILL loses its connections, and with them its name.
 */
export const INSTANCE_NAME = `commons-${process.pid}-${randomBytes(6).toString('hex')}`;
