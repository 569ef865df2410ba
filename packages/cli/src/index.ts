export { buildProgram } from './program.ts';
export { validateFile, type FileReport } from './commands/validate.ts';
export { ExitCode } from './exit-codes.ts';
export {
  pushRelease,
  putCategories,
  putConnector,
  putIntegrationListing,
  putNotifications,
  readRelease,
  rotateNotificationSecret,
  HostApiError, type HostApiOptions,
  type HostReleaseDetail,
  type PushedRelease,
} from './host-api.ts';
export { packReleaseDirectory } from './release-archive.ts';
