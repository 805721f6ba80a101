/**
 * Other modules this one reads from, loaded on first use: the organisations module itself uses
 * accounts (for permissions), and a lazy import keeps the two from depending on each other's
 * start-up order.
 */
export function organisationsIndex() {
  return import('../organisations/index.ts');
}

/** Every module, for "download my data" and "delete my account". */
export async function allModules() {
  return (await import('../registry.ts')).MODULES;
}
