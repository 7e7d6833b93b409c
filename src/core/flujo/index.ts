// flujo.toml language service: analysis/diagnostics, quick fixes, completion, hover, config lookup, usages.
export * from './scanner';
export * from './schema';
export * from './analyze';
export * from './fixes';
export * from './language';
export * from './config';
export * from './usage';
export * from './decode';
export * from './portable';
export * from './historyConfig';
