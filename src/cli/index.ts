export { buildProgram, type CommandHandlers } from './program.js';
export { addAllOptions } from './deferred-options.js';
export { checkCommand, onceCommand, rollbackCommand } from './commands.js';
export { historyCommand, forgetCommand, historyQuery, type HistoryArgs } from './store-commands.js';
export { approvalsCommand, voteCommand, approvalsTable, type ApprovalsArgs } from './approvals-command.js';
export {
  notifyTestCommand,
  notificationService,
  withNotifications,
  type NotifyTestOptions,
} from './notify-command.js';
export { healthcheckCommand, healthzUrl } from './healthcheck-command.js';
export { configCheckCommand, configPrintCommand } from './config-command.js';
