export { buildProgram, type CommandHandlers } from './program.js';
export {
  checkCommand,
  onceCommand,
  rollbackCommand,
  runCommand,
  type Daemon,
  type Service,
  type ServiceStarter,
} from './commands.js';
export { historyCommand, forgetCommand, historyQuery, type HistoryArgs } from './store-commands.js';
