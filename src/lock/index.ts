export { acquirePidLock, databaseLockPath, isProcessAlive, LockError, type AcquirePidLockOptions, type LockErrorCode, type PidLock } from './pid-lock.ts';
