// Pricing: exact money, the price catalog (flujo.toml > settings > reference), costs and the comparison table.
export { Decimal } from './decimal';
export * from './model-id';
export * from './reference';
export * from './catalog';
export * from './cost';
export * from './compare';
