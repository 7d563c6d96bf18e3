export * from './types';
export * from './defaults';
export * from './validate';
export * from './resolve';
export * from './load';
