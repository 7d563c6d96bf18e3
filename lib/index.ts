// Constructs
export * from './constructs/user-files-bucket';
export * from './constructs/okta-federation';
export * from './constructs/user-identity-pool';
export * from './constructs/okta-web-identity-role';
export * from './constructs/workflows-connector-role';
export * from './constructs/federated-user-pool';
export * from './constructs/presign-api';
export * from './constructs/presign-routes';

// Pure policy builders
export * from './policy/user-prefix-statements';
export * from './policy/grant-user-prefix';
export * from './policy/cors-rules';
