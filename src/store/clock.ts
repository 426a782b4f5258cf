export type { Clock } from '../domain/clock.js';
