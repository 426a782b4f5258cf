export { buildProgram, type CommandHandlers } from './program.js';
export { checkCommand, onceCommand, runCommand } from './commands.js';
