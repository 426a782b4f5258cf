export { ContainerInventory, type InventoryOptions, type InventoryStats } from './inventory.js';
export { changesDetails } from './actions.js';
